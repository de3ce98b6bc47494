"""`alliance results refresh`: recompute the results from the current lake into a new generation and
record the run in the store (issue #19 items 2-3; decision record 0023).

A refresh whose inputs are what the current generation was computed from (the same lake snapshots, the
same as-of setting and the same `--only`) is noticed before anything is read and reported as unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cancer_alliance.config import alliance_home
from cancer_alliance.engine import EngineName
from cancer_alliance.errors import InputError, StorageError
from cancer_alliance.ingest import lake
from cancer_alliance.ingest.lake import snapshot_dirs
from cancer_alliance.results import as_of as as_of_date
from cancer_alliance.results import catalogue, generations, pipeline
from cancer_alliance.results.generations import Generation
from cancer_alliance.results.pipeline import Step, StepFailed, build, check_domains, refresh_lock
from cancer_alliance.store import migrate, open_store
from cancer_alliance.store.results import RunStatus, finish_run, start_run


@dataclass(frozen=True)
class RefreshReport:
    """How a refresh ended."""

    status: RunStatus
    run_id: int
    as_of: dt.date | None
    generation: Generation | None
    failed_step: str | None = None
    message: str = ""
    seconds: dict[str, float] = field(default_factory=dict)
    #: False when the web server that ran the refresh could not read the new generation (it keeps
    #: serving the previous one); None outside a server.
    read_by_server: bool | None = None


def sync_shared(home: Path) -> None:
    """With shared storage, bring this machine's lake and results up to it first, so the refresh reads
    every machine's imports and compares against the generation the storage names as current."""
    for table in catalogue.lake_tables():
        lake.sync(table)
    generations.pull(home)


def lake_inputs() -> dict[str, list[str]]:
    """The committed snapshot ids of every lake table the results read."""
    return {table: [folder.name for folder in snapshot_dirs(table)] for table in catalogue.lake_tables()}


def fingerprint(inputs: dict[str, list[str]], given: dt.date | None, only: tuple[str, ...] | None) -> str:
    """What a generation depends on, hashed: lake snapshots, the as-of date given (None: from the lake)
    and the domains recomputed."""
    text = json.dumps({"inputs": inputs, "as_of": given and given.isoformat(), "only": only}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def refresh(
    as_of: str | None = None,
    only: Sequence[str] | None = None,
    *,
    engine: EngineName | str | None = None,
    force: bool = False,
    steps: Sequence[Step] | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> RefreshReport:
    """Refresh the results (module docstring). A bad `as_of` or `only` raises InputError or ValueError
    before anything runs; a failed step gives a report with status failed, the step and the reason.
    `steps` defaults to `pipeline.STEPS`."""
    domains = check_domains(only)
    given = as_of_date.configured(as_of)
    home = alliance_home()
    migrate()
    store = open_store()
    try:
        with refresh_lock(home):
            try:
                sync_shared(home)
            except (StorageError, InputError) as error:  # unreachable, or not a storage URI
                with store.begin() as session:
                    run_id = start_run(session, given, ",".join(domains) if domains else None, {}).id
                    finish_run(session, run_id, RunStatus.failed, failed_step="sync", message=str(error))
                return RefreshReport(
                    RunStatus.failed, run_id, given, generations.current(home), "sync", str(error)
                )
            inputs = lake_inputs()
            stamp = fingerprint(inputs, given, domains)
            current = generations.current(home)
            with store.begin() as session:
                run_id = start_run(session, given, ",".join(domains) if domains else None, inputs).id
            if current is not None and current.fingerprint == stamp and not force:
                message = f"nothing changed in the lake since generation {current.id}"
                with store.begin() as session:
                    finish_run(session, run_id, RunStatus.unchanged, as_of=current.as_of, message=message)
                return RefreshReport(RunStatus.unchanged, run_id, current.as_of, current, message=message)
            try:
                day = given or as_of_date.newest_in_lake()
                generation, outcome = build(
                    day,
                    stamp,
                    inputs,
                    only=domains,
                    engine=engine,
                    steps=steps or pipeline.STEPS,
                    progress=progress,
                )
            except (StepFailed, InputError) as error:
                step = error.step if isinstance(error, StepFailed) else "as_of"
                reason = error.reason if isinstance(error, StepFailed) else str(error)
                with store.begin() as session:
                    finish_run(session, run_id, RunStatus.failed, failed_step=step, message=reason)
                return RefreshReport(RunStatus.failed, run_id, given, current, step, reason)
            with store.begin() as session:
                finish_run(
                    session,
                    run_id,
                    RunStatus.succeeded,
                    as_of=day,
                    generation=generation.id,
                    message=f"{len(generation.rows)} results files",
                    row_counts=generation.rows,
                )
            return RefreshReport(RunStatus.succeeded, run_id, day, generation, seconds=outcome.seconds)
    finally:
        store.close()
