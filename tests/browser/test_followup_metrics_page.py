"""The alliance's breast follow-up metrics page in a real browser (issue 11, items 4 and 5): an
alliance user reaches it from Priorities, reads the share of patients finishing treatment who were
stratified, sees the chart drawn and the page meets the accessibility baseline; the table downloads
as CSV. Generated records only."""

from __future__ import annotations

import datetime as dt
import uuid

import pandas as pd
import pytest
from playwright.sync_api import expect
from tests.browser.journeys import check_page, follow_priority_link, saved_download, sign_in
from tests.followup.web.helpers import add_patient
from tests.web.conftest import EAST

from cancer_alliance.followup.cohort import RESULTS_FILE
from cancer_alliance.store import open_store

pytestmark = pytest.mark.browser


def given_20_patients_finished_treatment_and_15_were_stratified(home) -> None:
    """At RGN, so the nurses' journey at RGT (the same session's store) sees only its own patient."""
    pseudonyms = [f"pseudo-metrics-{uuid.uuid4().hex[:8]}" for _ in range(20)]
    store = open_store(f"sqlite:///{home / 'alliance.sqlite3'}")
    try:
        for n, pseudonym in enumerate(pseudonyms[:15]):
            add_patient(
                store, trust_code="RGN", alliance_code=EAST, nhs_number=pseudonym, in_clinical_trial=n < 5
            )
    finally:
        store.close()
    cohort = pd.DataFrame(
        {
            "patient_pseudonym": pseudonyms,
            "trust_code": "RGN",
            "alliance_code": EAST,
            "diagnosis_date": dt.date(2018, 6, 1),
        }
    )
    cohort.to_parquet(home / "results" / RESULTS_FILE, index=False)


def test_an_alliance_manager_reads_the_share_stratified(page, browser_home, server, tmp_path):
    given_20_patients_finished_treatment_and_15_were_stratified(browser_home)
    sign_in(page, "east")
    page.goto("/")
    follow_priority_link(page, "Follow-up metrics")
    expect(page.get_by_role("heading", level=1)).to_have_text("Follow-up metrics")
    summary = page.locator(".nhsuk-summary-list")
    expect(summary).to_contain_text("Stratified (ambition: all)")
    expect(summary).to_contain_text("75.0% (95% interval 53.1 to 88.8)")
    expect(page.locator(".app-chart__canvas svg").first).to_be_visible()
    expect(page.locator("#followup-metrics")).to_contain_text("RGN")
    check_page(page, "followup-metrics")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the table (CSV)").click()
    header, *rows = saved_download(download.value, tmp_path).splitlines()
    assert header.startswith("trust_code,alliance_code,finished_treatment,stratified,stratified_pct")
    assert any(row.startswith(f"RGN,{EAST},20,15,75.0") for row in rows)
