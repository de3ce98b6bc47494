"""`evaluate_file`: canonical CWT records in (CSV or Parquet), per-record facts and rejections out.

The library function behind `alliance cwt evaluate`. The file is read and checked exactly as
`alliance ingest` reads it (`ingest.validate`: mapping profiles, canonical values, the schema's
checks and code lists; docs/decisions/0027): a row that fails a check is rejected with its row,
fields and reasons (never a value), like a quarantined row; the rules evaluate the others. A file
that cannot be read at all (no required column, repeated columns) is an InputError.

Inputs and outputs may be local paths, URIs or, on Spark, catalogue tables (`engine.io`,
docs/decisions/0034). A local file is read and checked on this machine and handed to the engine
(in memory on Spark); a URI or a table is read by the engine, which checks each column's form
(dates, numbers) but not yet the code lists and cross-field checks of `alliance ingest`.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from cancer_alliance.cwt.evaluate import evaluate, rejected
from cancer_alliance.cwt.measures import FACT_COLUMNS, FLAG_COLUMNS, TYPES
from cancer_alliance.cwt.settings import DEFAULT_SETTINGS, CwtSettings
from cancer_alliance.engine import Engine, EngineName, functions, open_engine
from cancer_alliance.engine.io import (
    Kind,
    Location,
    check_engine,
    local_frame,
    location,
    read_engine_input,
    write_output,
)
from cancer_alliance.errors import InputError
from cancer_alliance.ingest.validate import check_file, read_checked
from cancer_alliance.schemas import TableSchema, schema
from cancer_alliance.table_files import ARROW_TYPES

REJECTED_COLUMNS = ("record_id", "reason", "measures")
#: The text form of each typed column a CSV read by the engine must match (`_engine_records`).
_FORMS = {
    "date": (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "not an ISO date (yyyy-mm-dd)"),
    "int": (re.compile(r"^[+-]?\d{1,9}$"), "not a whole number"),
    # the symptomatic FIT result (fit_result_ug_g, issue #13)
    "double": (re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"), "not a number"),
}


@dataclass(frozen=True)
class EvaluateSummary:
    """What `evaluate_file` wrote."""

    facts: int
    rejected: int
    transfer_date_missing: int  # records shared 50:50 because the transfer date was missing
    measures_lost: dict[str, int]  # rejected records by measure they had a stopped clock on
    output: Location
    rejected_path: Location


def rejected_path(output: Path | str | Location) -> Location:
    """Where the rejections of OUTPUT go: OUTPUT with its extension replaced by `.rejected.csv` (a table:
    OUTPUT_rejected)."""
    return (output if isinstance(output, Location) else location(output)).sibling(".rejected.csv")


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
    source, target = location(input), location(output)
    target.format  # noqa: B018  (refuses an unknown extension before any work)
    session = open_engine(engine)
    check_engine(session, source)
    check_engine(session, target)
    with tempfile.TemporaryDirectory(prefix="alliance-cwt-") as scratch:
        if source.kind == Kind.path:
            checked = check_file("cwt", source.path, profile)
            records = local_frame(session, checked.rows, Path(scratch), "records")
            refused_by_checks = check_rejections(checked.problems)
        else:
            records = _typed_frame(_engine_records(session, source, schema("cwt")), schema("cwt"), None)
            refused_by_checks = check_rejections(
                pa.table({"row_number": [], "key": [], "field": [], "reason": []})
            )
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
    """The canonical CWT records in `source` as an engine DataFrame typed by the schema. A local file
    must pass every check of `alliance ingest` (else InputError: file, first bad row and field) and is
    handed to the engine as `engine.io.local_frame` does (`scratch` must outlive the DataFrame's use);
    a URI or table is read by the engine and a CSV's text typed there."""
    source = source if isinstance(source, Location) else location(source)
    if source.kind != Kind.path:
        table = schema("cwt")
        return _typed_frame(_engine_records(engine, source, table), table, None)
    return local_frame(engine, read_checked("cwt", source.path, profile), scratch, "records")


def _engine_records(engine: Engine, source: Location, table: TableSchema) -> Any:
    """A URI or table read by the engine; a CSV's text checked against each column's form, in the engine.
    The engine reads in parallel, so a bad value is named by field and count, not by row."""
    frame = read_engine_input(engine, source)
    _check_columns(source, frame.columns, table)
    if source.format != ".csv":
        return frame
    F = functions(frame)
    typed = [c for c in table.columns if c.name in frame.columns and c.storage_type in _FORMS]
    text = {c.name: F.trim(F.col(c.name)) for c in table.columns if c.name in frame.columns}
    bad = frame.select(
        *[
            F.sum(
                F.when(
                    (text[c.name] != "") & ~text[c.name].rlike(_FORMS[c.storage_type][0].pattern), 1
                ).otherwise(0)
            ).alias(c.name)
            for c in typed
        ]
    )
    counts = bad.collect()[0].asDict() if typed else {}
    for column in typed:
        if counts[column.name]:
            problem = _FORMS[column.storage_type][1]
            raise InputError(f"{source}, {column.name}: {counts[column.name]:,} values are {problem}")
    return frame.select(*[F.when(value != "", value).alias(name) for name, value in text.items()])


def _typed_frame(frame: Any, table: TableSchema, names: list[str] | None) -> Any:
    """`table`'s columns in order, cast to their types; a missing optional column is null."""
    names = frame.columns if names is None else names
    F = functions(frame)
    return frame.select(
        *[
            (F.col(c.name) if c.name in names else F.lit(None)).cast(c.storage_type).alias(c.name)
            for c in table.columns
        ]
    )


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


def _check_columns(path: Path | Location, names: list[str], table: TableSchema) -> None:
    known = set(table.column_names)
    unknown = [name for name in names if name not in known]
    missing = [c.name for c in table.columns if c.required and c.name not in names]
    problems = ([f"unknown columns: {', '.join(unknown)}"] if unknown else []) + (
        [f"missing required columns: {', '.join(missing)}"] if missing else []
    )
    if problems:
        raise InputError(f"{path}: not a canonical CWT record file: {'; '.join(problems)}")


def _arrow(frame: Any, types: dict[str, str]) -> pa.Table:
    """Collect a result as Arrow with the declared column types (the engines differ in details)."""
    result = frame.toArrow()
    return pa.table({name: result.column(name).cast(ARROW_TYPES[types[name]]) for name in types})
