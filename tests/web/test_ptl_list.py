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
    return re.findall(r'<a href="/ptl/([^"]+)">', html)


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
