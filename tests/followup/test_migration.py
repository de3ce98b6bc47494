"""Migration 0003 through Alembic, on SQLite and PostgreSQL: from an empty database, and from the
previous schema (0002) holding data, which survives; down again to 0002 removes only follow-up."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from tests.store.test_migrations import FOLLOWUP_TABLES, schema_differences

from cancer_alliance.store import Base, migrate, open_store
from cancer_alliance.store.database import downgrade

pytestmark = pytest.mark.store


def revision_and_tables(url: str) -> tuple[str | None, set[str]]:
    store = open_store(url)
    try:
        with store.engine.connect() as connection:
            revision = MigrationContext.configure(connection).get_current_revision()
        return revision, set(inspect(store.engine).get_table_names())
    finally:
        store.close()


def test_from_empty_to_0003(new_database):
    url = new_database()
    migrate(url, "0003")
    revision, tables = revision_and_tables(url)
    assert revision == "0003"
    assert FOLLOWUP_TABLES | {"followup_clinician"} <= tables


def test_from_0002_with_data_to_head_and_back(new_database):
    url = new_database()
    migrate(url, "0002")
    store = open_store(url)
    try:
        with store.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO user_account (username, display_name, password_hash, role, "
                    "organisation_code, active, created_at, failed_login_count) "
                    "VALUES ('n1', 'N', 'x', 'trust', 'RGT', true, :now, 0)"
                ),
                {"now": dt.datetime(2019, 1, 1, tzinfo=dt.UTC)},
            )
            connection.execute(
                text(
                    "INSERT INTO ptl_note (record_id, provider, author_id, created_at, text) "
                    "SELECT 'CWT1', 'RGT', id, :now, 'chase' FROM user_account WHERE username = 'n1'"
                ),
                {"now": dt.datetime(2019, 1, 1, tzinfo=dt.UTC)},
            )
    finally:
        store.close()
    migrate(url)
    assert schema_differences(url, Base.metadata) == []
    store = open_store(url)
    try:
        with store.engine.connect() as connection:
            assert connection.execute(text("SELECT text FROM ptl_note")).scalar_one() == "chase"
    finally:
        store.close()
    downgrade(url, "0002")
    revision, tables = revision_and_tables(url)
    assert revision == "0002"
    assert not tables & FOLLOWUP_TABLES
    assert "ptl_note" in tables
