"""Migration 0004 from the previous schema (issue 15 item 5): existing accounts and notes are kept,
the programme tables and the search objects arrive, and stepping back removes exactly them; on SQLite
and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select, text

from cancer_alliance.store import Auditor, PtlNote, Role, UserAccount, migrate, open_store
from cancer_alliance.store.database import downgrade

pytestmark = pytest.mark.store

PROGRAMME_TABLES = {
    "funding_agreement",
    "deliverable",
    "deliverable_trajectory",
    "deliverable_change",
    "case_study",
    "case_study_priority",
}


def names(store):
    inspector = inspect(store.engine)
    tables = set(inspector.get_table_names())
    indexes = (
        {i["name"] for t in tables for i in inspector.get_indexes(t)} if "case_study" in tables else set()
    )
    return tables, indexes


def test_upgrading_from_0003_keeps_the_data_and_adds_search_that_works(new_database, backend):
    url = new_database()
    migrate(url, "0003")
    store = open_store(url)
    try:
        with store.begin() as session:
            user = UserAccount(username="before", display_name="B", password_hash="x", role=Role.national)
            session.add(user)
            session.flush()
            session.add(PtlNote(record_id="R1", author_id=user.id, text="kept"))
        migrate(url)
        tables, indexes = names(store)
        assert PROGRAMME_TABLES <= tables
        if backend == "sqlite":
            assert "case_study_search" in tables
        else:
            assert "ix_case_study_search" in indexes
        with store.begin() as session:
            assert session.scalars(select(PtlNote.text)).all() == ["kept"]
            from cancer_alliance.programme.case_studies import CaseStudyInput, add_case_study, search

            add_case_study(
                session,
                Auditor(session, job_id="t"),
                "E56000009",
                CaseStudyInput(
                    title="Migrated search", summary="s", intervention="i", priorities=("pathways",)
                ),
                role=Role.national,
                organisation_code=None,
            )
            assert [s.title for s in search(session, "migr", role=Role.national, organisation_code=None)] == [
                "Migrated search"
            ]
        downgrade(url, "0003")
        tables, _ = names(store)
        assert not tables & PROGRAMME_TABLES
        assert not any(t.startswith("case_study") for t in tables)
        if backend == "sqlite":
            with store.engine.connect() as connection:
                triggers = (
                    connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
                    .scalars()
                    .all()
                )
            assert not [t for t in triggers if t.startswith("case_study")]
        with store.begin() as session:
            assert session.scalars(select(PtlNote.text)).all() == ["kept"]
    finally:
        store.close()
