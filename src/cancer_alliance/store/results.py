"""Results refresh runs and import jobs in the store (issue #19, migration 0006; decision records 0023
and 0024): each `alliance results refresh` leaves one `results_run` row (what it read, what it wrote,
how it ended), and each web upload one `import_job` row that the job runner moves from queued to done.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, Enum, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from cancer_alliance.store.models import Base, UtcDateTime, utcnow


class RunStatus(StrEnum):
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    unchanged = "unchanged"


class JobState(StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"


class ResultsRun(Base):
    """One refresh: as-of date, the lake snapshot ids of every input table, rows per results file."""

    __tablename__ = "results_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    as_of: Mapped[date | None] = mapped_column(Date)
    status: Mapped[RunStatus] = mapped_column(
        Enum(RunStatus, native_enum=False, length=16, create_constraint=False)
    )
    only: Mapped[str | None] = mapped_column(String(200))
    generation: Mapped[str | None] = mapped_column(String(80))
    failed_step: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str | None] = mapped_column(Text)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    row_counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ImportJob(Base):
    """One uploaded file waiting for, or done with, ingest and the refresh that follows."""

    __tablename__ = "import_job"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    state: Mapped[JobState] = mapped_column(
        Enum(JobState, native_enum=False, length=16, create_constraint=False)
    )
    table_name: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(255))
    upload_path: Mapped[str] = mapped_column(String(1000))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    progress: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    message: Mapped[str | None] = mapped_column(Text)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("results_run.id"))


def recent_runs(session: Session, limit: int = 20) -> list[ResultsRun]:
    """The latest refresh runs, newest first."""
    return list(session.scalars(select(ResultsRun).order_by(ResultsRun.id.desc()).limit(limit)))


def start_run(session: Session, as_of: date | None, only: str | None, inputs: dict[str, Any]) -> ResultsRun:
    """A run being computed now (status running)."""
    run = ResultsRun(as_of=as_of, only=only, status=RunStatus.running, inputs=inputs, row_counts={})
    session.add(run)
    session.flush()
    return run


def finish_run(
    session: Session,
    run_id: int,
    status: RunStatus,
    *,
    as_of: date | None = None,
    generation: str | None = None,
    failed_step: str | None = None,
    message: str | None = None,
    row_counts: dict[str, int] | None = None,
) -> ResultsRun:
    """Record how run `run_id` ended."""
    run = session.get_one(ResultsRun, run_id)
    run.status, run.finished_at, run.message = status, utcnow(), message
    run.as_of = as_of or run.as_of
    run.generation, run.failed_step = generation, failed_step
    run.row_counts = row_counts or {}
    return run
