"""More journeys in a real browser (issue 6 items 2 and 5): a wrong file gets an error summary (the
import that reaches the pages is in test_import_journey.py); a national user narrows the PTL with its filters,
follows a provider from the backlog table and pages through the list with the keyboard. axe-core on
every page reached. Generated records only."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from tests.browser.journeys import check_page, sign_in
from tests.web.test_ptl_list import BY_DAYS_WAITED

from cancer_alliance.web.pages import ptl as ptl_page

pytestmark = pytest.mark.browser


def test_a_wrong_file_gets_an_error_summary_that_links_to_the_field(page, tmp_path):
    wrong = tmp_path / "notes.txt"
    wrong.write_text("not a CWT file")
    sign_in(page, "nat")
    page.goto("/import")
    page.get_by_label("CWT file").set_input_files(str(wrong))
    page.locator("#import").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Choose a CWT file ending .csv, .parquet or .xml"
    )
    check_page(page, "import-error")
    page.locator('.nhsuk-error-summary a[href="#upload"]').click()
    expect(page.get_by_label("CWT file")).to_be_focused()


def test_the_ptl_filters_backlog_and_pages_work_from_the_keyboard(page, monkeypatch):
    monkeypatch.setattr(ptl_page, "PAGE_ROWS", 2)  # the server runs in this process
    sign_in(page, "nat")
    page.goto("/ptl")
    expect(page.locator("#ptl-backlog")).to_contain_text("Waiting over 62 days")
    check_page(page, "ptl-backlog")
    rows = page.locator("#ptl-table tbody a")
    expect(rows).to_have_text(BY_DAYS_WAITED[:2])
    page.locator(".nhsuk-pagination__next a, a.nhsuk-pagination__link--next").first.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(rows).to_have_text(BY_DAYS_WAITED[2:4])
    check_page(page, "ptl-page-2")
    page.get_by_label("Tumour site", exact=True).select_option("Lung")
    page.locator("#apply-filters").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"tumour_type=Lung"))
    expect(rows).to_have_text(["P-RGT-2", "P-RGN-1"])
    page.goto("/ptl")
    page.locator("#ptl-backlog-table").get_by_role(
        "link", name="University Hospitals of Morecambe Bay"
    ).click()
    expect(page).to_have_url(re.compile(r"provider=RTX"))
    expect(rows).to_have_text(["P-RTX-1"])
