"""Explicit audit through one service, written in the caller's transaction (style.md §2).

Every patient-level view, note and export, and every change to an account, is recorded by calling
the `Auditor` right after the work it describes; nothing is recorded by framework magic. An event
always names who acted: a signed-in user (`actor_id`) or a batch job such as a CLI import
(`job_id`); an auditor with neither refuses to exist (`AnonymousAuditError`), so the check cannot be
left switched off. The log is append-only, enforced here for the ORM and by database triggers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session

from cancer_alliance.errors import AllianceError
from cancer_alliance.store.models import AuditAction, AuditEvent, Base, UserAccount, utcnow


class AnonymousAuditError(AllianceError):
    """An audit event was requested without an actor or a job to attribute it to."""


class AppendOnlyError(AllianceError):
    """Something tried to change or remove an audit event."""


@dataclass(frozen=True)
class ObjectRef:
    """An audited object that is not a store row, e.g. a pathway in the lake (`"cwt_pathway"`, record id)."""

    object_type: str
    object_id: str | int | None = None


Target = Base | ObjectRef


class Auditor:
    """Writes audit events into `session`, inside whatever transaction the caller has open.

    The events commit or roll back with the caller's own changes; the auditor never commits.
    `request_id` ties the events of one web request (or one job run) together.
    """

    def __init__(
        self,
        session: Session,
        actor_id: int | None = None,
        job_id: str | None = None,
        request_id: str | None = None,
    ) -> None:
        if actor_id is None and not job_id:
            raise AnonymousAuditError("an audit event needs an actor (signed-in user) or a job id")
        self.session = session
        self.actor_id = actor_id
        self.job_id = job_id or None
        self.request_id = request_id

    def viewed(self, target: Target, details: Mapping[str, Any] | None = None) -> AuditEvent:
        """Someone looked at `target` (patient-level pages and API responses)."""
        return self._record(AuditAction.view, target, details)

    def created(self, target: Target, details: Mapping[str, Any] | None = None) -> AuditEvent:
        """`target` was added; a store row's auditable columns go in the snapshot."""
        return self._record(AuditAction.create, target, details, snapshot=True)

    def updated(self, target: Target, details: Mapping[str, Any] | None = None) -> AuditEvent:
        """`target` was changed; call before flushing to also list which columns changed."""
        return self._record(AuditAction.update, target, details, snapshot=True)

    def deleted(self, target: Target, details: Mapping[str, Any] | None = None) -> AuditEvent:
        """`target` is being removed; call before deleting it so its snapshot is kept."""
        return self._record(AuditAction.delete, target, details, snapshot=True)

    def exported(self, target: Target, details: Mapping[str, Any] | None = None) -> AuditEvent:
        """Data about `target` left the platform (a CSV download, a file written by a job)."""
        return self._record(AuditAction.export, target, details)

    def logged_in(self, user: UserAccount) -> AuditEvent:
        """`user` signed in."""
        return self._record(AuditAction.login, user)

    def login_failed(self, username: str, reason: str, user: UserAccount | None = None) -> AuditEvent:
        """A sign-in as `username` (the account `user`, if it exists) was refused for `reason`;
        the password tried is never recorded."""
        target = user if user is not None else ObjectRef("user_account")
        return self._record(AuditAction.login_failed, target, {"username": username, "reason": reason})

    def logged_out(self, user: UserAccount) -> AuditEvent:
        """`user` signed out."""
        return self._record(AuditAction.logout, user)

    def _record(
        self,
        action: AuditAction,
        target: Target,
        details: Mapping[str, Any] | None = None,
        snapshot: bool = False,
    ) -> AuditEvent:
        recorded: dict[str, Any] = {}
        if isinstance(target, Base):
            changed = changed_columns(target)
            if inspect(target).pending or inspect(target).modified:
                self.session.flush()  # assigns the primary key the event points at
            object_type, object_id = target.__tablename__, _primary_key(target)
            if snapshot:
                recorded["snapshot"] = audit_snapshot(target)
            if changed:
                recorded["changed"] = changed
        else:
            object_type = target.object_type
            object_id = None if target.object_id is None else str(target.object_id)
        recorded.update(_json_safe(dict(details or {})))
        audit_event = AuditEvent(
            occurred_at=utcnow(),
            actor_id=self.actor_id,
            job_id=self.job_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            request_id=self.request_id,
            details=recorded,
        )
        self.session.add(audit_event)
        return audit_event


def audit_snapshot(row: Base) -> dict[str, Any]:
    """The row's column values, leaving out columns marked `NOT_AUDITED` (password hashes, free text)."""
    mapper = inspect(row).mapper
    return {
        attribute.key: _json_safe(getattr(row, attribute.key))
        for attribute in mapper.column_attrs
        if all(column.info.get("audit", True) for column in attribute.columns)
    }


def changed_columns(row: Base) -> list[str]:
    """Names of the row's columns with changes not yet flushed (names only, never values)."""
    state = inspect(row)
    if state.transient or state.pending:
        return []
    keys = [attribute.key for attribute in state.mapper.column_attrs]
    return sorted(key for key in keys if state.attrs[key].history.has_changes())


def _primary_key(row: Base) -> str | None:
    identity = inspect(row).identity
    return None if identity is None else ":".join(str(part) for part in identity)


def _json_safe(value: Any) -> Any:
    """Plain JSON values for the `details` column."""
    if isinstance(value, Mapping):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_safe(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(*_: Any) -> None:
    raise AppendOnlyError("audit_event is append-only: an audit event cannot be changed")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(*_: Any) -> None:
    raise AppendOnlyError("audit_event is append-only: an audit event cannot be deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state: ORMExecuteState) -> None:
    """Bulk `update(AuditEvent)` / `delete(AuditEvent)` statements bypass the mapper events above."""
    if (state.is_update or state.is_delete) and any(
        mapper.class_ is AuditEvent for mapper in state.all_mappers
    ):
        raise AppendOnlyError("audit_event is append-only: bulk UPDATE or DELETE refused")
