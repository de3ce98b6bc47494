"""Migration 0005 (patient-reported concerns, personalised-care dates; docs/decisions/0021) on SQLite
and PostgreSQL: from empty, and from 0004 holding follow-up data, which survives; the widened action
list is enforced by the database; down again to 0004 removes only what 0005 added."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from tests.followup.test_migration import revision_and_tables
from tests.store.test_migrations import schema_differences

from cancer_alliance.store import Base, migrate, open_store
from cancer_alliance.store.database import downgrade

pytestmark = pytest.mark.store

NOW = dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
PATIENT = (
    "INSERT INTO followup_patient (episode_id, patient_pseudonym, trust_code, diagnosis_date, pathway, "
    "protocol_id, protocol_version, reasons, stratified_date, status, status_date, surveillance_end_date, "
    "handover, version) VALUES ('EP1', 'p', 'RGT', '2018-03-01', 'clinician_led', 'x', '1', '[]', "
    "'2018-09-01', 'active', '2018-09-01', '2023-03-01', 'nhsbsp', 1)"
)


def action(name: str, key: str) -> str:
    return (
        "INSERT INTO followup_action (action_key, patient_id, action, action_date, job_id, occurred_at) "
        f"SELECT '{key}', id, '{name}', '2019-01-02', 'job', :now FROM followup_patient"
    )


def columns(url: str, table: str) -> set[str]:
    store = open_store(url)
    try:
        return {column["name"] for column in inspect(store.engine).get_columns(table)}
    finally:
        store.close()


def test_from_empty_to_0005(new_database):
    url = new_database()
    migrate(url, "0005")
    revision, tables = revision_and_tables(url)
    assert revision == "0005" and "followup_concern" in tables
    assert {"hna_date", "care_plan_date", "treatment_summary_date"} <= columns(url, "followup_patient")


def test_from_0004_with_data_to_0005_and_back(new_database):
    url = new_database()
    migrate(url, "0004")
    store = open_store(url)
    try:
        with store.engine.begin() as connection:
            connection.execute(text(PATIENT))
            connection.execute(text(action("stratify", "k1")), {"now": NOW})
    finally:
        store.close()
    migrate(url)
    assert schema_differences(url, Base.metadata) == []
    store = open_store(url)
    try:
        with store.engine.begin() as connection:
            assert connection.execute(text("SELECT action FROM followup_action")).scalar_one() == "stratify"
            connection.execute(text(action("report_concern", "k2")), {"now": NOW})
        with pytest.raises(IntegrityError), store.engine.begin() as connection:
            connection.execute(text(action("tidy_up", "k3")), {"now": NOW})  # the check still holds
    finally:
        store.close()
    downgrade(url, "0004")
    revision, tables = revision_and_tables(url)
    assert revision == "0004" and "followup_concern" not in tables
    assert "hna_date" not in columns(url, "followup_patient")
    assert "concern_id" not in columns(url, "followup_action")
    store = open_store(url)
    try:
        with store.engine.connect() as connection:
            kept = connection.execute(text("SELECT action_key FROM followup_action")).scalars().all()
            assert kept == ["k1"]
    finally:
        store.close()
