"""Timed diagnostic pathways in Chromium (issue 12 item 8): an alliance user follows the link from the
alliance page to its timed pathways, sees the step chart and the SPC trend drawn with their tables,
changes the trend's milestone, then finds an open pathway with a milestone overdue on the PTL and
opens its milestones; the public trust page meets the baseline too. axe-core finds no serious or
critical violation and the CSP reports nothing on any page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from tests.browser.journeys import check_page, sign_in
from tests.web.conftest import EAST

pytestmark = pytest.mark.browser


def test_alliance_user_finds_the_bottleneck_and_an_overdue_milestone(page):
    sign_in(page, "east")
    page.goto(f"/alliances/{EAST}")
    page.locator("#timed-pathways-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Timed diagnostic pathways: East of England")
    charts = page.locator(".app-chart__canvas")
    expect(charts).to_have_count(2)
    for i in range(2):
        expect(charts.nth(i).locator("svg").first).to_be_visible()
    expect(page.locator("#compliance-table")).to_contain_text("Diagnosis communicated")
    expect(page.locator("#bottleneck-table tbody tr").first).to_be_visible()
    check_page(page, "timed-pathways-alliance")

    page.get_by_role("link", name="Lung: CT").click()
    expect(page.locator("#trend-table caption")).to_contain_text("Lung: CT within target")

    page.goto("/ptl")
    page.locator("#milestone_overdue").select_option("1")
    page.locator("#apply-filters").click()
    expect(page.locator("#ptl-table tbody tr")).to_have_count(1)
    expect(page.locator("#ptl-table")).to_contain_text("PET-CT, due 15 Mar 2019")
    page.get_by_role("link", name="P-RGT-2").click()
    expect(page.locator("#milestones")).to_contain_text("Overdue")
    check_page(page, "timed-pathways-ptl-pathway")


def test_public_trust_timed_pathways_meet_the_baseline(page):
    page.goto("/trusts/RTX/timed-pathways")
    expect(page.locator(".app-chart__canvas svg").first).to_be_visible()
    check_page(page, "timed-pathways-trust-public")
