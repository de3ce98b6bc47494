"""The PTL grid as trackers use it (issue 23): sorted server-side by any column through the query (no
JavaScript), filtered by tumour site and tumour site team, each pathway's last note and next action in
the grid, passed breach dates flagged, and the same rows, filters and order as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pandas as pd
import pytest
from tests.web.conftest import csrf_token

pytestmark = pytest.mark.web


def listed(html: str) -> list[str]:
    return re.findall(r'<a href="/ptl/([^"]+)" class="app-record-id">', html)


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def add_note(client, record_id: str, text: str, action: str = "", due: str = "") -> None:
    """`due` as YYYY-MM-DD, typed into the NHS.UK date input's three boxes."""
    token = csrf_token(client.get(f"/ptl/{record_id}").text)
    year, month, day = due.split("-") if due else ("", "", "")
    boxes = {"next_action_due_day": day, "next_action_due_month": month, "next_action_due_year": year}
    response = client.post(
        f"/ptl/{record_id}/notes",
        data={"text": text, "next_action": action, "csrf_token": token} | boxes,
        follow_redirects=False,
    )
    assert response.status_code == 303


# The fixture's 62-day breach dates from the census of 31 March 2019: P-RTX-1 70 days ago, P-RGT-1 11
# days ago, P-RGT-2 in 3 days, P-RGN-1 in 42, P-UNK-1 in 58 (no FDS breach dates).
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"sort": "days_to_breach"}, ["P-RTX-1", "P-RGT-1", "P-RGT-2", "P-RGN-1", "P-UNK-1"]),
        ({"sort": "days_to_breach", "dir": "desc"}, ["P-UNK-1", "P-RGN-1", "P-RGT-2", "P-RGT-1", "P-RTX-1"]),
        ({"sort": "days_waited", "dir": "asc"}, ["P-UNK-1", "P-RGN-1", "P-RGT-2", "P-RGT-1", "P-RTX-1"]),
        ({"sort": "referral_date"}, ["P-RTX-1", "P-RGT-1", "P-RGT-2", "P-RGN-1", "P-UNK-1"]),
        ({"sort": "record_id", "dir": "desc"}, ["P-UNK-1", "P-RTX-1", "P-RGT-2", "P-RGT-1", "P-RGN-1"]),
        ({"sort": "tumour_type"}, ["P-RGT-1", "P-RTX-1", "P-RGN-1", "P-RGT-2", "P-UNK-1"]),
        ({"sort": "days_to_breach", "team": "Lung"}, ["P-RGT-2", "P-RGN-1"]),
    ],
)
def test_the_grid_sorts_by_any_column_through_the_query(signed_in, query, expected):
    assert listed(signed_in("nat").get("/ptl", params=query).text) == expected


def test_column_headings_are_links_that_keep_the_filters_and_say_the_order(signed_in):
    html = signed_in("nat").get("/ptl", params={"team": "Lung", "sort": "days_to_breach"}).text
    assert '<th scope="col" role="columnheader" class="nhsuk-table__header" aria-sort="ascending">' in html
    assert 'href="/ptl?team=Lung&amp;sort=days_to_breach&amp;dir=desc"' in html  # again: the other way
    assert 'href="/ptl?team=Lung&amp;sort=days_waited&amp;dir=desc"' in html  # longest wait first
    assert html.count('aria-sort="') == 1


def test_an_unknown_sort_or_direction_is_refused(signed_in):
    client = signed_in("nat")
    assert client.get("/ptl", params={"sort": "nhs_number"}).status_code == 404
    assert client.get("/ptl", params={"dir": "sideways"}).status_code == 400


def test_a_ptl_per_tumour_site_team_and_per_trust_team(signed_in):
    nat = signed_in("nat")
    html = nat.get("/ptl").text
    team_select = html[html.index('<select class="nhsuk-select" id="team"') :]
    team_select = team_select[: team_select.index("</select>")]
    teams = re.findall(r'<option value="([^"]*)"', team_select)
    assert teams == ["", "Breast", "Lung", "Not yet known"]  # the teams present in the viewer's PTL
    assert listed(nat.get("/ptl", params={"team": "Lung", "provider": "RGT"}).text) == ["P-RGT-2"]
    assert listed(signed_in("rgt").get("/ptl", params={"team": "Lung"}).text) == ["P-RGT-2"]
    assert listed(signed_in("rgt").get("/ptl", params={"team": "Breast"}).text) == ["P-RGT-1"]


def test_passed_breach_dates_are_flagged_fds_too(web_home, signed_in):
    ptl = web_home / "results" / "ptl.parquet"
    frame = pd.read_parquet(ptl)
    frame.loc[frame["record_id"] == "P-RGN-1", "breach_date_fds"] = dt.date(2019, 3, 30)  # passed yesterday
    frame.loc[frame["record_id"] == "P-UNK-1", "breach_date_fds"] = dt.date(2019, 4, 10)  # ahead of the 62
    frame.to_parquet(ptl, index=False)
    html = signed_in("nat").get("/ptl", params={"sort": "record_id"}).text
    grid = html[html.index('id="ptl-table"') :]
    grid = grid[: grid.index("</table>")]  # the backlog's responsive table follows with rows of its own
    cells = re.split(r'<tr class="nhsuk-table__row" role="row">', grid)[2:]
    rows = dict(zip(listed(html), cells, strict=True))
    assert "FDS passed" in rows["P-RGN-1"] and "62-day passed" not in rows["P-RGN-1"]
    assert "42 days" in rows["P-RGN-1"] and "62-day, 12 May 2019" in rows["P-RGN-1"]
    assert "10 days" in rows["P-UNK-1"] and "FDS, 10 Apr 2019" in rows["P-UNK-1"]
    assert "62-day passed" in rows["P-RGT-1"] and "11 days ago" in rows["P-RGT-1"]
    assert "FDS passed" not in rows["P-RGT-1"]


def test_one_short_date_format_in_the_grid(signed_in):
    html = signed_in("rgt").get("/ptl").text
    table = html[html.index('id="ptl-table"') :]
    assert "16 Jan 2019" in table  # P-RGT-1 referred 63 days before its breach date of 20 March
    assert not re.search(r"\d{4}-\d{2}-\d{2}|January|March|April", table)


def test_the_last_note_and_next_action_show_in_the_grid_and_sort_it(signed_in):
    rgt = signed_in("rgt")
    add_note(rgt, "P-RGT-1", "Histology awaited")
    add_note(rgt, "P-RGT-2", "Seen in clinic; CT booked", "Chase CT report", "2019-04-02")
    html = rgt.get("/ptl").text
    assert "Seen in clinic; CT booked" in html and "Chase CT report" in html and "Due 2 Apr 2019" in html
    assert "Histology awaited" in html
    assert listed(rgt.get("/ptl", params={"sort": "next_action_due"}).text) == ["P-RGT-2", "P-RGT-1"]
    assert listed(rgt.get("/ptl", params={"sort": "last_note"}).text) == ["P-RGT-2", "P-RGT-1"]
    add_note(rgt, "P-RGT-1", "Histology back", "Book MDT", "2019-03-28")  # the latest note counts
    html = rgt.get("/ptl", params={"sort": "next_action_due"}).text
    assert listed(html) == ["P-RGT-1", "P-RGT-2"]
    assert "Histology awaited" not in html and "Overdue" in html  # due before the census


def test_another_trusts_notes_never_reach_the_grid(signed_in):
    add_note(signed_in("rgt"), "P-RGT-2", "RGT only", "RGT action", "2019-04-02")
    html = signed_in("rtx").get("/ptl", params={"sort": "next_action_due"}).text
    assert listed(html) == ["P-RTX-1"] and "RGT only" not in html and "RGT action" not in html


def test_the_csv_has_the_grids_rows_filters_order_and_notes(signed_in):
    client = signed_in("nat")
    add_note(signed_in("rgt"), "P-RGT-2", "CT booked", "Chase CT report", "2019-04-02")
    query = {"team": "Lung", "sort": "days_to_breach", "dir": "desc"}
    rows = csv_rows(client.get("/ptl.csv", params=query).text)
    assert [r["record_id"] for r in rows] == listed(client.get("/ptl", params=query).text)
    assert [r["record_id"] for r in rows] == ["P-RGN-1", "P-RGT-2"]
    rgt2 = rows[1]
    assert (rgt2["provider"], rgt2["team"], rgt2["days_to_breach"], rgt2["next_breach"]) == (
        "RGT",
        "Lung",
        "3",
        "62-day",
    )
    assert rgt2["provider_name"].startswith("Cambridge University Hospitals")
    assert (rgt2["last_note"], rgt2["next_action"], rgt2["next_action_due"]) == (
        "CT booked",
        "Chase CT report",
        "2019-04-02",
    )
    assert rgt2["referral_date"] == "2019-01-30"
    by_due = csv_rows(client.get("/ptl.csv", params={"sort": "next_action_due"}).text)
    assert by_due[0]["record_id"] == "P-RGT-2"


def test_the_pathway_page_and_api_give_the_grids_facts(signed_in):
    rgt = signed_in("rgt")
    html = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", rgt.get("/ptl/P-RGT-1").text))
    assert "Responsible provider Cambridge University Hospitals NHS Foundation Trust (RGT)" in html
    assert "Stage Awaiting decision to treat" in html and "Tumour site team Breast" in html
    assert "Next breach 11 days ago, 62-day breach date passed" in html
    assert "Next milestone" not in html  # it only repeated the 62-day breach date
    pathway = rgt.get("/api/ptl/P-RGT-1").json()["pathway"]
    assert (pathway["days_to_breach"], pathway["passed_62"], pathway["referral_date"]) == (
        -11,
        True,
        "2019-01-16",
    )
    assert pathway["breach_date_fds"] is None


def test_the_filter_form_sorts_as_its_sort_by_choice_says(signed_in):
    """The "Sort by" choices name their direction, so applying the form drops a heading's direction."""
    html = signed_in("nat").get("/ptl", params={"sort": "days_to_breach", "dir": "desc"}).text
    form = html[html.index('id="ptl-filters"') : html.index("</form>")]
    assert 'name="dir"' not in form
