"""The import job queue with several web processes (decision records 0024 and 0045), on SQLite and
PostgreSQL: a process starting while another runs a job leaves that job running, one job runs at a time
across processes, and a job whose process stopped goes back to the queue and runs.

Another process is played by holding the runner lock through a second open file: `flock` locks belong
to the open file, so they exclude each other within one process as between two."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from cancer_alliance.results.jobs import enqueue, requeue_interrupted, run_next, runner_lock
from cancer_alliance.store import Auditor, Role
from cancer_alliance.store.accounts import create_user
from cancer_alliance.store.results import ImportJob, JobState

from .conftest import known_for_tests


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("ALLIANCE_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def user_id(store, unique) -> int:
    with store.begin() as session:
        user = create_user(
            session,
            Auditor(session, job_id=unique("test-job")),
            username=unique("uploader"),
            role=Role.national,
            password="correct horse battery staple",
            organisation_known=known_for_tests,
        )
        return user.id


def _state(store, job_id: int) -> JobState:
    with store.session() as session:
        return session.get_one(ImportJob, job_id).state


def _running_job(store, user_id: int, upload: Path) -> int:
    """A job marked running, as a process leaves it while it ingests."""
    job_id = enqueue(store, "cwt", "records.csv", upload, user_id)
    with store.begin() as session:
        session.execute(update(ImportJob).where(ImportJob.id == job_id).values(state=JobState.running))
    return job_id


def _no_refresh(**_: object) -> None:  # pragma: no cover - these jobs stop at their missing upload
    raise AssertionError("the refresh is not reached")


def _clear_queue(store) -> None:
    """Earlier tests share the database: finish their jobs so `run_next` sees only this test's."""
    with store.begin() as session:
        session.execute(
            update(ImportJob)
            .where(ImportJob.state.in_([JobState.queued, JobState.running]))
            .values(state=JobState.failed)
        )


def test_a_starting_process_leaves_another_process_running_job_alone(store, user_id, home, tmp_path):
    _clear_queue(store)
    running = _running_job(store, user_id, tmp_path / "upload-a.csv")
    waiting = enqueue(store, "cwt", "next.csv", tmp_path / "upload-b.csv", user_id)
    with runner_lock() as held:  # another process is running `running`
        assert held
        assert requeue_interrupted(store) == 0
        assert run_next(store, _no_refresh) is None  # one job at a time: the queued one waits
        assert (_state(store, running), _state(store, waiting)) == (JobState.running, JobState.queued)


def test_a_job_whose_process_stopped_is_queued_again_and_run(store, user_id, home, tmp_path):
    _clear_queue(store)
    interrupted = _running_job(store, user_id, tmp_path / "gone.csv")  # no process holds the lock
    assert requeue_interrupted(store) == 1
    assert _state(store, interrupted) == JobState.queued
    again = _running_job(store, user_id, tmp_path / "gone-too.csv")
    # the next poll of any runner takes the lock, requeues the orphan and runs the oldest job
    assert run_next(store, _no_refresh) == interrupted
    assert run_next(store, _no_refresh) == again
    with store.session() as session:
        job = session.get_one(ImportJob, again)
        assert job.state == JobState.failed and "was not imported" in job.message  # its upload is gone
