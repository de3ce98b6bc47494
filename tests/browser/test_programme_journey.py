"""The alliance programme in a real browser (issue 15, "Done when"): an alliance user adds a deliverable
linked to the 62-day standard with a trajectory and sees its RAG, writes a case study and submits it,
a national user publishes it (decision record 0019), a user of another alliance finds it by search,
and the board pack PDF names the alliance, the month and every section. axe-core on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from tests.browser.conftest import ARTIFACTS
from tests.browser.journeys import check_page, follow_priority_link, sign_in
from tests.web.conftest import PASSWORD

from cancer_alliance.store import Auditor, create_user, find_user, open_store

pytestmark = pytest.mark.browser

OTHER_ALLIANCE_USER = "lancs"  # Lancashire and South Cumbria (E56000018)
SECTIONS = [
    "Waiting times: scorecard with SPC",
    "Early diagnosis",
    "Rapid diagnostic pathways",
    "Breast stratified follow-up",
    "Bowel screening (FIT)",
    "Lung health checks",
    "Radiotherapy service specification",
    "Funding-agreement deliverables",
]


@pytest.fixture(scope="module")
def other_alliance_user(browser_home):
    store = open_store(f"sqlite:///{browser_home / 'alliance.sqlite3'}")
    try:
        with store.begin() as session:
            if find_user(session, OTHER_ALLIANCE_USER) is None:
                create_user(
                    session,
                    Auditor(session, job_id="test-setup"),
                    username=OTHER_ALLIANCE_USER,
                    role="alliance",
                    organisation_code="E56000018",
                    password=PASSWORD,
                )
    finally:
        store.close()
    return OTHER_ALLIANCE_USER


def sign_out(page) -> None:
    page.context.clear_cookies()


def test_deliverable_rag_case_study_moderation_search_and_board_pack(page, other_alliance_user, tmp_path):
    # An alliance user adds a deliverable linked to the 62-day standard with a trajectory
    sign_in(page, "east")
    follow_priority_link(page, "Programme and board pack")
    expect(page.get_by_role("heading", level=1)).to_have_text("Funding-agreement deliverables")
    check_page(page, "programme-list")
    page.locator("#add-deliverable").click()
    check_page(page, "deliverable-new")
    page.get_by_label("Title", exact=True).fill("Recover the 62-day standard")
    page.get_by_label("Owner").fill("Alliance programme manager")
    due = page.get_by_role("group", name="Due date")
    due.get_by_label("Day").fill("31")
    due.get_by_label("Month").fill("3")
    due.get_by_label("Year").fill("2019")
    page.get_by_label("Funding in pounds (optional)").fill("250000")
    page.get_by_label("Linked metric", exact=True).select_option("cwt:62d_usc")
    trajectory = page.get_by_role("group", name="Trajectory (with a linked metric)")
    expect(trajectory.get_by_role("row")).to_have_count(13)  # a heading row and April to March
    trajectory.get_by_label("Target for January 2019 (%)").fill("80")
    trajectory.get_by_label("Target for February 2019 (%)").fill("eighty-three")
    page.locator("#save-deliverable").click()

    # ... a bad target is named by month in the error summary and links to its box
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Target for February 2019 must be a number")
    summary.get_by_role("link", name=re.compile("Target for February 2019")).click()
    expect(trajectory.get_by_label("Target for February 2019 (%)")).to_be_focused()
    trajectory.get_by_label("Target for February 2019 (%)").fill("83")
    trajectory.get_by_label("Target for March 2019 (%)").fill("85%")
    page.locator("#save-deliverable").click()

    # ... and sees its RAG
    expect(page.get_by_role("heading", level=1)).to_have_text("Recover the 62-day standard")
    expect(page.locator("#rag")).to_contain_text("Green")
    expect(page.locator("#rag-detail")).to_contain_text("against a trajectory of 85.0%")
    expect(page.locator("#history")).to_contain_text("Added")
    expect(page.get_by_label("Target for March 2019 (%)")).to_have_value("85")
    expect(page.locator(".app-chart__canvas svg")).to_be_visible()  # the trajectory chart is drawn
    check_page(page, "deliverable")
    for width in (1280, 390):  # nothing wider than the page, screenshots saved for review
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{ARTIFACTS}/deliverable-trajectory-{width}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"overflows {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})

    # ... writes a case study and submits it for publication
    follow_priority_link(page, "Best practice library")
    page.locator("#add-case-study").click()
    page.get_by_label("Title", exact=True).fill("Straight-to-test lung pathway")
    page.get_by_label("Summary", exact=True).fill(
        "Same-day CT for suspected lung cancer shortened the 62-day wait."
    )
    page.get_by_label("What was done").fill(
        "Radiology books the CT at referral triage; results reviewed within 48 hours."
    )
    page.get_by_label("Rapid assessment and diagnostic pathways: lung prostate colorectal").check()
    page.get_by_label("Metric to show before and after (optional)").select_option("cwt:62d_usc")
    page.get_by_label("Month the change began (with a metric)").fill("2019-02")
    check_page(page, "case-study-new")
    page.locator("#save-case-study").click()
    expect(page.locator("#status")).to_contain_text("Draft")
    expect(page.get_by_role("heading", name="Before and after")).to_be_visible()
    check_page(page, "case-study-draft")
    page.locator("#submit-case-study").click()
    expect(page.locator("#status")).to_contain_text("Awaiting national review")
    study_url = page.url.split("?")[0]

    # A national user publishes it
    sign_out(page)
    sign_in(page, "nat")
    page.goto("/library")
    expect(page.locator("#moderation")).to_contain_text("Straight-to-test lung pathway")
    page.goto(study_url)
    page.locator("#publish-case-study").click()
    expect(page.locator("#status")).to_contain_text("Published")

    # A user of another alliance finds it by search
    sign_out(page)
    sign_in(page, other_alliance_user)
    follow_priority_link(page, "Best practice library")
    page.get_by_label("Search", exact=True).fill("lung straight")
    page.locator("#search-library").click()
    expect(page).to_have_url(re.compile(r"q=lung\+straight"))
    expect(page.locator("#case-studies")).to_contain_text("Straight-to-test lung pathway")
    check_page(page, "library-search")
    page.get_by_role("link", name="Straight-to-test lung pathway").click()
    expect(page.locator("#intervention")).to_contain_text("Radiology books the CT")

    # The alliance user downloads the board pack PDF
    sign_out(page)
    sign_in(page, "east")
    page.goto("/programme/board")
    check_page(page, "board-pack")
    page.get_by_label("Reporting month").fill("2019-03")
    with page.expect_download(timeout=120_000) as info:
        page.locator("#download-board-pack").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(str(target)).pages).split())
    assert "East of England" in text and "March 2019" in text
    for title in SECTIONS:
        assert title in text, title
    assert "Recover the 62-day standard" in text and "Green" in text


def test_a_trust_user_reads_deliverables_but_cannot_change_them(page):
    """Role refusals in the browser: no add button or form for a trust user, and the add page is
    refused; the deliverables page works by keyboard alone (the filter form is submitted with Enter)."""
    sign_in(page, "rgt")
    page.goto("/programme")
    expect(page.get_by_role("heading", level=1)).to_have_text("Funding-agreement deliverables")
    expect(page.locator("#add-deliverable")).to_have_count(0)
    expect(page.locator("#import-deliverables")).to_have_count(0)
    page.get_by_label("Month the RAG is for").fill("2019-02")
    page.get_by_label("Month the RAG is for").press("Enter")
    expect(page).to_have_url(re.compile(r"month=2019-02"))
    expect(page.locator("#deliverables-heading")).to_contain_text("RAG in 2019-02")
    check_page(page, "programme-trust")
    response = page.goto("/programme/deliverables/new?alliance=E56000009")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Access refused")
