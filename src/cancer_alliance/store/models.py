"""Tables of the store: accounts with roles, and the append-only audit log (design.md, "Store").

The schema is created only by the Alembic migrations in `store/migrations/`; these models describe
it for the ORM, and a test checks the two agree on SQLite and PostgreSQL (decision record 0002).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Marks a column whose value never goes into an audit snapshot (see `audit.snapshot`).
NOT_AUDITED = {"audit": False}


class Base(DeclarativeBase):
    """Declarative base; constraint names follow one convention so migrations can name them."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on both databases.

    SQLite has no time zones, so values are stored in UTC and read back as aware UTC datetimes;
    a naive datetime is refused rather than guessed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware (UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """The current time in UTC, as stored."""
    return datetime.now(UTC)


class Role(StrEnum):
    """Who an account belongs to (issue 6, "Accounts and roles"); the public has no account."""

    national = "national"
    alliance = "alliance"
    trust = "trust"


class AuditAction(StrEnum):
    """What an audit event records; reads and exports are audited as well as writes (style.md §2)."""

    view = "view"
    create = "create"
    update = "update"
    delete = "delete"
    export = "export"
    login = "login"
    login_failed = "login_failed"
    logout = "logout"


class UserAccount(Base):
    """A person who signs in. Accounts are deactivated, never deleted, so audit events keep their actor.

    `organisation_code` is the alliance's ONS code for alliance users, the trust's ODS code for trust
    users and empty for national users; the database refuses any other combination.
    """

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint("role IN ('national', 'alliance', 'trust')", name="role"),
        CheckConstraint(
            "(role = 'national' AND organisation_code IS NULL) "
            "OR (role <> 'national' AND organisation_code IS NOT NULL)",
            name="organisation",
        ),
        CheckConstraint("failed_login_count >= 0", name="failed_login_count"),
        {"sqlite_autoincrement": True},  # never reuse an id that audit events may point at
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255), info=NOT_AUDITED)
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=16, create_constraint=False))
    organisation_code: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    failed_login_count: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)

    def __repr__(self) -> str:
        return f"UserAccount(id={self.id!r}, username={self.username!r}, role={self.role!s})"


class AuditEvent(Base):
    """One audited action: who (a user or a job), what, on which object, when, in which request.

    Append-only: the ORM refuses to update or delete a row (`audit.py`) and so does the database
    (triggers created by migration 0001). `details` never holds patient values.
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        CheckConstraint("actor_id IS NOT NULL OR job_id IS NOT NULL", name="attributed"),
        Index(None, "object_type", "object_id"),
        Index(None, "occurred_at"),
        Index(None, "actor_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    job_id: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[AuditAction] = mapped_column(
        Enum(AuditAction, native_enum=False, length=32, create_constraint=False)
    )
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(
        JSON().with_variant(JSONB(), "postgresql"), default=dict, server_default=text("'{}'")
    )

    def __repr__(self) -> str:
        who = f"actor_id={self.actor_id!r}" if self.actor_id is not None else f"job_id={self.job_id!r}"
        target = f"{self.object_type}:{self.object_id}"
        return f"AuditEvent(id={self.id!r}, {who}, action={self.action!s}, {target})"


class PtlNote(Base):
    """A note and next action on an open PTL pathway, written by a user of the pathway's provider,
    alliance or nationally (issue 6, "Patient tracking list"). Added with an audit event in the same
    transaction; the free text is never copied into the audit snapshot (`NOT_AUDITED`).

    `provider` is the pathway's responsible provider when the note was written, so notes stay
    scoped even if the PTL changes.
    """

    __tablename__ = "ptl_note"
    __table_args__ = (
        Index(None, "record_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[str] = mapped_column(String(64))
    provider: Mapped[str | None] = mapped_column(String(16))
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    text: Mapped[str] = mapped_column(String(2000), info=NOT_AUDITED)
    next_action: Mapped[str | None] = mapped_column(String(500), info=NOT_AUDITED)
    next_action_due: Mapped[date | None] = mapped_column(Date)


__all__ = ["AuditAction", "AuditEvent", "Base", "PtlNote", "Role", "UserAccount", "UtcDateTime", "utcnow"]
