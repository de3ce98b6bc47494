"""Bowel screening journeys in Chromium (issue #13 item 6): the index map, an alliance's page with its
charts (funnel and SPC drawn by vega-embed), and the threshold planner used with the keyboard, without
and with JavaScript; axe-core finds no serious or critical violation and the CSP reports nothing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from tests.browser.journeys import check_page, follow_priority_link, sign_in

pytestmark = pytest.mark.browser

EAST = "E56000009"


@pytest.fixture
def fit_page(page):
    """A page on the browser server, whose home holds the FIT results (tests/web/conftest.build_home)."""
    return page


def test_public_index_and_alliance_page_draw_and_meet_the_baseline(fit_page):
    page = fit_page
    page.goto("/")
    follow_priority_link(page, "Bowel screening")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bowel screening with FIT")
    expect(page.locator("#fit-alliance-table")).to_contain_text("East of England")
    check_page(page, "fit-index-public")
    page.locator(f'#fit-alliance-table a[href="/bowel-screening/{EAST}"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text("East of England")
    charts = page.locator(".app-chart__canvas")
    expect(charts).to_have_count(1)  # the funnel; no SPC over the public's rounded counts (issue #22)
    expect(charts.first.locator("svg").first).to_be_visible()
    expect(page.locator("#spc-withheld")).to_contain_text("not shown on published figures")
    expect(page.locator("#metrics-table")).to_contain_text("Uptake (screened of invited)")
    check_page(page, "fit-alliance-public")


def test_signed_in_planner_by_keyboard_shows_demand_against_slots(fit_page):
    page = fit_page
    sign_in(page, "east")
    page.goto(f"/bowel-screening/{EAST}/planner")
    expect(page.locator("#plan-table tbody tr")).to_have_count(4)  # 120, 80, 40, 20 by default
    page.get_by_role("checkbox", name="40 µg/g", exact=True).press("Space")
    page.get_by_role("checkbox", name="20 µg/g", exact=True).press("Space")
    page.get_by_label("Colonoscopy slots per month for screening (optional)").fill("60")
    page.get_by_label("Colonoscopy slots per month for screening (optional)").press("Enter")
    expect(page).to_have_url(re.compile(r"/planner\?threshold=120&threshold=80&slots=60$"))
    expect(page.locator("#plan-table tbody tr")).to_have_count(2)
    expect(page.locator("#assumptions-table")).to_contain_text("NHS England")
    expect(page.locator("#demand-table")).to_contain_text("60")
    expect(page.locator(".app-chart__canvas svg").first).to_be_visible()
    check_page(page, "fit-planner-signed-in")


def test_the_planner_works_without_javascript(browser, server):
    context = browser.new_context(base_url=server, java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    page.goto(f"/bowel-screening/{EAST}/planner")
    page.get_by_role("checkbox", name="100 µg/g", exact=True).check()
    page.locator("#plan").click()
    expect(page.locator("#plan-table tbody tr")).to_have_count(5)
    expect(page.locator("#plan-table")).to_contain_text("100")
    context.close()
