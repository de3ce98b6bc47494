"""Radiotherapy pages in Chromium (issue #14): a network lead goes from the list of networks to a
network and one of its centres; the linac age and mix charts draw; axe-core finds no serious or critical
violation and the CSP reports nothing (check_page); the keyboard reaches the centre link."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from tests.browser.journeys import check_page, sign_in

pytestmark = pytest.mark.browser


def test_network_lead_goes_from_the_networks_to_a_centre(page):
    sign_in(page, "east")
    page.goto("/radiotherapy")
    expect(page.get_by_role("heading", level=1)).to_have_text("Radiotherapy networks")
    check_page(page, "radiotherapy-networks")
    page.get_by_role("link", name="East of England").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("East of England")
    charts = page.locator(".app-chart__canvas")
    expect(charts).to_have_count(3)  # linac ages, techniques, fractionation
    for i in range(3):
        expect(charts.nth(i).locator("svg").first).to_be_visible()
    expect(page.locator("#requirement-network_sabr")).to_contain_text("Met")
    check_page(page, "radiotherapy-network")
    link = page.get_by_role("link", name="Norfolk and Norwich University Hospitals NHS Foundation Trust")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Norfolk and Norwich")
    expect(page.locator("#linac-table")).to_contain_text("Replacement due")
    check_page(page, "radiotherapy-centre")


def test_public_centre_page_meets_the_baseline(page):
    """RGT's monthly course counts are all small: withheld for the public, so no mix charts, only the
    linac chart; the tables say withheld."""
    page.goto("/radiotherapy/providers/RGT")
    expect(page.locator(".app-chart__canvas svg").first).to_be_visible()
    expect(page.locator(".app-chart__canvas")).to_have_count(1)
    expect(page.locator("#technique-table")).to_contain_text("[c]")
    check_page(page, "radiotherapy-centre-public")
