"""The import job runner: an uploaded file is ingested and the results refreshed off the request path,
one job at a time, with each job's state in the store so a page reload (or a restart) finds it
(issue #19 item 4; decision record 0024).

`enqueue` records a queued job; `run_next` claims the oldest queued job with a conditional update (only
one worker, in any process, wins it), ingests the file, refreshes the results and records the outcome;
`JobRunner` is the web application's single background thread calling `run_next`.

A job runs only while its process holds the runner lock of the ALLIANCE_HOME it imports into (an
exclusive `flock`, which the kernel releases when the process ends; decision record 0045). So one job runs
at a time across every web process, and whoever holds the lock knows that a job still marked running
was interrupted and puts it back in the queue; a starting process never requeues another's running job.
"""

from __future__ import annotations

import csv
import fcntl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select, update

from cancer_alliance.config import alliance_home
from cancer_alliance.errors import InputError
from cancer_alliance.ingest import ImportScope, account_scope, ingest_file
from cancer_alliance.store import Store
from cancer_alliance.store.models import UserAccount, utcnow
from cancer_alliance.store.results import ImportJob, JobState, RunStatus

#: Quarantine reasons listed on the job's page (all of them are in the quarantine download).
LISTED_PROBLEMS = 50
#: The runner lock's file in ALLIANCE_HOME.
LOCK_FILE = ".import-jobs.lock"
Refresh = Callable[..., object]


def enqueue(store: Store, table: str, file_name: str, upload: Path, user_id: int) -> int:
    """A queued job for the saved `upload`; returns its id."""
    with store.begin() as session:
        job = ImportJob(
            state=JobState.queued,
            table_name=table,
            file_name=file_name,
            upload_path=str(upload),
            user_id=user_id,
            progress="waiting for the job before it",
            summary={},
        )
        session.add(job)
        session.flush()
        return job.id


@contextmanager
def runner_lock(home: Path | None = None) -> Iterator[bool]:
    """Take the runner lock of `home` (default ALLIANCE_HOME) without waiting; yields whether it was
    taken. Held, it means no other process is running a job on this home."""
    folder = home or alliance_home()
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / LOCK_FILE).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _requeue(store: Store) -> int:
    with store.begin() as session:
        result = session.execute(
            update(ImportJob)
            .where(ImportJob.state == JobState.running)
            .values(state=JobState.queued, progress="interrupted when its server stopped; queued again")
        )
        return result.rowcount


def requeue_interrupted(store: Store) -> int:
    """Jobs left running by a stopped server go back to the queue (their upload is still saved); none
    while another process holds the runner lock, since its job is not interrupted."""
    with runner_lock() as held:
        return _requeue(store) if held else 0


def _claim(store: Store) -> ImportJob | None:
    with store.begin() as session:
        job_id = session.scalar(
            select(ImportJob.id).where(ImportJob.state == JobState.queued).order_by(ImportJob.id).limit(1)
        )
        if job_id is None:
            return None
        claimed = session.execute(
            update(ImportJob)
            .where(ImportJob.id == job_id, ImportJob.state == JobState.queued)
            .values(state=JobState.running, started_at=utcnow(), progress="validating the file")
        ).rowcount
        return session.get(ImportJob, job_id) if claimed else None


def _progress(store: Store, job_id: int, text: str) -> None:
    with store.begin() as session:
        session.get_one(ImportJob, job_id).progress = text


def _finish(store: Store, job_id: int, state: JobState, message: str, **values: object) -> None:
    with store.begin() as session:
        job = session.get_one(ImportJob, job_id)
        job.state, job.message, job.finished_at, job.progress = state, message, utcnow(), None
        for name, value in values.items():
            setattr(job, name, value)


def quarantine_reasons(path: Path | None, limit: int = LISTED_PROBLEMS) -> list[dict[str, str]]:
    """The first `limit` problems of a quarantine file: row number, field and reason (no values)."""
    if path is None:
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        rows = csv.DictReader(handle)
        return [
            {"row": row["row_number"], "field": row["field"], "reason": row["reason"]}
            for _, row in zip(range(limit), rows, strict=False)
        ]


def run_next(store: Store, refresh: Refresh) -> int | None:
    """Run the oldest queued job, if any: ingest, then `refresh()`; returns its id. The upload (raw NHS
    numbers) is deleted whatever happens; the lake keeps only pseudonyms. None, without waiting, while
    another process holds the runner lock."""
    with runner_lock() as held:
        if not held:
            return None
        _requeue(store)  # with the lock held, a job still marked running was interrupted
        job = _claim(store)
        if job is None:
            return None
        try:
            _run(store, job, refresh)
        except Exception as error:  # noqa: BLE001  (a bug must not kill the runner; the job says why)
            _finish(store, job.id, JobState.failed, f"The job stopped: {type(error).__name__}: {error}")
        return job.id


def _uploader_scope(store: Store, user_id: int) -> ImportScope | None:
    """The import scope of the account that uploaded the file, as it is when the job runs
    (decision record 0025): a role changed since the upload is the one that counts."""
    with store.session() as session:
        account = session.get(UserAccount, user_id)
        if account is None or not account.active:
            raise InputError("the account that uploaded the file is no longer active")
        return account_scope(account.role.value, account.organisation_code)


def _run(store: Store, job: ImportJob, refresh: Refresh) -> None:
    upload = Path(job.upload_path)
    try:
        try:
            scope = _uploader_scope(store, job.user_id)
            summary = ingest_file(job.table_name, upload, source_name=job.file_name, scope=scope)
        except InputError as error:
            message = str(error).replace(str(upload), job.file_name)
            _finish(store, job.id, JobState.failed, f"The file was not imported: {message}")
            return
    finally:
        upload.unlink(missing_ok=True)
    quarantine = summary.quarantine_path.name if summary.quarantine_path else None
    counts = {
        "snapshot_id": summary.snapshot_id,
        "rows_in": summary.rows_in,
        "accepted": summary.accepted,
        "quarantined": summary.quarantined,
        "problems": summary.problems,
        "already_imported": summary.already_imported,
        "profile": summary.profile,
        "profile_detected": summary.profile_detected,
        "ignored_columns": list(summary.ignored_columns),
        "quarantine": quarantine,
        "reasons": quarantine_reasons(summary.quarantine_path),
    }
    _progress(store, job.id, "refreshing the results")
    report = refresh(progress=lambda step: _progress(store, job.id, f"refreshing the results: {step}"))
    values = {"summary": counts, "run_id": report.run_id}
    if report.status == RunStatus.failed:
        message = (
            f"Imported, but the results refresh failed at step {report.failed_step}: {report.message}. "
            "The pages still show the previous results."
        )
        _finish(store, job.id, JobState.failed, message, **values)
    elif getattr(report, "read_by_server", None) is False:
        shown = (
            f"The new results (data as of {report.as_of:%-d %B %Y}) could not be read by this server, so "
            "the pages still show the previous results; the server log says why."
        )
        _finish(store, job.id, JobState.succeeded, f"Imported and refreshed. {shown}", **values)
    else:
        shown = f"The pages now show data as of {report.as_of:%-d %B %Y}."
        _finish(store, job.id, JobState.succeeded, f"Imported and refreshed. {shown}", **values)


class JobRunner:
    """One background thread running queued jobs one at a time (across processes, `runner_lock`);
    `wake()` after enqueueing."""

    def __init__(self, store: Store, refresh: Refresh, poll_seconds: float = 5.0) -> None:
        self.store, self.refresh, self.poll_seconds = store, refresh, poll_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="import-jobs", daemon=True)

    def start(self) -> None:
        requeue_interrupted(self.store)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=60)

    def _loop(self) -> None:
        while not self._stop.is_set():
            if run_next(self.store, self.refresh) is None:
                self._wake.wait(self.poll_seconds)
                self._wake.clear()
