"""The results pipeline: every domain's results from the current lake as of a date, as named steps in
one engine session, written into a new generation and swapped in only when every step succeeded
(issue #19 items 1-2; decision record 0023).

Steps run in `STEPS` order (the PTL reads the pathway step's next milestones; radiotherapy reads the CWT
facts). After each step the files it wrote are checked against the catalogue: exactly its files, with
exactly the catalogue's columns. `--only` reruns some domains' steps; every other file is hard-linked
from the current generation, so the new generation is still complete.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cancer_alliance.config import alliance_home, generations_dir
from cancer_alliance.cwt.measures import FACT_COLUMNS
from cancer_alliance.engine import Engine, EngineName, open_engine
from cancer_alliance.errors import StorageError
from cancer_alliance.ingest.lake import current_table, snapshot_dirs
from cancer_alliance.results import catalogue, generations
from cancer_alliance.results.catalogue import PERFORMANCE_GROUPINGS, ResultFile
from cancer_alliance.results.generations import Generation

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StepContext:
    """What a step reads and where it writes."""

    session: Engine
    folder: Path
    as_of: dt.date
    engine: EngineName | str | None


@dataclass(frozen=True)
class Step:
    """A named unit of the pipeline writing the catalogue's files of the same step name. When a table
    of `requires` has never been imported, the step writes its files empty instead of running: a trust
    with waiting times only gets empty timed-pathway results, never an error or a made-up figure."""

    name: str
    domain: str
    run: Callable[[StepContext], None]
    requires: tuple[str, ...] = ()


class StepFailed(RuntimeError):
    """A step raised or wrote files that disagree with the catalogue; the refresh stops."""

    def __init__(self, step: str, reason: str) -> None:
        super().__init__(f"step {step!r} failed: {reason}")
        self.step = step
        self.reason = reason


def _cwt_records(ctx: StepContext) -> None:
    """The lake's current CWT records as one Parquet file (Spark would write a folder of parts, which the
    CWT readers refuse), read by the later CWT steps and by the pages' pathway timelines."""
    pq.write_table(current_table(ctx.session, "cwt").toArrow(), catalogue.path(ctx.folder, "cwt_records"))


def _cwt_facts(ctx: StepContext) -> None:
    """The facts and the rules' rejections of the lake's records, which `alliance ingest` checked when
    it accepted them: they are not checked again (docs/decisions/0044)."""
    from cancer_alliance.cwt.files import evaluate_records
    from cancer_alliance.table_files import write_table

    records = ctx.session.read_parquet(catalogue.path(ctx.folder, "cwt_records"))
    facts, refused = evaluate_records(records)
    write_table(facts.select(list(FACT_COLUMNS)), catalogue.path(ctx.folder, "cwt_facts"))
    write_table(refused, catalogue.path(ctx.folder, "cwt_facts.rejected.csv"))


def _cwt_performance(ctx: StepContext) -> None:
    """Every grouping's table from the facts summed once (`cwt.performance.fine_counts`)."""
    from cancer_alliance.cwt.performance import fine_counts
    from cancer_alliance.cwt.report_files import performance_table
    from cancer_alliance.table_files import write_table

    records = ctx.session.read_parquet(catalogue.path(ctx.folder, "cwt_records"))
    facts = ctx.session.read_parquet(catalogue.path(ctx.folder, "cwt_facts"))
    with tempfile.TemporaryDirectory(prefix="alliance-counts-") as scratch:
        staged = Path(scratch) / "counts.parquet"
        pq.write_table(fine_counts(facts, records).toArrow(), staged)
        counts = ctx.session.read_parquet(staged)
        for name, by in PERFORMANCE_GROUPINGS.items():
            table = performance_table(counts, by, "auto")
            write_table(table, catalogue.path(ctx.folder, f"performance_{name}"))


def _cwt_disclosure(ctx: StepContext) -> None:
    """The public tables' complementary suppressions (`cwt.published.complements`, decision record 0051),
    decided once here so that every public page, the API and the board pack withhold the same cells."""
    from cancer_alliance.cwt.published import COMPLEMENTS

    COMPLEMENTS.write(ctx.folder, workers=min(os.cpu_count() or 1, 4))


def _pathways(ctx: StepContext) -> None:
    from cancer_alliance.pathways.results_files import write_results

    write_results(current_table(ctx.session, "pathway_event"), ctx.as_of, ctx.folder)


def _pathways_disclosure(ctx: StepContext) -> None:
    """The timed pathways' public compliance and trend counts' complementary suppressions
    (`pathways.published.complements`, decision record 0057), decided once here for the pages, the API,
    the board pack and the deliverables' pathway metrics."""
    from cancer_alliance.pathways.published import COMPLEMENTS

    COMPLEMENTS.write(ctx.folder, workers=min(os.cpu_count() or 1, 4))


def _ptl(ctx: StepContext) -> None:
    """The PTL at the as-of date of the lake's (already checked) records joined with each timed
    pathway's next milestone, written once."""
    from cancer_alliance.cwt.report_files import ptl_tables
    from cancer_alliance.pathways.results_files import with_next_milestones
    from cancer_alliance.table_files import write_table

    records = ctx.session.read_parquet(catalogue.path(ctx.folder, "cwt_records"))
    with tempfile.TemporaryDirectory(prefix="alliance-ptl-") as scratch:
        listed, counts = ptl_tables(ctx.session, records, ctx.as_of, Path(scratch))
    write_table(counts, catalogue.path(ctx.folder, "ptl.summary"))
    upcoming = pd.read_parquet(catalogue.path(ctx.folder, "pathway_next"))
    joined = with_next_milestones(listed.to_pandas(), upcoming)
    joined.to_parquet(catalogue.path(ctx.folder, "ptl"), index=False)


def _fit(ctx: StepContext) -> None:
    from cancer_alliance.fit.files import write_results

    write_results(current_table(ctx.session, "fit_screening_episode"), ctx.folder)


def _fit_disclosure(ctx: StepContext) -> None:
    """The bowel screening public tables' complementary suppressions (`fit.published.complements`,
    decision record 0054), decided once here for every public page, the API and the board pack."""
    from cancer_alliance.fit.published import COMPLEMENTS

    COMPLEMENTS.write(ctx.folder)


def _lung(ctx: StepContext) -> None:
    from cancer_alliance.lung.programme_files import write_results

    tables = ("lung_health_check", "lung_health_check_invitation", "tumour_registration")
    write_results(*(current_table(ctx.session, name) for name in tables), ctx.folder)


def _lung_disclosure(ctx: StepContext) -> None:
    """The lung health checks' public tables' complementary suppressions (`lung.published.complements`,
    decision record 0054), decided once here for the public pages, the API and the board pack."""
    from cancer_alliance.lung.published import COMPLEMENTS

    COMPLEMENTS.write(ctx.folder)


def _early_diagnosis(ctx: StepContext) -> None:
    from cancer_alliance.early_diagnosis.results_files import write_results

    write_results(current_table(ctx.session, "tumour_registration"), ctx.folder)


def _early_diagnosis_disclosure(ctx: StepContext) -> None:
    """The lake's early diagnosis public tables' complementary suppressions
    (`early_diagnosis.published.complements`, decision record 0056), decided once here for the alliance
    and trust pages."""
    from cancer_alliance.early_diagnosis.published import COMPLEMENTS

    COMPLEMENTS.write(ctx.folder)


def _followup_cohort(ctx: StepContext) -> None:
    from cancer_alliance.followup.cohort import write_cohort

    write_cohort(current_table(ctx.session, "tumour_registration"), ctx.folder)


def _radiotherapy(ctx: StepContext) -> None:
    """Compliance as of the day after the as-of date (the data's last day is complete), from the lake's
    courses and linacs and this generation's CWT facts (issue #14)."""
    from cancer_alliance.radiotherapy.results_files import write_results

    facts = ctx.session.read_parquet(catalogue.path(ctx.folder, "cwt_facts"))
    courses = current_table(ctx.session, "radiotherapy_course")
    linacs = current_table(ctx.session, "linac")
    write_results(courses, linacs, facts, ctx.folder, ctx.as_of + dt.timedelta(days=1))


def _radiotherapy_disclosure(ctx: StepContext) -> None:
    """The radiotherapy compliance public table's complementary suppressions
    (`radiotherapy.published.complements`, decision record 0058), decided once here for the public
    pages, the API and the board pack."""
    from cancer_alliance.radiotherapy.published import write_complements

    write_complements(ctx.folder)


#: Every step in the order it runs.
STEPS: tuple[Step, ...] = (
    Step("cwt_records", "cwt", _cwt_records, ("cwt",)),
    Step("cwt_facts", "cwt", _cwt_facts, ("cwt",)),
    Step("cwt_performance", "cwt", _cwt_performance, ("cwt",)),
    Step("cwt_disclosure", "cwt", _cwt_disclosure, ("cwt",)),
    Step("pathways", "pathways", _pathways, ("pathway_event",)),
    Step("pathways_disclosure", "pathways", _pathways_disclosure, ("pathway_event",)),
    Step("ptl", "cwt", _ptl, ("cwt",)),
    Step("fit", "fit", _fit, ("fit_screening_episode",)),
    Step("fit_disclosure", "fit", _fit_disclosure, ("fit_screening_episode",)),
    Step("lung", "lung", _lung, ("lung_health_check", "tumour_registration")),
    Step("lung_disclosure", "lung", _lung_disclosure, ("lung_health_check", "tumour_registration")),
    Step("early_diagnosis", "early_diagnosis", _early_diagnosis, ("tumour_registration",)),
    Step(
        "early_diagnosis_disclosure", "early_diagnosis", _early_diagnosis_disclosure, ("tumour_registration",)
    ),
    Step("followup_cohort", "followup", _followup_cohort, ("tumour_registration",)),
    Step("radiotherapy", "radiotherapy", _radiotherapy, ("radiotherapy_course", "linac", "cwt")),
    Step(
        "radiotherapy_disclosure",
        "radiotherapy",
        _radiotherapy_disclosure,
        ("radiotherapy_course", "linac", "cwt"),
    ),
)


@dataclass
class Outcome:
    """What `run_steps` did: seconds and peak memory per step, rows per file."""

    seconds: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)


def check_domains(only: Sequence[str] | None) -> tuple[str, ...] | None:
    """`only` checked against the catalogue's domains (ValueError naming the unknown ones)."""
    if not only:
        return None
    unknown = [name for name in only if name not in catalogue.DOMAINS]
    if unknown:
        raise ValueError(f"unknown domain {', '.join(unknown)}; choose from {', '.join(catalogue.DOMAINS)}")
    return tuple(dict.fromkeys(only))


def run_steps(
    ctx: StepContext,
    steps: Sequence[Step] = STEPS,
    progress: Callable[[str], None] = lambda _: None,
) -> Outcome:
    """Run `steps` into `ctx.folder`, checking each one's files; StepFailed on the first failure."""
    outcome = Outcome()
    for step in steps:
        progress(step.name)
        started = time.perf_counter()
        for entry in catalogue.files_of(step.name):  # a linked copy from the old generation is replaced
            catalogue.path(ctx.folder, entry.name).unlink(missing_ok=True)
        try:
            if missing := [table for table in step.requires if not snapshot_dirs(table)]:
                progress(f"{step.name}: no {', '.join(missing)} in the lake, so its results are empty")
                _write_empty(step.name, ctx)
            else:
                step.run(ctx)
        except Exception as error:  # noqa: BLE001  (any failure stops the refresh and is reported)
            raise StepFailed(step.name, f"{type(error).__name__}: {error}") from error
        outcome.seconds[step.name] = time.perf_counter() - started
        for entry in catalogue.files_of(step.name):
            outcome.rows[entry.name] = _check(step.name, ctx.folder, entry)
    written = {p.name for p in ctx.folder.iterdir()}
    expected = {catalogue.path(ctx.folder, name).name for name in catalogue.CATALOGUE}
    if stray := sorted(written - expected - {generations.META}):
        raise StepFailed(
            steps[-1].name if steps else "-", f"wrote files not in the catalogue: {', '.join(stray)}"
        )
    return outcome


def _write_empty(step: str, ctx: StepContext) -> None:
    """The step's files with the catalogue's columns and no rows (a JSON file says the as-of date)."""
    for entry in catalogue.files_of(step):
        path = catalogue.path(ctx.folder, entry.name)
        if path.suffix == ".json":
            path.write_text(json.dumps({"as_of": ctx.as_of.isoformat()}) + "\n", encoding="utf-8")
        elif path.suffix == ".csv":
            path.write_text(",".join(entry.columns) + "\n", encoding="utf-8")
        else:
            pq.write_table(pa.table({column: pa.array([], pa.null()) for column in entry.columns}), path)


def _check(step: str, folder: Path, entry: ResultFile) -> int:
    """Rows of `entry` in `folder`, after checking it exists with the catalogue's columns."""
    path = catalogue.path(folder, entry.name)
    if not path.exists():
        raise StepFailed(step, f"did not write {path.name}")
    if path.suffix == ".json":
        return 1
    if path.suffix == ".csv":
        columns = tuple(pd.read_csv(path, nrows=0).columns)
        rows = sum(1 for _ in path.open(encoding="utf-8")) - 1
    else:  # a Parquet file, or a folder of parts when Spark wrote it
        dataset = pq.ParquetDataset(path)
        columns = tuple(dataset.schema.names)
        rows = sum(pq.read_metadata(part).num_rows for part in dataset.files)
    if columns != entry.columns:
        raise StepFailed(
            step, f"{path.name} has columns {list(columns)}, the catalogue says {list(entry.columns)}"
        )
    return rows


def link_previous(folder: Path, previous: Path) -> None:
    """Hard-link every catalogued file of the `previous` generation into `folder` (for `--only`)."""
    for name in catalogue.CATALOGUE:
        source = catalogue.path(previous, name)
        if source.is_file():
            os.link(source, catalogue.path(folder, name))
        elif source.is_dir():  # a Parquet dataset written by Spark
            target = catalogue.path(folder, name)
            target.mkdir()
            for part in source.iterdir():
                os.link(part, target / part.name)


@contextmanager
def refresh_lock(home: Path | None = None) -> Iterator[None]:
    """One refresh at a time per ALLIANCE_HOME (a second waits)."""
    folder = generations_dir(home or alliance_home())
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".refresh.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build(
    as_of: dt.date,
    fingerprint: str,
    inputs: dict[str, list[str]],
    *,
    only: tuple[str, ...] | None = None,
    engine: EngineName | str | None = None,
    steps: Sequence[Step] = STEPS,
    progress: Callable[[str], None] = lambda _: None,
) -> tuple[Generation, Outcome]:
    """Write a new generation and publish it; on StepFailed the new folder is removed and the
    previous generation keeps serving. The caller holds `refresh_lock`."""
    home = alliance_home()
    chosen = [step for step in steps if only is None or step.domain in only]
    previous = generations.current_folder(home)
    if only is not None and (previous is None or generations.current(home) is None):
        raise StepFailed(chosen[0].name if chosen else "-", "--only needs a previous generation to complete")
    folder = generations.new_folder(home)
    try:
        if only is not None and previous is not None:
            link_previous(folder, previous)
        session = open_engine(engine)
        outcome = run_steps(StepContext(session, folder, as_of, engine), chosen, progress)
        if only is not None:
            kept = generations.current(home)
            outcome.rows = {**(kept.rows if kept else {}), **outcome.rows}
        generation = Generation(
            id=folder.name,
            as_of=as_of,
            refreshed_at=dt.datetime.now(dt.UTC),
            fingerprint=fingerprint,
            inputs=inputs,
            rows=outcome.rows,
            steps=[step.name for step in chosen],
        )
        try:
            generations.publish(home, folder, generation)
        except StorageError as error:
            raise StepFailed("publish", str(error)) from None
    except BaseException:
        generations.discard(folder)
        raise
    try:
        generations.prune(home)
    except StorageError as error:  # the new generation is published; old ones stay until next time
        log.warning("results: old generations not pruned: %s", error)
    return generation, outcome
