"""`evaluate_file`: canonical CWT records in (CSV or Parquet), per-record facts and rejections out.

The library function behind `alliance cwt evaluate`. A CSV is typed by the canonical schema
(`schema("cwt")`: ISO dates, integers, codes kept as text with their leading zeros, blank =
missing); a value that does not fit stops the run with an InputError naming the file, row and
field, never the value. A column the schema does not know is refused; a missing optional column
is read as blank.
"""

from __future__ import annotations

import csv
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

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
    read_local_parquet,
    write_output,
)
from cancer_alliance.errors import InputError
from cancer_alliance.schemas import TableSchema, schema
from cancer_alliance.table_files import file_format

REJECTED_COLUMNS = ("record_id", "reason")
_ARROW = {
    "string": pa.string(),
    "date": pa.date32(),
    "int": pa.int32(),
    "double": pa.float64(),
    "boolean": pa.bool_(),
}
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
) -> EvaluateSummary:
    """Evaluate the records in `input`; write the facts (the contract columns `FACT_COLUMNS`, plus
    `transfer_date_missing` if `with_flags`) to `output` and the rejected records with their
    reasons to `rejected_path(output)`. Either may be a local path, a URI or (on Spark) a table."""
    source, target = location(input), location(output)
    target.format  # noqa: B018  (refuses an unknown extension before any work)
    session = open_engine(engine)
    check_engine(session, source)
    check_engine(session, target)
    with tempfile.TemporaryDirectory(prefix="alliance-cwt-") as scratch:
        records = read_records(session, source, Path(scratch))
        facts = _arrow(evaluate(records, settings), TYPES)
        refused = _arrow(rejected(records, settings), {"record_id": "string", "reason": "string"})
    flagged = facts.filter(pc.fill_null(facts.column("transfer_date_missing"), False))
    columns = list(FACT_COLUMNS) + (list(FLAG_COLUMNS) if with_flags else [])
    write_output(session, facts.select(columns), target)
    write_output(session, refused.select(list(REJECTED_COLUMNS)), rejected_path(target))
    return EvaluateSummary(
        facts=facts.num_rows,
        rejected=refused.num_rows,
        transfer_date_missing=len(pc.unique(flagged.column("record_id"))),
        output=target,
        rejected_path=rejected_path(target),
    )


def read_records(engine: Engine, source: Path | str | Location, scratch: Path) -> Any:
    """The canonical CWT records in `source` as an engine DataFrame typed by the schema. A local file is
    read and typed here: DuckDB reads it from `scratch` (which must outlive the DataFrame's use), Spark
    gets it in memory. A URI or table is read by the engine and a CSV's text typed there."""
    table = schema("cwt")
    source = source if isinstance(source, Location) else location(source)
    if source.kind != Kind.path:
        return _typed_frame(_engine_records(engine, source, table), table, None)
    path = source.path
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if file_format(path) == ".csv":
        records = read_csv(path, table)
        return _typed_frame(local_frame(engine, records, scratch, "records"), table, records.column_names)
    names = _parquet_columns(path)
    _check_columns(path, names, table)
    return _typed_frame(read_local_parquet(engine, path), table, names)


def _parquet_columns(path: Path) -> list[str]:
    try:
        return pq.read_schema(path).names
    except (OSError, pa.ArrowException) as error:
        raise InputError(f"{path}: not a readable Parquet file ({type(error).__name__})") from None


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


def read_csv(path: Path, table: TableSchema) -> pa.Table:
    """A CSV with a header line as an Arrow table of `table`'s columns and types."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise InputError(f"{path}: cannot read the header line ({type(error).__name__})") from None
    _check_columns(path, header, table)
    try:
        text = pa_csv.read_csv(
            path,
            convert_options=pa_csv.ConvertOptions(
                column_types={name: pa.string() for name in header}, strings_can_be_null=True
            ),
        )
    except pa.ArrowException as error:
        raise InputError(f"{path}: not valid CSV ({str(error).splitlines()[0][:200]})") from None
    columns = {}
    for column in table.columns:
        if column.name not in header:
            columns[column.name] = pa.nulls(text.num_rows, _ARROW[column.storage_type])
            continue
        values = pc.utf8_trim_whitespace(text.column(column.name))
        values = pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)
        columns[column.name] = _typed(path, column.name, column.storage_type, values)
    return pa.table(columns)


def _typed(path: Path, name: str, storage_type: str, values: pa.ChunkedArray) -> pa.ChunkedArray:
    """Text converted to the column's type; the first value that does not fit is an InputError
    (looked for only when the vectorised conversion fails)."""
    if storage_type not in _FORMS:
        return values
    form, problem = _FORMS[storage_type]
    try:
        if pc.all(pc.or_kleene(pc.is_null(values), pc.match_substring_regex(values, form.pattern))).as_py():
            return values.cast(_ARROW[storage_type])
    except pa.ArrowInvalid:
        pass
    for row, value in enumerate(values.to_pylist(), start=1):
        if value is None:
            continue
        try:
            if not form.match(value):
                raise ValueError(value)
            pa.array([value]).cast(_ARROW[storage_type])
        except (ValueError, pa.ArrowInvalid):
            raise InputError(f"{path} row {row}, {name}: {problem}") from None
    raise AssertionError("unreachable: the conversion failed but every value converts")  # pragma: no cover


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
    return pa.table({name: result.column(name).cast(_ARROW[types[name]]) for name in types})
