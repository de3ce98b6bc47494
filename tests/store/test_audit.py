"""The audit log: attributed, written in the caller's transaction, append-only in the ORM and in the
database (style.md §2, "Explicit audit through a service")."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError

from cancer_alliance.store import (
    AnonymousAuditError,
    AppendOnlyError,
    AuditAction,
    AuditEvent,
    Auditor,
    ObjectRef,
    Role,
    UserAccount,
    create_user,
)
from cancer_alliance.store.models import utcnow

from .conftest import known_for_tests

LONG_ENOUGH = "a long enough password"

pytestmark = pytest.mark.store


def events_of_job(session, job_id: str) -> list[AuditEvent]:
    return list(
        session.scalars(select(AuditEvent).where(AuditEvent.job_id == job_id).order_by(AuditEvent.id))
    )


@pytest.fixture
def audit_event_id(store, unique) -> int:
    """A committed audit event to try to tamper with."""
    with store.begin() as session:
        event = Auditor(session, job_id=unique("job")).viewed(ObjectRef("cwt_pathway", "p1"))
        session.flush()
        return event.id


def stored_job_id(store, event_id: int) -> str | None:
    with store.session() as session:
        return session.scalar(select(AuditEvent.job_id).where(AuditEvent.id == event_id))


@pytest.mark.parametrize(("actor_id", "job_id"), [(None, None), (None, "")])
def test_an_auditor_with_neither_actor_nor_job_is_refused(store, actor_id, job_id):
    with store.session() as session, pytest.raises(AnonymousAuditError, match="actor .* or a job id"):
        Auditor(session, actor_id=actor_id, job_id=job_id)


def test_the_database_refuses_an_event_with_neither_actor_nor_job(store):
    row = {"occurred_at": utcnow(), "action": "view", "details": {}}
    with store.session() as session, pytest.raises(IntegrityError):
        session.execute(insert(AuditEvent).values(row))


def test_a_view_of_an_object_outside_the_store_records_who_what_when_and_the_request(store, unique):
    job_id = unique("job")
    before = utcnow()
    with store.begin() as session:
        Auditor(session, job_id=job_id, request_id="req-42").viewed(
            ObjectRef("cwt_pathway", 1234), details={"page": "ptl", "census": date(2026, 11, 27)}
        )
    with store.session() as session:
        (event,) = events_of_job(session, job_id)
        assert (event.action, event.actor_id, event.object_type, event.object_id, event.request_id) == (
            AuditAction.view,
            None,
            "cwt_pathway",
            "1234",
            "req-42",
        )
        assert event.details == {"page": "ptl", "census": "2026-11-27"}
        assert event.occurred_at.tzinfo is not None
        assert before <= event.occurred_at <= utcnow()


def test_an_export_is_audited_with_its_details(store, unique):
    job_id = unique("job")
    with store.begin() as session:
        Auditor(session, job_id=job_id).exported(
            ObjectRef("ptl", "RTA"), details={"rows": 120, "format": "csv"}
        )
    with store.session() as session:
        (event,) = events_of_job(session, job_id)
        assert (event.action, event.object_type, event.object_id, event.details) == (
            AuditAction.export,
            "ptl",
            "RTA",
            {"rows": 120, "format": "csv"},
        )


def test_events_commit_with_the_callers_changes(store, unique):
    job_id, username = unique("job"), unique("user")
    with store.begin() as session:
        create_user(
            session,
            Auditor(session, job_id=job_id),
            username=username,
            role=Role.trust,
            organisation_code="RTA",
            password=LONG_ENOUGH,
            organisation_known=known_for_tests,
        )
    with store.session() as session:
        user = session.scalar(select(UserAccount).where(UserAccount.username == username))
        (event,) = events_of_job(session, job_id)
        assert (event.object_type, event.object_id) == ("user_account", str(user.id))


def test_events_roll_back_with_the_callers_changes(store, unique):
    job_id, username = unique("job"), unique("user")

    class Interrupted(Exception):
        pass

    with pytest.raises(Interrupted), store.begin() as session:
        auditor = Auditor(session, job_id=job_id)
        create_user(session, auditor, username=username, role=Role.national, password=LONG_ENOUGH)
        auditor.viewed(ObjectRef("cwt_pathway", "p9"))
        session.flush()  # both rows reached the database before the failure
        raise Interrupted
    with store.session() as session:
        assert events_of_job(session, job_id) == []
        assert session.scalar(select(func.count()).where(UserAccount.username == username)) == 0


def test_an_update_lists_the_changed_columns_and_snapshots_the_row(store, unique):
    job_id = unique("job")
    with store.begin() as session:
        user = create_user(
            session,
            Auditor(session, job_id=job_id),
            username=unique("u"),
            role="national",
            password=LONG_ENOUGH,
        )
    with store.begin() as session:
        user = session.get(UserAccount, user.id)
        user.display_name = "Renamed"
        Auditor(session, job_id=job_id).updated(user)
    with store.session() as session:
        _, updated = events_of_job(session, job_id)
        assert updated.action is AuditAction.update
        assert updated.details["changed"] == ["display_name"]
        assert updated.details["snapshot"]["display_name"] == "Renamed"
        assert updated.details["snapshot"]["role"] == "national"


def test_a_deleted_rows_snapshot_outlives_the_row_and_its_id_is_never_reused(store, unique):
    job_id, username = unique("job"), unique("u")
    with store.begin() as session:
        user = create_user(
            session, Auditor(session, job_id=job_id), username=username, role="national", password=LONG_ENOUGH
        )
    with store.begin() as session:
        user = session.get(UserAccount, user.id)
        Auditor(session, job_id=job_id).deleted(user)
        session.delete(user)
    with store.session() as session:
        _, deleted = events_of_job(session, job_id)
        assert (deleted.action, deleted.details["snapshot"]["username"]) == (AuditAction.delete, username)
        assert session.get(UserAccount, int(deleted.object_id)) is None
    with store.begin() as session:
        successor = create_user(
            session,
            Auditor(session, job_id=job_id),
            username=unique("u"),
            role="national",
            password=LONG_ENOUGH,
        )
    assert successor.id > int(deleted.object_id)  # SQLite would reuse the id without AUTOINCREMENT


def test_the_orm_refuses_to_change_an_audit_event(store, audit_event_id):
    with store.session() as session, pytest.raises(AppendOnlyError, match="cannot be changed"):
        session.get(AuditEvent, audit_event_id).job_id = "tampered"
        session.flush()
    assert stored_job_id(store, audit_event_id) != "tampered"


def test_the_orm_refuses_to_delete_an_audit_event(store, audit_event_id):
    with store.session() as session, pytest.raises(AppendOnlyError, match="cannot be deleted"):
        session.delete(session.get(AuditEvent, audit_event_id))
        session.flush()
    assert stored_job_id(store, audit_event_id) is not None


@pytest.mark.parametrize(
    "statement",
    [update(AuditEvent).values(job_id="tampered"), delete(AuditEvent)],
    ids=["update", "delete"],
)
def test_the_orm_refuses_bulk_changes_to_audit_events(store, audit_event_id, statement):
    with store.session() as session, pytest.raises(AppendOnlyError, match="bulk UPDATE or DELETE refused"):
        session.execute(statement.where(AuditEvent.id == audit_event_id))
    assert stored_job_id(store, audit_event_id) not in (None, "tampered")


@pytest.mark.parametrize(
    "sql",
    ["UPDATE audit_event SET job_id = 'tampered' WHERE id = :id", "DELETE FROM audit_event WHERE id = :id"],
    ids=["update", "delete"],
)
def test_the_database_refuses_raw_sql_that_changes_an_audit_event(store, audit_event_id, sql):
    with store.engine.connect() as connection, pytest.raises(DBAPIError, match="audit_event is append-only"):
        connection.execute(text(sql), {"id": audit_event_id})
    assert stored_job_id(store, audit_event_id) not in (None, "tampered")


def test_postgresql_also_refuses_to_truncate_the_audit_log(store, audit_event_id, backend):
    if backend != "postgresql":
        assert backend == "sqlite"  # SQLite has no TRUNCATE; DELETE is refused above
        return
    with store.engine.connect() as connection, pytest.raises(DBAPIError, match="audit_event is append-only"):
        connection.execute(text("TRUNCATE audit_event CASCADE"))
    assert stored_job_id(store, audit_event_id) is not None


@given(
    moment=st.datetimes(
        min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.timezones()
    )
)
def test_timestamps_come_back_as_the_same_instant_in_utc(store, moment):
    with store.begin() as session:
        event = AuditEvent(occurred_at=moment, job_id="timestamp-property", action=AuditAction.view)
        session.add(event)
        session.flush()
        event_id = event.id
    with store.session() as session:
        stored = session.get(AuditEvent, event_id).occurred_at
        assert stored == moment.astimezone(UTC) and stored.tzinfo is UTC


def test_a_timestamp_without_a_time_zone_is_refused(store):
    with store.session() as session, pytest.raises(StatementError, match="timezone-aware"):
        session.add(
            AuditEvent(occurred_at=datetime(2026, 11, 29, 12), job_id="naive", action=AuditAction.view)
        )
        session.flush()
