"""Helpers for the ingest tests: a baseline valid CWT record (generated, not a real patient:
9434765919 is the NHS Data Dictionary's worked example), CSV writing and quarantine reading."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cancer_alliance.schemas import schema

CWT = schema("cwt")
TEST_KEY = "test-pseudonym-key-" + "0123456789abcdef" * 2

#: A CWT record that passes every check (docs/sources.md, "Input: canonical CWT record").
BASELINE = {
    "record_id": "r0",
    "nhs_number": "9434765919",
    "priority_type": "3",
    "source_of_referral": "03",
    "referral_type": "02",
    "referral_received_date": "2019-06-03",
    "consultant_upgrade_date": "",
    "provider_consultant_upgrade": "",
    "date_first_seen": "2019-06-10",
    "provider_first_seen": "RAA",
    "adjustment_first_seen_days": "0",
    "adjustment_first_seen_reason": "9",
    "fds_end_date": "2019-06-20",
    "fds_end_reason": "",
    "fds_exclusion_reason": "",
    "provider_fds_end": "RAA",
    "decision_to_treat_date": "2019-07-01",
    "transfer_to_treatment_date": "",
    "accountable_investigating_provider": "RAA",
    "treatment_start_date": "2019-07-15",
    "adjustment_treatment_days": "0",
    "adjustment_treatment_reason": "",
    "provider_treatment": "RAA",
    "treatment_event_type": "01",
    "treatment_modality": "01",
    "primary_diagnosis_icd10": "C34.1",
}


def record(**changes: str) -> dict[str, str]:
    return BASELINE | changes


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    columns = columns or CWT.column_names
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def read_quarantine(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def home(alliance_home, monkeypatch):
    """An empty ALLIANCE_HOME and a fixed pseudonym key."""
    monkeypatch.setenv("ALLIANCE_PSEUDONYM_KEY", TEST_KEY)
    return alliance_home
