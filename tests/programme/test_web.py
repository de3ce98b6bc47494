"""Programme pages (issue 15 item 4): roles, CSRF, optimistic locking in the browser's terms, audit,
the library for every role and the public, and the board pack download."""

from __future__ import annotations

import html
import json
import re

import pytest
from pypdf import PdfReader
from tests.web.conftest import csrf_token

from .results import write_performance

pytestmark = pytest.mark.web

EAST = "E56000009"
LANCS = "E56000018"


@pytest.fixture
def home(web_home):
    write_performance(web_home)  # replaces the web fixture's alliance table with a year of months
    return web_home


def post(client, path, data, page=None):
    token = csrf_token(client.get(page or path).text)
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


DELIVERABLE = {
    "financial_year": "2018/19",
    "title": "Recover the 62-day standard",
    "owner": "Programme manager",
    "due_date_day": "31",
    "due_date_month": "3",
    "due_date_year": "2019",
    "funding": "250000",
    "metric_key": "cwt:62d_usc",
    "trajectory_month": ["2019-01", "2019-02", "2019-03"],
    "trajectory_target": ["80", "82", "85"],
}


def add_deliverable(client, data=DELIVERABLE, alliance=EAST):
    response = post(
        client,
        "/programme/deliverables",
        {**data, "alliance": alliance},
        f"/programme/deliverables/new?alliance={alliance}",
    )
    assert response.status_code == 303, response.text
    return int(re.search(r"/programme/deliverables/(\d+)", response.headers["location"]).group(1))


def test_an_alliance_user_adds_a_linked_deliverable_and_sees_its_rag(home, signed_in, audit_events):
    east = signed_in("east")
    deliverable_id = add_deliverable(east)
    page = east.get(f"/programme/deliverables/{deliverable_id}?month=2019-03")
    assert page.status_code == 200
    assert "Amber" in page.text and "83.0% in 2019-03 against a trajectory of 85.0%" in page.text
    listing = east.get("/programme?month=2019-03").text
    assert "Recover the 62-day standard" in listing and "Amber" in listing
    created = [e for e in audit_events() if e.object_type == "deliverable" and e.action == "create"]
    assert created and created[-1].actor_id is not None


def test_a_stale_form_is_refused_and_says_who_saved_first(home, signed_in):
    east, nat = signed_in("east"), signed_in("nat")
    deliverable_id = add_deliverable(east)
    path = f"/programme/deliverables/{deliverable_id}"
    east_token = csrf_token(east.get(path).text)
    nat_token = csrf_token(nat.get(path).text)  # both opened version 1
    first = nat.post(
        path,
        data={**DELIVERABLE, "owner": "National lead", "version": "1", "csrf_token": nat_token},
        follow_redirects=False,
    )
    assert first.status_code == 303
    second = east.post(
        path,
        data={**DELIVERABLE, "owner": "Alliance lead", "version": "1", "csrf_token": east_token},
        follow_redirects=False,
    )
    assert second.status_code == 409
    assert "Not saved" in second.text and "by nat" in second.text
    page = east.get(path).text
    assert "National lead" in page and "Alliance lead" not in page
    assert "Owner: Programme manager to National lead" in page  # the history


def test_roles_alliance_users_edit_their_own_trust_users_read(home, signed_in):
    east = signed_in("east")
    deliverable_id = add_deliverable(east)
    trust = signed_in("rgt")  # RGT is in East of England
    page = trust.get(f"/programme/deliverables/{deliverable_id}")
    assert page.status_code == 200 and "save-deliverable" not in page.text
    # a reader sees the trajectory as a table of figures (no boxes) beside its chart
    assert 'id="trajectory-table"' in page.text and 'name="trajectory_target"' not in page.text
    assert "data-vega-spec" in page.text and "January 2019" in page.text
    refused = post(
        trust,
        f"/programme/deliverables/{deliverable_id}",
        {**DELIVERABLE, "version": "1"},
        f"/programme/deliverables/{deliverable_id}",
    )
    assert refused.status_code == 403
    assert trust.get(f"/programme/deliverables/new?alliance={EAST}").status_code == 403
    other = post(east, "/programme/deliverables", {**DELIVERABLE, "alliance": LANCS}, "/programme")
    assert other.status_code == 303  # an alliance user's new deliverable is always their own alliance's
    assert LANCS not in other.headers["location"]


def test_posts_without_the_csrf_token_are_refused(home, signed_in):
    east = signed_in("east")
    response = east.post(
        "/programme/deliverables", data={**DELIVERABLE, "alliance": EAST}, follow_redirects=False
    )
    assert response.status_code == 403


def test_an_invalid_form_names_each_field(home, signed_in):
    east = signed_in("east")
    response = post(
        east,
        "/programme/deliverables",
        {**DELIVERABLE, "alliance": EAST, "due_date_month": "", "trajectory_target": ["soon", "82", "85"]},
        "/programme",
    )
    assert response.status_code == 400
    assert 'href="#due_date"' in response.text and 'href="#trajectory-2019-01"' in response.text
    assert "Target for January 2019 must be a number" in response.text
    assert "Due date must include a month" in response.text


def test_the_pages_need_signing_in_except_the_library(home, client):
    assert client.get("/programme", follow_redirects=False).status_code == 303
    assert client.get("/programme/board", follow_redirects=False).status_code == 303
    assert client.get("/library").status_code == 200


def test_a_case_study_is_moderated_then_found_by_another_alliance_and_the_public(home, signed_in, client):
    east = signed_in("east")
    response = post(
        east,
        "/library",
        {
            "title": "Straight-to-test lung pathway",
            "summary": "Same-day CT for suspected lung cancer cut waits.",
            "intervention": "Radiology books CT at referral triage.",
            "priorities": ["pathways", "waiting_times"],
            "metric_key": "cwt:62d_usc",
            "change_month": "2018-10",
        },
        "/library/new",
    )
    assert response.status_code == 303, response.text
    path = response.headers["location"].split("?")[0]
    page = east.get(path).text
    assert "Before and after" in page and "before-after-table" in page
    # The page's chart data once hid behind the template's `chart` macro: blank labels, no rows.
    assert re.search(r"<p>[^<:]+: mean [0-9.]+%? before October 2018", page), (
        "the before-and-after label is blank"
    )
    assert re.search(r'<td class="nhsuk-table__cell">[A-Z][a-z]{2} 2018</td>', page)
    assert '<td class="nhsuk-table__cell">Common cause</td>' in page  # the point in words, not its code
    assert "over 0 months" not in page
    assert "Rapid assessment and diagnostic pathways" in page and "All eight cancer waiting time" in page
    assert post(east, f"{path}/submit", {}, path).status_code == 303
    lancs_user = signed_in("rtx")  # a trust user elsewhere: finds nothing until published
    assert "Straight-to-test" not in lancs_user.get("/library?q=lung").text
    assert post(east, f"{path}/moderate", {"decision": "publish"}, path).status_code == 403
    nat = signed_in("nat")
    assert "Straight-to-test" in nat.get("/library").text  # awaiting review
    assert post(nat, f"{path}/moderate", {"decision": "publish"}, path).status_code == 303
    assert "Straight-to-test lung pathway" in lancs_user.get("/library?q=lung%20straight").text
    public = client.get("/library?q=lung")
    assert "Straight-to-test lung pathway" in public.text
    public_page = client.get(path).text
    assert "Same-day CT" in public_page and "Radiology books CT" not in public_page  # the summary only


def test_the_board_pack_downloads_as_pdf_and_is_audited(home, signed_in, audit_events):
    east = signed_in("east")
    add_deliverable(east)
    response = east.get("/programme/board.pdf?month=2019-03")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    path = home / "pack.pdf"
    path.write_bytes(response.content)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(str(path)).pages).split())
    text = text.replace("- ", "-")  # a narrow A4 table cell wraps "62-day" after its hyphen
    assert "East of England" in text and "March 2019" in text and "Recover the 62-day standard" in text
    assert [e for e in audit_events() if e.object_type == "board_pack" and e.action == "export"]


def test_the_api_gives_deliverables_with_rag_and_the_library_as_json_or_csv(home, signed_in, client):
    east = signed_in("east")
    add_deliverable(east)
    rows = east.get("/api/programme/deliverables?month=2019-03").json()["rows"]
    assert [(r["title"], r["rag"], r["rag_month"]) for r in rows] == [
        ("Recover the 62-day standard", "amber", "2019-03")
    ]
    csv = east.get("/api/programme/deliverables?month=2019-03&format=csv")
    assert csv.text.startswith("deliverable_id,version,alliance_code")
    assert client.get("/api/programme/deliverables").status_code == 401
    assert client.get("/api/library").json() == {"rows": []}


def test_deliverables_are_exported_and_imported_back_from_the_page(home, signed_in):
    east = signed_in("east")
    deliverable_id = add_deliverable(east)
    exported = east.get("/programme/deliverables.csv").text
    edited = exported.replace("Programme manager", "Clinical director")
    token = csrf_token(east.get("/programme").text)
    response = east.post(
        "/programme/deliverables/import",
        data={"csrf_token": token, "alliance": EAST},
        files={"upload": ("deliverables.csv", edited.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert "Clinical director" in east.get(f"/programme/deliverables/{deliverable_id}").text
    stale = east.post(
        "/programme/deliverables/import",
        data={"csrf_token": token, "alliance": EAST},
        files={"upload": ("deliverables.csv", edited.replace("Clinical", "Medical").encode(), "text/csv")},
    )
    assert stale.status_code == 400 and "deliverables.csv row 2, version" in stale.text
    bad = east.post(
        "/programme/deliverables/import",
        data={"csrf_token": token, "alliance": EAST},
        files={"upload": ("bad.csv", b"title\nx\n", "text/csv")},
    )
    assert bad.status_code == 400 and "column" in bad.text


def test_a_case_study_is_edited_and_a_stale_edit_is_refused(home, signed_in):
    east = signed_in("east")
    fields = {
        "title": "Navigators",
        "summary": "Patient navigators.",
        "intervention": "Hired two.",
        "priorities": ["pathways"],
    }
    path = post(east, "/library", fields, "/library/new").headers["location"].split("?")[0]
    edit = f"{path}/edit"
    first = post(east, edit, {**fields, "title": "Cancer care navigators", "version": "1"}, edit)
    assert first.status_code == 303
    assert "Cancer care navigators" in east.get(path).text
    stale = post(east, edit, {**fields, "title": "Something else", "version": "1"}, edit)
    assert stale.status_code == 409 and "Not saved" in stale.text
    other = signed_in("nat")
    assert other.get(edit).status_code == 200  # national users edit any alliance's
    assert signed_in("rgt").get(edit).status_code == 404  # a trust user cannot even see the draft


@pytest.mark.parametrize(
    ("username", "alliance", "status"), [("rtx", EAST, 403), ("rgt", EAST, 403), ("east", LANCS, 403)]
)
def test_the_board_pack_follows_the_follow_up_metrics_rules(home, signed_in, username, alliance, status):
    """Issue 21: any signed-in user could download any alliance's pack, follow-up totals included."""
    response = signed_in(username).get(f"/programme/board.html?alliance={alliance}&month=2019-03")
    assert response.status_code == status


def test_the_trajectory_is_a_table_of_the_years_months_with_a_chart_of_targets_and_actuals(home, signed_in):
    east = signed_in("east")
    deliverable_id = add_deliverable(east)
    page = east.get(f"/programme/deliverables/{deliverable_id}?month=2019-03").text
    table = page[
        page.index('id="trajectory-table"') : page.index("</table>", page.index('id="trajectory-table"'))
    ]
    months = re.findall(r'<th scope="row" class="nhsuk-table__header">([^<]+)</th>', table)
    assert months[0] == "April 2018" and months[-1] == "March 2019" and len(months) == 12
    flat = " ".join(table.split())
    assert (
        'class="nhsuk-label nhsuk-u-visually-hidden" for="trajectory-2019-03" > Target for March 2019 (%)'
        in flat
    )
    assert 'id="trajectory-2019-03" name="trajectory_target"' in table and 'value="85"' in table
    assert "83.0%" in table  # March's actual beside its target
    spec = json.loads(html.unescape(re.search(r'data-vega-spec="([^"]+)"', page).group(1)))
    assert {"month": "2019-03-01", "series": "Trajectory", "value": 0.85} in spec["data"]["values"]
    assert {"month": "2019-03-01", "series": "Actual", "value": 0.83} in spec["data"]["values"]


def test_a_change_typed_into_the_table_is_saved_as_fractions(home, signed_in):
    east = signed_in("east")
    deliverable_id = add_deliverable(east)
    path = f"/programme/deliverables/{deliverable_id}"
    change = {**DELIVERABLE, "version": "1", "trajectory_target": ["80.45", "", "86%"]}
    assert post(east, path, change).status_code == 303
    page = east.get(path).text
    assert 'value="80.45"' in page and 'value="86"' in page
    assert (
        "Trajectory: January 2019 80%, February 2019 82%, March 2019 85%"
        " to January 2019 80.45%, March 2019 86%"
    ) in page


def test_targets_typed_for_another_year_than_the_new_deliverables_are_refused(home, signed_in):
    nat = signed_in("nat")
    response = post(
        nat,
        "/programme/deliverables",
        {**DELIVERABLE, "alliance": EAST, "financial_year": "2019/20"},
        f"/programme/deliverables/new?alliance={EAST}",
    )
    assert response.status_code == 400
    assert "Trajectory: January 2019 is outside 2019/20" in response.text
    assert 'id="trajectory-2020-03"' in response.text and 'id="trajectory-2019-01"' in response.text
