"""The alliance cancer manager's journey (issue 23, "Done when"): sign in, land on my alliance, see
this month's worst trust on the 62-day standard beside England, open its patient tracking list. Every
page at 1280 px and 390 px: no sideways overflow, axe, a full-page screenshot.

The web fixture's March 2019 (tests/web/conftest.py): RGT 37 of 40 within 62 days (92.5%), RGN 4 of 5
(80.0%), RTX 9 of 12; England 50 of 57 (87.7%). RGN's 5 patients are below the small-number rule's
20 (decision 0039), so it is listed with a caution, not ranked: East of England's worst ranked trust
is RGT, 4.8 points above England."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from tests.browser.journeys import check_widths, sign_in
from tests.web.conftest import EAST

pytestmark = pytest.mark.browser


def test_an_alliance_manager_finds_this_months_worst_trust_and_opens_its_ptl(page):
    # Given an alliance cancer manager signs in without asking for a page
    sign_in(page, "east")
    # Then they land on my alliance, named in the header
    expect(page).to_have_url(re.compile(f"/alliances/{EAST}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("East of England")
    expect(page.locator(".nhsuk-header__account")).to_contain_text("East of England")
    expect(page.locator(".nhsuk-header__navigation-item--current")).to_contain_text("My alliance")
    check_widths(page, "manager-my-alliance")

    # And the trusts on the 62-day standard in the latest complete month lead with the worst, beside England
    expect(page.locator("#trusts")).to_contain_text("62-day wait from urgent GP referral to first treatment")
    expect(page.locator("#trusts")).to_contain_text("March 2019")
    expect(page.locator("#england-comparator")).to_contain_text("England in March 2019: 87.7%")
    worst = page.locator("#trusts-table tbody tr").first
    expect(worst).to_contain_text("Cambridge University Hospitals")
    expect(worst).to_contain_text("92.5%")
    expect(worst).to_contain_text("4.8 points above")
    few = page.locator("#trusts-table tbody tr").nth(1)
    expect(few).to_contain_text("North West Anglia")
    expect(few).to_contain_text("Fewer than 20 patients: not ranked")

    # When they open the worst trust's pathways
    worst.get_by_role("link", name=re.compile("^Open pathways")).click()

    # Then the patient tracking list shows that trust's open pathways only
    expect(page).to_have_url(re.compile(r"/ptl\?provider=RGT"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Patient tracking list")
    expect(page.locator('a[href="/ptl/P-RGT-1"]')).to_be_visible()
    expect(page.locator('a[href="/ptl/P-RGN-1"]')).to_have_count(0)
    check_widths(page, "manager-worst-trust-ptl")


def test_the_manager_can_choose_another_month(page):
    sign_in(page, "east")
    page.get_by_label("Month", exact=True).select_option("2019-01")
    page.locator("#show-month").click()
    expect(page).to_have_url(re.compile("month=2019-01"))
    expect(page.locator("#scorecard")).to_have_text("Every standard in January 2019")
    expect(page.locator("#england-comparator")).to_contain_text("England in January 2019")
