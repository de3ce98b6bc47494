"""The patient tracking list page in pages (issue 6 item 2: "sortable and filterable"): the rows of a
page follow the sort order, pages keep the filters, and the API pages through the same rows."""

from __future__ import annotations

import re

import pytest

from cancer_alliance.web.pages import ptl as ptl_page

pytestmark = pytest.mark.web

#: Every pathway of the fixture, longest wait first (the default sort).
BY_DAYS_WAITED = ["P-RTX-1", "P-RGT-1", "P-RGT-2", "P-RGN-1", "P-UNK-1"]


def listed(html: str) -> list[str]:
    return re.findall(r'<a href="/ptl/([^"]+)" class="app-record-id">', html)


@pytest.fixture
def two_a_page(monkeypatch):
    monkeypatch.setattr(ptl_page, "PAGE_ROWS", 2)


def test_pages_of_the_list_follow_the_sort_order_without_gaps(signed_in, two_a_page):
    client = signed_in("nat")
    pages = [listed(client.get("/ptl", params={"page": page}).text) for page in (1, 2, 3)]
    assert pages == [BY_DAYS_WAITED[0:2], BY_DAYS_WAITED[2:4], BY_DAYS_WAITED[4:5]]


def test_page_links_keep_the_filters_and_stop_at_the_ends(signed_in, two_a_page):
    client = signed_in("nat")
    first = client.get("/ptl", params={"sort": "provider"}).text
    assert 'href="/ptl?sort=provider&amp;page=2"' in first
    assert "page=0" not in first
    assert "Showing pathways 1 to 2 of 5" in first
    last = client.get("/ptl", params={"sort": "provider", "page": 3}).text
    assert 'href="/ptl?sort=provider&amp;page=2"' in last
    assert "page=4" not in last


def test_a_page_past_the_end_is_empty_not_an_error(signed_in, two_a_page):
    page = signed_in("nat").get("/ptl", params={"page": 9})
    assert page.status_code == 200
    assert listed(page.text) == []
    assert "No open pathways match these filters." in page.text


def test_a_short_list_has_no_pagination(signed_in):
    page = signed_in("rgt").get("/ptl").text
    assert listed(page) == ["P-RGT-1", "P-RGT-2"]
    assert "nhsuk-pagination" not in page


def test_the_api_pages_through_the_same_rows_in_the_same_order(signed_in):
    client = signed_in("nat")
    pages = [client.get("/api/ptl", params={"offset": o, "limit": 2}).json() for o in (0, 2, 4)]
    assert [row["record_id"] for page in pages for row in page["rows"]] == BY_DAYS_WAITED
    assert {page["total"] for page in pages} == {5}


def test_filters_narrow_the_page_and_the_total(signed_in):
    client = signed_in("nat")
    page = client.get("/ptl", params={"tumour_type": "Lung"}).text
    assert listed(page) == ["P-RGT-2", "P-RGN-1"]
    assert "2 pathways" in page
    again = client.get("/ptl", params={"tumour_type": "Breast", "breach_within": 0}).text
    assert listed(again) == ["P-RTX-1", "P-RGT-1"]


def test_backlog_counts_the_engines_flags_by_provider_largest_first(signed_in):
    """62-day backlog = open pathways over 62 days, 104+ = over 104 (CWT reporting conventions [S1, S31], as
    `cwt.ptl` flags
    them); the fixture flags days >= 63 and >= 105."""
    body = signed_in("nat").get("/api/ptl/summary").json()
    assert body["census_date"] == "2019-03-31"
    assert body["totals"] == {
        "open_pathways": 5,
        "over_62_backlog": 2,
        "over_104": 1,
        "passed_day_28_last_7_days": 0,
        "passed_day_62_last_7_days": 0,
        "passed_day_104_last_7_days": 1,  # P-RTX-1, 110 days
    }
    assert [
        (r["provider"], r["open_pathways"], r["over_62_backlog"], r["over_104"]) for r in body["rows"]
    ] == [
        ("RGT", 2, 1, 0),
        ("RTX", 1, 1, 1),
        ("RGN", 1, 0, 0),
        ("Unknown", 1, 0, 0),
    ]


def test_backlog_is_scoped_and_filtered_like_the_list(signed_in):
    east = signed_in("east").get("/api/ptl/summary", params={"tumour_type": "Lung"}).json()
    assert east["totals"] == {
        "open_pathways": 2,
        "over_62_backlog": 0,
        "over_104": 0,
        "passed_day_28_last_7_days": 0,
        "passed_day_62_last_7_days": 0,
        "passed_day_104_last_7_days": 0,
    }
    assert {row["provider"] for row in east["rows"]} == {"RGT", "RGN"}
    rtx = signed_in("rtx").get("/api/ptl/summary").json()
    assert [row["provider"] for row in rtx["rows"]] == ["RTX"]


def test_backlog_on_the_page_and_as_csv(signed_in):
    client = signed_in("nat")
    page = client.get("/ptl").text
    figures = re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", page)
    assert figures == [
        ("Open pathways", "5"),
        ("Waiting over 62 days", "2"),
        ("Waiting 104 days or more", "1"),
    ]
    assert 'id="ptl-backlog-table"' in page
    csv = client.get("/api/ptl/summary", params={"format": "csv"}).text.splitlines()
    assert csv[0] == (
        "provider,open_pathways,over_62_backlog,over_104,"
        "passed_day_28_last_7_days,passed_day_62_last_7_days,passed_day_104_last_7_days"
    )
    assert csv[1:3] == ["RGT,2,1,0,0,0,0", "RTX,1,1,1,0,0,1"]
    trust_page = signed_in("rgt").get("/ptl").text
    assert 'id="ptl-backlog-table"' not in trust_page  # one provider: the figures say it all


def test_backlog_needs_sign_in_and_is_audited(client, signed_in, audit_events):
    assert client.get("/api/ptl/summary").status_code == 401
    signed_in("rgt").get("/api/ptl/summary")
    assert any(event.object_type == "ptl_summary" for event in audit_events())


def test_the_filter_form_as_a_browser_sends_it_with_blank_fields(signed_in):
    """An HTML form sends every field, empty ones as blank strings (breach_within=)."""
    query = "tumour_type=Lung&band=&provider=&breach_within=&sort=days_waited"
    page = signed_in("nat").get(f"/ptl?{query}")
    assert page.status_code == 200
    assert listed(page.text) == ["P-RGT-2", "P-RGN-1"]


@pytest.mark.parametrize("days", ["-1", "two", "3651", "1.5"])
def test_a_breach_window_that_is_not_a_whole_number_of_days_is_explained(signed_in, days):
    client = signed_in("nat")
    page = client.get("/ptl", params={"breach_within": days})
    assert page.status_code == 400
    assert "whole number of days from 0 to 3650" in page.text
    assert client.get("/api/ptl", params={"breach_within": days}).status_code == 400


def test_pathways_that_passed_a_day_in_the_last_7_days_can_be_listed(signed_in):
    """Issue 3 item 3, "patients who crossed day 28/62/104 in the last 7 days", from the engine's
    per-pathway flags: P-RTX-1 has waited 110 days, so it passed day 104 in the last week."""
    client = signed_in("nat")
    assert listed(client.get("/ptl", params={"passed_day": "104"}).text) == ["P-RTX-1"]
    assert listed(client.get("/ptl", params={"passed_day": "62"}).text) == []
    assert client.get("/ptl", params={"passed_day": "30"}).status_code == 400
    rows = client.get("/api/ptl", params={"passed_day": "104"}).json()["rows"]
    assert [(r["record_id"], r["passed_day_104_last_7_days"]) for r in rows] == [("P-RTX-1", True)]


def test_backlog_links_each_known_provider_to_its_list_and_not_the_unknown(signed_in):
    page = signed_in("nat").get("/ptl").text
    table = page[
        page.index('id="ptl-backlog-table"') : page.index("</table>", page.index('id="ptl-backlog-table"'))
    ]
    assert re.findall(r'<a href="/ptl\?([^"]+)" title=', table) == [
        "sort=days_waited&amp;provider=RGT",
        "sort=days_waited&amp;provider=RTX",
        "sort=days_waited&amp;provider=RGN",
    ]
    assert "Unknown (no responsible provider recorded)" in table
    assert "62-day backlog</h2>" in page  # no filters chosen (the sort order is not a filter)
    narrowed = signed_in("nat").get("/ptl", params={"tumour_type": "Lung"}).text
    assert "62-day backlog for these filters</h2>" in narrowed


def test_the_list_names_organisations_with_their_codes_on_hover(signed_in):
    """Trackers know trusts by name: the lede names the viewer's alliance, each provider cell the trust
    (without "NHS Foundation Trust"), its ODS code on hover."""
    page = signed_in("east").get("/ptl").text
    assert "Open 62-day pathways for East of England on" in page
    assert '<span title="RGT">Cambridge University Hospitals</span>' in page
    assert 'title="RGT">Cambridge University Hospitals</a>' in page  # the backlog by provider too
    assert "for E56000009" not in page
