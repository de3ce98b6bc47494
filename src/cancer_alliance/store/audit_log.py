"""Reading the audit log: who looked at what, and when (issue 6, "An audit record for every
patient-level page view, note and export (who, what, when)").

`audit_rows(session, AuditQuery(...))` answers an information governance lead's two questions
without SQL: "who looked at this pathway?" (`object_type="cwt_pathway", object_id=...`) and "what did
this user access, and when?" (`username=...`, `since`/`until`). The CLI (`alliance audit`) and the
web page (`/audit`) are thin shells over it. Reading only: the log stays append-only (`audit.py`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from cancer_alliance.errors import InputError
from cancer_alliance.store.models import AuditAction, AuditEvent, UserAccount

#: Columns of an exported audit log, in order (CSV header of `alliance audit -o` and `/audit.csv`).
AUDIT_COLUMNS = (
    "occurred_at",
    "username",
    "display_name",
    "job_id",
    "action",
    "object_type",
    "object_id",
    "request_id",
    "details",
)


@dataclass(frozen=True)
class AuditQuery:
    """Which audit events to read; an empty or None field does not filter.

    `username` is a user's sign-in name or a job id (CLI imports and account changes run as jobs);
    `since` and `until` are inclusive days in UTC, given as dates or as YYYY-MM-DD text (what a
    command line or a query string holds). Bad input raises `InputError` naming the field.
    """

    username: str | None = None
    action: AuditAction | str | None = None
    object_type: str | None = None
    object_id: str | None = None
    since: date | str | None = None
    until: date | str | None = None

    def __post_init__(self) -> None:
        for name in ("username", "object_type", "object_id"):
            value = getattr(self, name)
            object.__setattr__(self, name, (value or "").strip() or None)
        action = self.action or None
        if action is not None and not isinstance(action, AuditAction):
            text = str(action).strip().lower()
            try:
                action = AuditAction(text)
            except ValueError:
                known = ", ".join(a.value for a in AuditAction)
                raise InputError(f"action: unknown action {action!r}; use one of {known}") from None
        object.__setattr__(self, "action", action)
        for name in ("since", "until"):
            value = getattr(self, name)
            if isinstance(value, str):
                value = parse_day(value, name)
                object.__setattr__(self, name, value)
            if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
                raise InputError(f"{name}: expected a date (YYYY-MM-DD), got {value!r}")
        if self.since is not None and self.until is not None and self.until < self.since:
            raise InputError(
                f"until: {self.until.isoformat()} is before since {self.since.isoformat()}; "
                "the range would be empty"
            )

    def as_filters(self) -> dict[str, str]:
        """The filters that are set, as strings (for audit details and query strings)."""
        values = {
            "username": self.username,
            "action": None if self.action is None else str(self.action),
            "object_type": self.object_type,
            "object_id": self.object_id,
            "since": None if self.since is None else self.since.isoformat(),
            "until": None if self.until is None else self.until.isoformat(),
        }
        return {key: value for key, value in values.items() if value is not None}


def parse_day(text: str | None, option: str) -> date | None:
    """A YYYY-MM-DD day from user input, or None for blank; `InputError` naming `option` otherwise."""
    value = (text or "").strip()
    if not value:
        return None
    try:
        if len(value) != len("2019-04-05"):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        message = f"{option}: {value!r} is not a date; use YYYY-MM-DD, for example 2019-04-05"
        raise InputError(message) from None


@dataclass(frozen=True)
class AuditRow:
    """One audit event as read back: when (UTC), who, what, on which object, in which request."""

    occurred_at: datetime
    username: str | None
    display_name: str | None
    job_id: str | None
    action: str
    object_type: str | None
    object_id: str | None
    request_id: str | None
    details: str

    @property
    def actor(self) -> str:
        """The user's name, or the job id for events written by a job."""
        if self.username is not None:
            return self.username
        return self.job_id or ""

    def as_record(self) -> dict[str, Any]:
        """The row as CSV values (timestamps in ISO 8601 UTC)."""
        return {
            "occurred_at": self.occurred_at.isoformat(),
            "username": self.username or "",
            "display_name": self.display_name or "",
            "job_id": self.job_id or "",
            "action": self.action,
            "object_type": self.object_type or "",
            "object_id": self.object_id or "",
            "request_id": self.request_id or "",
            "details": self.details,
        }


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _filtered(statement: Select[Any], query: AuditQuery) -> Select[Any]:
    if query.username is not None:
        statement = statement.where(
            or_(UserAccount.username == query.username, AuditEvent.job_id == query.username)
        )
    if query.action is not None:
        statement = statement.where(AuditEvent.action == query.action)
    if query.object_type is not None:
        statement = statement.where(AuditEvent.object_type == query.object_type)
    if query.object_id is not None:
        statement = statement.where(AuditEvent.object_id == query.object_id)
    if query.since is not None:
        statement = statement.where(AuditEvent.occurred_at >= _start_of(query.since))
    if query.until is not None:
        statement = statement.where(AuditEvent.occurred_at < _start_of(query.until + timedelta(days=1)))
    return statement


def audit_rows(
    session: Session, query: AuditQuery, offset: int = 0, limit: int | None = None
) -> tuple[list[AuditRow], int]:
    """Audit events matching `query`, newest first (ties by insertion order), from `offset`, at most
    `limit` of them (None: all), and how many match in all."""
    if offset < 0 or (limit is not None and limit < 0):
        raise InputError("offset and limit must not be negative")
    joined = select(AuditEvent.id).outerjoin(UserAccount, UserAccount.id == AuditEvent.actor_id)
    total = session.scalar(select(func.count()).select_from(_filtered(joined, query).subquery())) or 0
    statement = _filtered(
        select(
            AuditEvent.occurred_at,
            UserAccount.username,
            UserAccount.display_name,
            AuditEvent.job_id,
            AuditEvent.action,
            AuditEvent.object_type,
            AuditEvent.object_id,
            AuditEvent.request_id,
            AuditEvent.details,
        ).outerjoin(UserAccount, UserAccount.id == AuditEvent.actor_id),
        query,
    ).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    if offset:
        statement = statement.offset(offset)
    if limit is not None:
        statement = statement.limit(limit)
    rows = [
        AuditRow(
            occurred_at=when,
            username=username,
            display_name=display_name,
            job_id=job_id,
            action=str(action),
            object_type=object_type,
            object_id=object_id,
            request_id=request_id,
            details=json.dumps(details or {}, sort_keys=True, separators=(",", ":")),
        )
        for (
            when,
            username,
            display_name,
            job_id,
            action,
            object_type,
            object_id,
            request_id,
            details,
        ) in session.execute(statement)
    ]
    return rows, total


__all__ = ["AUDIT_COLUMNS", "AuditQuery", "AuditRow", "audit_rows", "parse_day"]
