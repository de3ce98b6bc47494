"""Read an input file (CSV or Parquet) into DuckDB as text, one table `source_rows`: `row_number`
(1 = the first data row; in a CSV that is line 2 unless a quoted value spans lines) and every
schema column as VARCHAR without surrounding white space, blank = missing (NHS numbers also lose
their display spaces), plus any derived columns the caller asks for, computed in the same pass.
Missing optional columns are all missing; a missing required column or a column the schema does
not know makes the file unprocessable (InputError)."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from cancer_alliance.errors import InputError
from cancer_alliance.schemas import TableSchema

FORMATS = {".csv": "csv", ".parquet": "parquet"}
_BLOCK_BYTES = 16 * 1024 * 1024
_CSV_LINE = re.compile(r"CSV Error on Line: (\d+)")
_SAFE_DETAILS = [
    re.compile(text)
    for text in (
        r"Expected Number of Columns: \d+ Found: \d+",
        r"Value with unterminated quote found",
        r"Invalid unicode \(byte sequence mismatch\) detected",
        r"Maximum line size of \d+ bytes exceeded",
        r"The CSV Parser state machine reached an invalid state",
    )
]


def quote(name: str) -> str:
    """A DuckDB identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A DuckDB string literal."""
    return "'" + text.replace("'", "''") + "'"


def file_format(path: Path) -> str:
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise InputError(f"{path}: unknown file type {path.suffix!r}; use .csv or .parquet") from None


def read_header(path: Path, fmt: str) -> list[str]:
    """Column names as the file has them (a CSV's first line; a Parquet file's schema)."""
    if fmt == "parquet":
        try:
            return list(pq.read_schema(path).names)
        except (OSError, pa.ArrowException) as error:
            raise InputError(f"{path}: not a readable Parquet file ({type(error).__name__})") from None
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle), None)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise InputError(f"{path}: cannot read the header ({type(error).__name__})") from None
    if not header:
        raise InputError(f"{path}: the file is empty; the first line must name the columns")
    return header


def check_columns(path: Path, header: list[str], table: TableSchema) -> None:
    """Refuse a file whose columns do not fit the schema, naming every offending column."""
    known = set(table.column_names)
    problems = []
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        problems.append(f"repeated columns: {', '.join(duplicated)}")
    unknown = [name for name in header if name not in known]
    if unknown:
        problems.append(f"unknown columns: {', '.join(unknown)}")
    missing = [c.name for c in table.columns if c.required and c.name not in header]
    if missing:
        problems.append(f"missing required columns: {', '.join(missing)}")
    if problems:
        raise InputError(
            f"{path}: cannot ingest as table {table.name}: {'; '.join(problems)}. "
            f"Expected columns: {', '.join(table.column_names)}"
        )


def open_source(path: Path, table: TableSchema) -> tuple[str, list[str]]:
    """The file's format and header, once its columns are known to fit `table` (else InputError)."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    fmt = file_format(path)
    header = read_header(path, fmt)
    check_columns(path, header, table)
    return fmt, header


def load(con: duckdb.DuckDBPyConnection, path: Path, table: TableSchema, derived: Sequence[str] = ()) -> int:
    """Create table `source_rows` from the file, with the `derived` columns (SQL over the text
    columns) computed in the same pass; returns the number of data rows."""
    fmt, header = open_source(path, table)
    text = _tidy(_read_text(con, path, fmt, header), table)
    con.register("source_text", text)
    try:
        con.execute(f"CREATE TABLE source_rows AS SELECT {', '.join(['*', *derived])} FROM source_text")
    finally:
        con.unregister("source_text")
    return text.num_rows


def _read_text(con: duckdb.DuckDBPyConnection, path: Path, fmt: str, header: list[str]) -> pa.Table:
    """Every column of the file as text, in file order."""
    if fmt == "parquet":
        return _read_parquet_text(path)
    strings = {name: pa.string() for name in header}
    try:  # fast path: Arrow's multi-threaded reader (no line breaks inside quoted values)
        return pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(column_names=header, skip_rows=1, block_size=_BLOCK_BYTES),
            convert_options=pa_csv.ConvertOptions(column_types=strings),
        )
    except pa.ArrowInvalid:
        pass  # DuckDB's reader accepts line breaks in quoted values and names the line of a real error
    columns = "{" + ", ".join(f"{literal(name)}: 'VARCHAR'" for name in header) + "}"
    scan = (
        f"read_csv({literal(str(path))}, columns={columns}, header=true, auto_detect=false, "
        f"delim=',', quote='\"', escape='\"', encoding='utf-8')"
    )
    try:
        return con.sql(f"SELECT * FROM {scan}").to_arrow_table()  # file order: insertion order is kept
    except duckdb.Error as error:
        raise InputError(_describe(path, error)) from None


def _read_parquet_text(path: Path) -> pa.Table:
    try:
        data = pq.read_table(path)
    except (OSError, pa.ArrowException) as error:
        raise InputError(f"{path}: not a readable Parquet file ({type(error).__name__})") from None
    columns = []
    for field in data.schema:
        try:
            columns.append(pc.cast(data.column(field.name), pa.string()))
        except pa.ArrowException:
            raise InputError(
                f"{path}: column {field.name} of type {field.type} cannot be read as text"
            ) from None
    return pa.table(columns, names=data.column_names)


def _tidy(data: pa.Table, table: TableSchema) -> pa.Table:
    """Row numbers first, then every schema column as text without surrounding ASCII white space,
    blank = missing, NHS numbers without display spaces; schema columns the file lacks are all
    missing."""
    missing = pa.scalar(None, pa.string())
    columns = [pa.array(range(1, data.num_rows + 1), pa.int64())]
    for column in table.columns:
        if column.name not in data.column_names:
            columns.append(pa.nulls(data.num_rows, pa.string()))
            continue
        text = pc.ascii_trim_whitespace(data.column(column.name))  # a quarter of the cost of utf8_
        if column.type == "nhs_number":
            text = pc.replace_substring(text, " ", "")
        columns.append(pc.if_else(pc.equal(pc.binary_length(text), 0), missing, text))
    return pa.table(columns, names=["row_number", *table.column_names])


def _describe(path: Path, error: duckdb.Error) -> str:
    """A reader error without the offending line (it may hold an NHS number): only the line
    number and details from a list of known, value-free DuckDB messages."""
    message = str(error)
    details = [found.group(0) for pattern in _SAFE_DETAILS if (found := pattern.search(message))]
    line = _CSV_LINE.search(message)
    where = f"line {line.group(1)} is not valid CSV" if line else "cannot read as CSV"
    return f"{path}: {where} ({'; '.join(details) or 'malformed file'})"
