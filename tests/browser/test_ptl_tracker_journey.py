"""A trust tracker's journey (issue 23, "Done when"): sign in, go to the trust's PTL, filter to lung, sort
by days to the next breach, open the top pathway, add a note with a next action and a due date, and see
the note and the action in the grid. Full-page screenshots at 1280 px and 390 px, each checked for
horizontal overflow and with axe. Generated records only."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from tests.browser.journeys import check_page, resize, sign_in

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


def check_widths(page: Page, name: str) -> None:
    """At 1280 px and at 390 px: nothing wider than the window, every grid column visible, axe clean
    and a full-page screenshot (test-artifacts/<name>-<width>.png)."""
    for label, (width, height) in WIDTHS.items():
        resize(page, width, height)
        page.wait_for_load_state("networkidle")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{name} is {scroll_width} px wide in a {width} px window"
        if page.locator("#ptl-table").count():
            hidden = page.evaluate(
                """() => [...document.querySelectorAll('#ptl-table tbody td')]
                    .filter(cell => cell.getBoundingClientRect().right > window.innerWidth + 1).length"""
            )
            assert hidden == 0, f"{hidden} cells of the grid beyond the window at {width} px"
        check_page(page, f"{name}-{label}")
    page.set_viewport_size({"width": WIDTHS["desktop"][0], "height": WIDTHS["desktop"][1]})


def test_a_tracker_works_the_lung_ptl_and_the_note_reaches_the_grid(page):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "rgt")
    page.get_by_role("link", name=re.compile("patient tracking list", re.I)).first.click()
    page.wait_for_url(re.compile(r"/ptl$"))  # waits for the navigation (30 s), not expect's 5 s: the
    # machine running the browser tests may be loaded
    expect(page.locator("h1")).to_have_text("Patient tracking list")
    check_widths(page, "tracker-ptl")

    page.get_by_label("Tumour site", exact=True).select_option("Lung")
    page.locator("#apply-filters").click()
    page.wait_for_url(re.compile(r"tumour_type=Lung"))
    page.locator("#sort-days_to_breach").click()
    page.wait_for_url(re.compile(r"sort=days_to_breach"))
    expect(page.locator("#ptl-table th[aria-sort]")).to_contain_text("Next breach")
    rows = page.locator("#ptl-table tbody a.app-record-id")
    expect(rows).to_have_text(["P-RGT-2"])
    expect(page.locator("#ptl-table tbody tr").first).to_contain_text("3 days")
    check_widths(page, "tracker-ptl-lung-by-breach")

    rows.first.click()
    page.wait_for_url(re.compile(r"/ptl/P-RGT-2$"))
    expect(page.locator("h1")).to_contain_text("P-RGT-2")
    page.get_by_label("Note", exact=True).fill("Seen in clinic, CT booked for 1 April")
    page.get_by_label("Next action (optional)").fill("Chase the CT report")
    due = page.get_by_role("group", name="Next action due (optional)")
    due.get_by_label("Day").fill("2")
    due.get_by_label("Month").fill("4")
    due.get_by_label("Year").fill("2019")
    page.locator("#save-note").click()
    page.wait_for_url(re.compile(r"saved=1"))
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Note saved")
    check_widths(page, "tracker-pathway-note-saved")

    page.get_by_role("link", name="Patient tracking list").first.click()
    page.wait_for_url(re.compile(r"/ptl$"))
    page.get_by_label("Tumour site", exact=True).select_option("Lung")
    page.get_by_label("Sort by").select_option("next_action_due")
    page.locator("#apply-filters").click()
    page.wait_for_url(re.compile(r"sort=next_action_due"))
    row = page.locator("#ptl-table tbody tr").first
    expect(row).to_contain_text("P-RGT-2")
    expect(row).to_contain_text("Seen in clinic, CT booked for 1 April")
    expect(row).to_contain_text("Chase the CT report")
    expect(row).to_contain_text("Due 2 Apr 2019")
    check_widths(page, "tracker-ptl-with-note")
