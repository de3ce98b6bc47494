"""`evaluate_file`: canonical CWT records in (CSV or Parquet), per-record facts and rejections out.

The library function behind `alliance cwt evaluate`. The file is read and checked exactly as
`alliance ingest` reads it (`ingest.validate`: mapping profiles, canonical values, the schema's
checks and code lists; docs/decisions/0027): a row that fails a check is rejected with its row,
fields and reasons (never a value), like a quarantined row; the rules evaluate the others. A file
that cannot be read at all (no required column, repeated columns) is an InputError.

Inputs and outputs may be local paths, URIs or, on Spark, catalogue tables (`engine.io`,
docs/decisions/0034). A URI or a table is read by the engine as text and checked here exactly as a
local file is (`ingest.inputs`, docs/decisions/0050); the checked rows go to the engine (in memory on
Spark).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from cancer_alliance.cwt.evaluate import evaluate, rejected
from cancer_alliance.cwt.measures import FACT_COLUMNS, FLAG_COLUMNS, TYPES
from cancer_alliance.cwt.settings import DEFAULT_SETTINGS, CwtSettings
from cancer_alliance.engine import Engine, EngineName, open_engine
from cancer_alliance.engine.io import (
    Location,
    check_engine,
    local_frame,
    location,
    output_location,
    rejected_path,
    write_output,
)
from cancer_alliance.ingest import inputs
from cancer_alliance.table_files import ARROW_TYPES

REJECTED_COLUMNS = ("record_id", "reason", "measures")


@dataclass(frozen=True)
class EvaluateSummary:
    """What `evaluate_file` wrote."""

    facts: int
    rejected: int
    transfer_date_missing: int  # records shared 50:50 because the transfer date was missing
    measures_lost: dict[str, int]  # rejected records by measure they had a stopped clock on
    output: Location
    rejected_path: Location


def evaluate_file(
    input: Path | str,
    output: Path | str,
    *,
    engine: EngineName | str | None = None,
    settings: CwtSettings = DEFAULT_SETTINGS,
    with_flags: bool = False,
    profile: str | Path | None = None,
) -> EvaluateSummary:
    """Evaluate the records in `input` (a local file read through mapping `profile`, given or
    detected); write the facts (the contract columns `FACT_COLUMNS`, plus `transfer_date_missing` if
    `with_flags`) to `output` and the rejected records with their reasons to `rejected_path(output)`:
    first the rows that fail the checks of `alliance ingest`, then those the rules leave out. Either
    may be a local path, a URI or (on Spark) a table."""
    source, target = location(input), output_location(output)
    session = open_engine(engine)
    check_engine(session, source)
    check_engine(session, target)
    with tempfile.TemporaryDirectory(prefix="alliance-cwt-") as scratch:
        checked = inputs.check(session, "cwt", source, profile)
        records = local_frame(session, checked.rows, Path(scratch), "records")
        refused_by_checks = check_rejections(checked.problems)
        facts, refused = evaluate_records(records, settings)
    refused = pa.concat_tables([refused_by_checks, refused])
    flagged = facts.filter(pc.fill_null(facts.column("transfer_date_missing"), False))
    columns = list(FACT_COLUMNS) + (list(FLAG_COLUMNS) if with_flags else [])
    write_output(session, facts.select(columns), target)
    write_output(session, refused, rejected_path(target))
    return EvaluateSummary(
        facts=facts.num_rows,
        rejected=refused.num_rows,
        transfer_date_missing=len(pc.unique(flagged.column("record_id"))),
        measures_lost=_measures_lost(refused.column("measures").to_pylist()),
        output=target,
        rejected_path=rejected_path(target),
    )


def evaluate_records(records: Any, settings: CwtSettings = DEFAULT_SETTINGS) -> tuple[pa.Table, pa.Table]:
    """The facts (every column of `TYPES`) and the rules' rejections (`REJECTED_COLUMNS`) of records
    already typed and checked: those of a file that passed `ingest.validate`, or the lake's, which hold
    only rows `alliance ingest` accepted (the results pipeline, docs/decisions/0044)."""
    facts = _arrow(evaluate(records, settings), TYPES)
    refused = _arrow(
        rejected(records, settings), {"record_id": "string", "reason": "string", "measures": "string"}
    )
    return facts, refused.select(list(REJECTED_COLUMNS))


def _measures_lost(listed: list[str | None]) -> dict[str, int]:
    """How many rejected records had each measure (in the facts' order of measures)."""
    counts = dict.fromkeys(("2ww", "fds", "31d", "62d"), 0)
    for measures in listed:
        for measure in (measures or "").split():
            counts[measure] += 1
    return counts


def read_records(
    engine: Engine, source: Path | str | Location, scratch: Path, profile: str | Path | None = None
) -> Any:
    """The canonical CWT records in `source` (a local file, a URI or a table) as an engine DataFrame
    typed by the schema, once every row passes the checks of `alliance ingest` (else InputError: the
    input, the first bad row and field), handed to the engine as `engine.io.local_frame` does
    (`scratch` must outlive the DataFrame's use)."""
    return inputs.checked_frame(engine, "cwt", source, scratch, profile)


def check_rejections(problems: pa.Table) -> pa.Table:
    """One rejection per row that failed the ingest checks: its record_id (or `row N` when it has
    none) and every problem as `row N, field: reason`; no measures (a row that fails a check is never
    evaluated, so which measures it would have had is not known)."""
    reasons: dict[int, tuple[str, list[str]]] = {}
    for problem in problems.to_pylist():
        row = problem["row_number"]
        key, found = reasons.setdefault(row, (problem["key"] or f"row {row}", []))
        found.append(f"{problem['field']}: {problem['reason']}")
    return pa.table(
        {
            "record_id": pa.array([key for key, _ in reasons.values()], pa.string()),
            "reason": pa.array(
                [f"row {row}, {'; '.join(found)}" for row, (_, found) in reasons.items()], pa.string()
            ),
            "measures": pa.nulls(len(reasons), pa.string()),
        }
    )


def _arrow(frame: Any, types: dict[str, str]) -> pa.Table:
    """Collect a result as Arrow with the declared column types (the engines differ in details)."""
    result = frame.toArrow()
    return pa.table({name: result.column(name).cast(ARROW_TYPES[types[name]]) for name in types})
