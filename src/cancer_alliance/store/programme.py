"""Tables of the alliance programme (issue 15): funding agreements and their deliverables, with monthly
trajectories and the history of every change, and the best-practice library of case studies.

Deliverables and case studies carry a `version` column used for optimistic locking (SQLAlchemy's
`version_id_col`): an UPDATE names the version it read, so of two people editing at once one wins and
the other gets `StaleDataError`, turned into `programme.EditConflict` (decision record 0018).

Full-text search over case studies uses SQLite FTS5 or PostgreSQL full-text search on `search_text`,
a normalised copy of the searchable fields kept by `CaseStudy.refresh_search_text()`. The search
objects are made by migration 0004 in raw SQL; `maintained_by_sql()` names them so schema comparison
leaves them out.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cancer_alliance.store.models import NOT_AUDITED, Base, UtcDateTime, utcnow

#: The SQLite FTS5 table (its shadow tables share the prefix) and the PostgreSQL GIN index.
SEARCH_TABLE = "case_study_search"
SEARCH_INDEX = "ix_case_study_search"


def maintained_by_sql(name: str | None) -> bool:
    """Whether a table or index is created by raw SQL in migration 0004 (not described by a model)."""
    return bool(name) and (
        name == SEARCH_INDEX or name == SEARCH_TABLE or name.startswith(SEARCH_TABLE + "_")
    )


class Rag(StrEnum):
    """Red, amber, green: the delivery status of a deliverable."""

    red = "red"
    amber = "amber"
    green = "green"


class CaseStudyStatus(StrEnum):
    """Draft (its alliance and national users see it), submitted (awaiting national moderation) and
    published (every signed-in user, and the summary to the public); decision record 0019."""

    draft = "draft"
    submitted = "submitted"
    published = "published"


class FundingAgreement(Base):
    """One alliance's funding agreement for one financial year (e.g. "2018/19")."""

    __tablename__ = "funding_agreement"
    __table_args__ = (
        UniqueConstraint("alliance_code", "financial_year"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alliance_code: Mapped[str] = mapped_column(String(16))
    financial_year: Mapped[str] = mapped_column(String(7))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    deliverables: Mapped[list[Deliverable]] = relationship(
        back_populates="agreement", order_by="Deliverable.id", lazy="selectin"
    )


class Deliverable(Base):
    """A deliverable of a funding agreement: owner, due date, funding, and either a linked metric
    (`metric_key`, a `programme.metrics` source) with a monthly trajectory, or a RAG set by hand with
    its reason. Every change bumps `version` and writes a `DeliverableChange`."""

    __tablename__ = "deliverable"
    __table_args__ = (
        CheckConstraint("manual_rag IS NULL OR manual_rag IN ('red', 'amber', 'green')", name="manual_rag"),
        CheckConstraint("(manual_rag IS NULL) = (manual_rag_reason IS NULL)", name="manual_rag_reason"),
        CheckConstraint("funding IS NULL OR funding >= 0", name="funding"),
        Index(None, "agreement_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("funding_agreement.id"))
    title: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date] = mapped_column(Date)
    funding: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    metric_key: Mapped[str | None] = mapped_column(String(64))
    manual_rag: Mapped[Rag | None] = mapped_column(
        Enum(Rag, native_enum=False, length=8, create_constraint=False)
    )
    manual_rag_reason: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64))

    agreement: Mapped[FundingAgreement] = relationship(back_populates="deliverables", lazy="joined")
    trajectory: Mapped[list[TrajectoryPoint]] = relationship(
        order_by="TrajectoryPoint.month", cascade="all, delete-orphan", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def alliance_code(self) -> str:
        return self.agreement.alliance_code

    @property
    def financial_year(self) -> str:
        return self.agreement.financial_year


class TrajectoryPoint(Base):
    """The value a linked metric should reach in one month (YYYY-MM) of a deliverable's trajectory."""

    __tablename__ = "deliverable_trajectory"
    __table_args__ = (CheckConstraint("month LIKE '____-__'", name="month"),)

    deliverable_id: Mapped[int] = mapped_column(
        ForeignKey("deliverable.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    target: Mapped[float] = mapped_column(Float)


class DeliverableChange(Base):
    """One change to a deliverable: who (a user or a job), when, and the fields before and after."""

    __tablename__ = "deliverable_change"
    __table_args__ = (
        CheckConstraint("actor_id IS NOT NULL OR job_id IS NOT NULL", name="attributed"),
        Index(None, "deliverable_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deliverable_id: Mapped[int] = mapped_column(ForeignKey("deliverable.id"))
    version: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    job_id: Mapped[str | None] = mapped_column(String(64))
    changed_by: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any]] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))
    after: Mapped[dict[str, Any]] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))


class CaseStudy(Base):
    """A best-practice case study: what an alliance did and what changed, optionally shown as a
    linked metric before and after `change_month` (the month the intervention began)."""

    __tablename__ = "case_study"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'submitted', 'published')", name="status"),
        CheckConstraint("change_month IS NULL OR change_month LIKE '____-__'", name="change_month"),
        Index(None, "alliance_code"),
        Index(None, "status"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alliance_code: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(2000))
    intervention: Mapped[str] = mapped_column(Text)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    contacts: Mapped[str] = mapped_column(String(500), default="", info=NOT_AUDITED)
    metric_key: Mapped[str | None] = mapped_column(String(64))
    change_month: Mapped[str | None] = mapped_column(String(7))
    status: Mapped[CaseStudyStatus] = mapped_column(
        Enum(CaseStudyStatus, native_enum=False, length=16, create_constraint=False),
        default=CaseStudyStatus.draft,
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    published_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    search_text: Mapped[str] = mapped_column(Text, default="", info=NOT_AUDITED)
    version: Mapped[int] = mapped_column(Integer)

    tags: Mapped[list[CaseStudyPriority]] = relationship(
        order_by="CaseStudyPriority.priority", cascade="all, delete-orphan", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def priorities(self) -> list[str]:
        return [tag.priority for tag in self.tags]

    def refresh_search_text(self) -> None:
        self.search_text = search_words(
            " ".join([self.title or "", self.summary or "", self.intervention or ""])
        )


class CaseStudyPriority(Base):
    """A priority tag (one of the ten of design.md, `programme/data/priorities.csv`) on a case study."""

    __tablename__ = "case_study_priority"

    case_study_id: Mapped[int] = mapped_column(
        ForeignKey("case_study.id", ondelete="CASCADE"), primary_key=True
    )
    priority: Mapped[str] = mapped_column(String(32), primary_key=True)


_NOT_WORD = re.compile(r"[^a-z0-9]+")


def search_words(value: str) -> str:
    """Text as both search engines see it: accents removed, lower case, only a-z and 0-9 words separated
    by single spaces. Both tokenisers then split it the same way (decision record 0018)."""
    plain = unicodedata.normalize("NFKD", value)
    plain = "".join(character for character in plain if not unicodedata.combining(character)).lower()
    return _NOT_WORD.sub(" ", plain).strip()


@event.listens_for(CaseStudy, "before_insert")
@event.listens_for(CaseStudy, "before_update")
def _keep_search_text(_mapper: Any, _connection: Any, target: CaseStudy) -> None:
    target.refresh_search_text()


__all__ = [
    "CaseStudy",
    "CaseStudyPriority",
    "CaseStudyStatus",
    "Deliverable",
    "DeliverableChange",
    "FundingAgreement",
    "Rag",
    "TrajectoryPoint",
    "maintained_by_sql",
    "search_words",
]
