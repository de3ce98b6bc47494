"""Alliance, trust and home pages in Chromium (issue 6): vega-embed draws the SPC chart with the Making
Data Count icons inside it, the same icons load beside it as <img> with alt text, the early diagnosis
chart draws, the map colours by early stage; axe-core finds no serious or critical violation and the CSP
reports nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from tests.browser.journeys import check_page, sign_in

pytestmark = pytest.mark.browser

LANCASHIRE = "E56000018"  # NDRS reports it (its ONS code is still in use)
PREFIX = "data:image/svg+xml;base64,"


def test_alliance_page_draws_the_spc_chart_icons_and_early_diagnosis(page):
    sign_in(page, "nat")
    page.goto(f"/alliances/{LANCASHIRE}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lancashire and South Cumbria")
    charts = page.locator(".app-chart__canvas")
    expect(charts).to_have_count(3)  # SPC, early diagnosis, the funnel of trusts
    spc = charts.nth(0)
    expect(spc.locator("svg").first).to_be_visible()
    drawn = spc.locator("svg image")
    expect(drawn).to_have_count(2)  # variation and assurance icons inside the chart
    # the month axis is labelled under the page's CSP-safe expression interpreter (it could not label
    # an explicit list of tick values: the axis came out blank)
    labels = spc.locator("svg g.role-axis-label text").all_text_contents()
    assert [label for label in labels if "2019" in label] == ["Jan 2019", "Feb 2019", "Mar 2019"]
    assert all(drawn.nth(i).get_attribute("href").startswith(PREFIX) for i in range(2))
    beside = page.locator("#spc-summary img")
    expect(beside).to_have_count(2)
    for i in range(2):
        assert beside.nth(i).get_attribute("alt")
        assert beside.nth(i).evaluate("image => image.complete && image.naturalWidth > 0")
    expect(charts.nth(1).locator("svg").first).to_be_visible()
    expect(page.locator("#early-diagnosis-table")).to_contain_text("2022")
    funnel = page.locator("#funnel ~ .app-chart .app-chart__canvas")
    expect(funnel.locator("svg").first).to_be_visible()
    expect(page.locator("#funnel-table")).to_contain_text("Morecambe Bay")
    check_page(page, "alliance-early-diagnosis")


def test_public_trust_page_and_the_early_stage_map_meet_the_baseline(page):
    page.goto("/trusts/RTX")
    expect(page.locator(".app-chart__canvas svg").first).to_be_visible()
    expect(page.locator("#funnel ~ .app-chart .app-chart__canvas svg").first).to_be_visible()
    check_page(page, "trust-public")
    page.goto("/?metric=early_stage")
    expect(page.locator("#alliance-table")).to_contain_text("Lancashire and South Cumbria")
    expect(page.locator(".app-legend")).to_contain_text("75% or more")
    check_page(page, "home-early-stage")


def test_an_alliance_shown_with_its_successors_figures_says_so_and_meets_the_baseline(page):
    """East of England (2018/19, E56000009) gets NDRS's East of England of 2023/24, with a note."""
    page.goto("/alliances/E56000009")
    expect(page.locator("#early-diagnosis-source")).to_contain_text(
        "Figures for the successor alliance East of England (NDRS boundaries of 2023/24)"
    )
    expect(page.locator("#early-diagnosis-table")).to_contain_text("2022")
    check_page(page, "alliance-successor-early-diagnosis")
