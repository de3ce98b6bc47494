"""Helpers for the timed-pathway tests: pathway event CSVs (generated, not real patients: 9434765919
is the NHS Data Dictionary's worked example NHS number)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cancer_alliance.schemas import schema

PATHWAY_EVENT = schema("pathway_event")
TEST_KEY = "test-pseudonym-key-" + "0123456789abcdef" * 2
NHS_NUMBER = "9434765919"


def write_events(path: Path, rows: list[dict[str, str]]) -> Path:
    """A CSV of `pathway_event` rows: event ids e1, e2, ... unless given; blanks for missing values."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=PATHWAY_EVENT.column_names)
        writer.writeheader()
        for number, row in enumerate(rows, start=1):
            base = {
                "event_id": f"e{number}",
                "nhs_number": NHS_NUMBER,
                "tumour": "lung",
                "provider_code": "RAA",
            }
            writer.writerow({name: "" for name in PATHWAY_EVENT.column_names} | base | row)
    return path


def event(pathway: str, name: str, day: str, **more: str) -> dict[str, str]:
    return {"pathway_id": pathway, "event": name, "event_date": day, **more}


@pytest.fixture
def pathway_home(alliance_home, monkeypatch):
    """ALLIANCE_HOME for one test, with a fixed pseudonym key."""
    monkeypatch.setenv("ALLIANCE_PSEUDONYM_KEY", TEST_KEY)
    return alliance_home
