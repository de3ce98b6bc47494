"""Breast cancer stratified follow-up in a real browser (issue 11, "Done when"): a patient is
stratified by the protocol, a mammogram falls due and becomes overdue, appears on the worklist, a
nurse records the result, the abnormal result triggers re-access, and every step is audited; axe-core
on each page. Then the patient phones with a concern, which the nurse records on the timeline and
triages. Generated records only."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from tests.browser.journeys import ARTIFACTS, check_page, sign_in
from tests.followup.test_cli import CANDIDATE
from tests.followup.web.helpers import grant_clinical

from cancer_alliance.followup.files import stratify_file
from cancer_alliance.followup.protocol import load_protocol
from cancer_alliance.schemas import schema
from cancer_alliance.store import AuditEvent, UserAccount, open_store

pytestmark = pytest.mark.browser


@pytest.fixture
def store(browser_home, server):
    opened = open_store(f"sqlite:///{browser_home / 'alliance.sqlite3'}")
    yield opened
    opened.close()


def given_a_patient_is_stratified_by_the_protocol(store, tmp_path, monkeypatch) -> str:
    monkeypatch.setenv("ALLIANCE_PSEUDONYM_KEY", "browser-journey-key-" + "0" * 32)
    source = tmp_path / "end-of-treatment.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=schema("breast_followup_candidate").column_names)
        writer.writeheader()
        writer.writerow(CANDIDATE | {"episode_id": "JOURNEY-1"})
    done = stratify_file(source, store, load_protocol(), dt.date(2018, 9, 10))
    [decision] = done.decisions
    assert (decision["pathway"], decision["first_test_due"]) == (
        "supported_self_management",
        dt.date(2019, 3, 1),
    )
    return "JOURNEY-1"


def choose(page, action: str) -> None:
    """Choose an action on the patient's timeline (a radio and Continue, no JavaScript needed)."""
    page.locator("#choose-action").get_by_label(action).check()
    page.get_by_role("button", name="Continue").click()


def fits(page, name: str) -> None:
    """Nothing is wider than the page at 1280 px or on a 390 px phone (screenshots saved for review)."""
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} overflows {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})


def type_date(form, legend: str, day: str, month: str, year: str) -> None:
    """Type a date into the NHS.UK date input whose legend is `legend`."""
    group = form.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def test_a_nurse_works_an_overdue_mammogram_to_re_access(page, store, tmp_path, monkeypatch):
    episode = given_a_patient_is_stratified_by_the_protocol(store, tmp_path, monkeypatch)
    grant_clinical(store, "rgt")
    sign_in(page, "rgt")

    page.goto("/followup?as_of=2019-01-15")
    expect(page.locator("#due-table")).to_have_count(0)
    page.goto("/followup?as_of=2019-02-10")  # within 28 days of the due date
    expect(page.locator("#due-table")).to_contain_text(episode)
    page.goto("/followup?as_of=2019-03-20")  # 19 days past it
    expect(page.locator("#overdue-table")).to_contain_text(episode)
    expect(page.locator("#overdue-table")).to_contain_text("19 days ago")
    check_page(page, "followup-worklist")

    page.locator("#overdue-table").get_by_role("link", name=episode).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Patient {episode}")
    expect(page.locator("#timeline")).to_contain_text("Mammogram due (overdue)")
    expect(page.locator(".nhsuk-summary-list")).to_contain_text(
        "Breast cancer personalised stratified follow-up (default, editable)"
    )
    check_page(page, "followup-patient")

    expect(page.locator("form.app-followup-action")).to_have_count(0)  # one form at a time, once chosen
    choose(page, "Record result of mammogram due")
    record = page.locator("form[id^=record-result-]")
    expect(page.locator("form.app-followup-action")).to_have_count(1)
    record.get_by_label("Result").select_option("abnormal")
    type_date(record, "Test date", "19", "3", "2019x")
    record.get_by_role("button", name="Record result").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Test date must be a real date")
    check_page(page, "followup-date-error")
    fits(page, "followup-date-error")
    record = page.locator("form[id^=record-result-]")
    type_date(record, "Test date", "19", "3", "2019")
    record.get_by_label("Result").select_option("abnormal")
    record.get_by_role("button", name="Record result").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Result recorded")
    expect(page.locator("#timeline")).to_contain_text("Re-access requested by abnormal result: open")
    check_page(page, "followup-result-recorded")

    choose(page, "Re-access to clinic")
    reaccess = page.locator("form[id^=reaccess-]")
    type_date(reaccess, "Clinic date", "25", "3", "2019")
    reaccess.get_by_role("button", name="Re-access to clinic").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Re-accessed to clinic")
    expect(page.locator("#timeline")).to_contain_text("re-accessed to clinic on 25 March 2019")

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Follow-up worklist").click()
    expect(page.locator("#overdue-table")).to_have_count(0)
    expect(page.locator("#abnormal-table")).to_have_count(0)
    expect(page.locator("#awaiting-review-table")).to_contain_text(episode)

    page.locator("#awaiting-review-table").get_by_role("link", name=episode).click()
    choose(page, "Record a concern the patient reported")
    concern = page.locator("form[id^=report-concern-]")
    concern.get_by_label("How the patient reported it").select_option("phone")
    concern.get_by_label("What the concern is about").select_option("lymphoedema")
    concern.get_by_label("Summary (optional)").fill("Swelling of the right arm since the weekend")
    concern.get_by_role("button", name="Record a concern").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Concern recorded")
    expect(page.locator("#timeline")).to_contain_text("Concern reported (Lymphoedema or arm swelling")
    check_page(page, "followup-concern-recorded")

    choose(page, "Triage concern of")
    triage = page.locator("form[id^=triage-concern-]")
    triage.get_by_label("Outcome").select_option("referred_elsewhere")
    triage.get_by_role("button", name="Triage concern").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Concern triaged")
    expect(page.locator("#timeline")).to_contain_text("triaged on 20 March 2019: referred elsewhere")
    expect(page.locator("#choose-action")).not_to_contain_text("Triage concern")
    check_page(page, "followup-concern-triaged")

    with store.begin() as session:
        nurse = session.scalar(select(UserAccount.id).where(UserAccount.username == "rgt"))
        done = session.execute(
            select(AuditEvent.action, AuditEvent.object_type).where(AuditEvent.actor_id == nurse)
        ).all()
        stratified = session.scalars(
            select(AuditEvent.details).where(
                AuditEvent.object_type == "followup_action", AuditEvent.job_id.is_not(None)
            )
        ).all()
    done = {(str(action), kind) for action, kind in done}
    assert {
        ("view", "followup_worklist"),
        ("view", "followup_patient"),
        ("update", "followup_test"),
        ("create", "followup_reaccess_request"),
        ("update", "followup_reaccess_request"),
        ("create", "followup_action"),
        ("create", "followup_concern"),
        ("update", "followup_concern"),
    } <= done
    assert any(d.get("protocol_version") == "2026.1" for d in stratified)
