"""Journeys in a real browser (issue 6 item 5): sign in per role, the map, the explorer and its CSV,
a PTL note that is audited, refusals across trusts, the public's suppressed figures, keyboard use;
axe-core on every page with zero serious or critical violations."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from tests.browser.journeys import check_page, saved_download, sign_in
from tests.web.conftest import EAST

from cancer_alliance.store import AuditEvent, open_store

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("username", ["nat", "east", "rgt"])
def test_each_role_signs_in_and_sees_its_patient_tracking_list(page, username):
    sign_in(page, username)
    page.get_by_role("link", name="Patient tracking list").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Patient tracking list")
    check_page(page, f"ptl-{username}")


def test_the_map_leads_to_an_alliance_with_its_chart_and_trusts(page):
    page.goto("/")
    check_page(page, "home")
    page.locator(f'a.app-map__link[href="/alliances/{EAST}"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text("East of England")
    expect(page.locator(".app-chart__canvas svg").first).to_be_visible()
    check_page(page, "alliance")
    page.locator("#trusts-table").get_by_role(
        "link", name="Cambridge University Hospitals NHS Foundation Trust"
    ).click()
    expect(page.locator("#scorecard-table")).to_be_visible()
    check_page(page, "trust")


def test_the_public_sees_withheld_figures_and_no_patient_level_data(page):
    page.goto("/trusts/RGN")
    expect(page.locator("#trend-table")).to_contain_text("[c]")
    page.goto("/ptl")
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_the_explorer_filters_and_downloads_csv(page, tmp_path):
    sign_in(page, "nat")
    page.goto("/performance")
    page.get_by_label("Trust").select_option("RGN")
    page.locator("#apply-filters").click()
    expect(page).to_have_url(re.compile("provider=RGN"))
    check_page(page, "explorer")
    with page.expect_download() as download:
        page.locator("#explorer-csv").click()
    text = saved_download(download.value, tmp_path)
    assert text.splitlines()[0].startswith("standard_id,reporting_month,total")
    assert len(text.splitlines()) == 4


def test_a_trust_user_adds_a_ptl_note_and_it_is_audited(page, browser_home):
    sign_in(page, "rgt")
    page.goto("/ptl")
    page.get_by_role("link", name="P-RGT-2").click()
    expect(page.locator("#timeline")).to_contain_text("62-day breach date")
    check_page(page, "pathway")
    page.get_by_label("Note").fill("Awaiting CT report; chase radiology Friday")
    page.get_by_label("Next action (optional)").fill("Chase radiology")
    page.locator("#save-note").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Note saved")
    store = open_store(f"sqlite:///{browser_home / 'alliance.sqlite3'}")
    try:
        with store.session() as session:
            kinds = [(e.action, e.object_type) for e in session.query(AuditEvent).order_by(AuditEvent.id)]
    finally:
        store.close()
    assert ("create", "ptl_note") in kinds


def test_a_trust_user_cannot_reach_another_trusts_pathway(page):
    sign_in(page, "rgt")
    page.goto("/ptl")
    expect(page.locator("#ptl-table")).not_to_contain_text("P-RTX-1")
    response = page.goto("/ptl/P-RTX-1")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot see this pathway")
    check_page(page, "refused")
    api = page.request.get("/api/ptl/P-RTX-1")
    assert api.status == 403


@pytest.mark.parametrize("path", ["/about", "/login", "/import"])
def test_other_pages_meet_the_accessibility_baseline(page, path):
    sign_in(page, "nat")
    page.goto(path)
    check_page(page, path.strip("/") or "home")


def test_the_main_journey_works_with_the_keyboard_alone(page):
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.locator(".nhsuk-skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    target = page.locator(f'a.app-map__link[href="/alliances/{EAST}"]')
    for _ in range(60):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("the East of England map area is not reachable by Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("East of England")
