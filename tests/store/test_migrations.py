"""The schema comes only from the migrations, and they agree with the models (decision record 0002)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, MetaData, String, inspect

from cancer_alliance.store import Base, database_url, migrate, open_store
from cancer_alliance.store.database import alembic_config, downgrade
from cancer_alliance.store.programme import maintained_by_sql

pytestmark = pytest.mark.store

STORE_TABLES = {"user_account", "audit_event", "ptl_note"}
FOLLOWUP_TABLES = {"followup_patient", "followup_test", "followup_reaccess_request", "followup_action"}
STORE_TABLES |= FOLLOWUP_TABLES | {"followup_clinician"}  # issue 11
PROGRAMME_TABLES = {
    "funding_agreement",
    "deliverable",
    "deliverable_trajectory",
    "deliverable_change",
    "case_study",
    "case_study_priority",
}
STORE_TABLES |= PROGRAMME_TABLES  # issue 15 (migration 0004)
STORE_TABLES |= {"followup_concern"}  # issue 11, patient-reported concerns (migration 0005)
STORE_TABLES |= {"results_run", "import_job"}  # issue 19, refresh runs and import jobs (migration 0006)
STORE_TABLES |= {"web_session", "sign_in_throttle"}  # issue 21, sessions and throttles (migration 0007)


def schema_differences(url: str, metadata: MetaData) -> list:
    store = open_store(url)
    try:
        with store.engine.connect() as connection:
            opts = {"compare_type": True, "include_name": lambda name, *_: not maintained_by_sql(name)}
            context = MigrationContext.configure(connection, opts=opts)
            return compare_metadata(context, metadata)
    finally:
        store.close()


def current_revision(url: str) -> str | None:
    store = open_store(url)
    try:
        with store.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        store.close()


def table_names(url: str) -> set[str]:
    store = open_store(url)
    try:
        return {name for name in inspect(store.engine).get_table_names() if not maintained_by_sql(name)}
    finally:
        store.close()


def test_migrating_an_empty_database_reaches_head_and_repeating_it_changes_nothing(new_database):
    url = new_database()
    assert table_names(url) == set()
    migrate(url)
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert current_revision(url) == head
    assert table_names(url) == STORE_TABLES | {"alembic_version"}
    migrate(url)
    assert current_revision(url) == head
    assert schema_differences(url, Base.metadata) == []


def test_migrations_step_down_to_nothing_and_up_again(new_database):
    url = new_database()
    migrate(url)
    downgrade(url)
    assert table_names(url) == {"alembic_version"}
    migrate(url)
    assert schema_differences(url, Base.metadata) == []


def test_the_migrated_schema_matches_the_models(database_url):
    assert schema_differences(database_url, Base.metadata) == []


def test_the_schema_comparison_notices_a_model_the_migrations_lack(database_url):
    """Guards the test above: a column only in the models is reported."""
    metadata = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(metadata)
    metadata.tables["user_account"].append_column(Column("nickname", String(20)))
    assert [difference[0] for difference in schema_differences(database_url, metadata)] == ["add_column"]


def test_the_database_url_comes_from_the_argument_then_the_environment_then_alliance_home(
    alliance_home, monkeypatch
):
    monkeypatch.delenv("ALLIANCE_DATABASE_URL", raising=False)
    assert database_url() == f"sqlite:///{(alliance_home / 'alliance.sqlite3').resolve()}"
    monkeypatch.setenv("ALLIANCE_DATABASE_URL", "postgresql+psycopg://alliance@db/alliance")
    assert database_url() == "postgresql+psycopg://alliance@db/alliance"
    assert database_url("sqlite:///elsewhere.sqlite3") == "sqlite:///elsewhere.sqlite3"


def test_the_default_store_is_created_in_alliance_home(alliance_home, monkeypatch):
    monkeypatch.delenv("ALLIANCE_DATABASE_URL", raising=False)
    migrate()
    assert Path(alliance_home / "alliance.sqlite3").is_file()
    assert table_names(database_url()) == STORE_TABLES | {"alembic_version"}
