"""Read an input file (CSV or Parquet) into DuckDB as text, one view `source_rows`: `row_number`
(1 = the first data row; in a CSV with a header that is line 2) and every schema column as
VARCHAR, trimmed, blank = missing (NHS numbers also lose their display spaces). Missing optional
columns are added as missing; a missing required column or a column the schema does not know
makes the file unprocessable (InputError)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from cancer_alliance.errors import InputError
from cancer_alliance.ingest import nhs_number
from cancer_alliance.schemas import Column, TableSchema

FORMATS = {".csv": "csv", ".parquet": "parquet"}
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
    try:
        if fmt == "parquet":
            return list(pq.read_schema(path).names)
        with path.open(newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle), None)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise InputError(f"{path}: cannot read the header ({type(error).__name__})") from None
    except Exception as error:  # pyarrow raises ArrowInvalid and others for a file that is not Parquet
        raise InputError(f"{path}: not a readable Parquet file ({type(error).__name__})") from None
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


def load(con: duckdb.DuckDBPyConnection, path: Path, table: TableSchema) -> int:
    """Create `source_rows` from the file; returns the number of data rows."""
    fmt, header = open_source(path, table)
    if fmt == "csv":
        columns = "{" + ", ".join(f"{literal(name)}: 'VARCHAR'" for name in header) + "}"
        scan = (
            f"read_csv({literal(str(path))}, columns={columns}, header=true, auto_detect=false, "
            f"delim=',', quote='\"', escape='\"', encoding='utf-8')"
        )
    else:
        scan = f"read_parquet({literal(str(path))})"
    text = ", ".join(
        f"{_text(c) if c.name in header else 'CAST(NULL AS VARCHAR)'} AS {quote(c.name)}"
        for c in table.columns
    )
    try:
        # Insertion order is kept (DuckDB's default), so rowid is the position in the file.
        con.execute(f"CREATE TABLE loaded AS SELECT {text} FROM {scan}")
    except duckdb.Error as error:
        raise InputError(_describe(path, fmt, error)) from None
    con.execute("CREATE VIEW source_rows AS SELECT rowid + 1 AS row_number, * FROM loaded")
    return con.execute("SELECT count(*) FROM loaded").fetchall()[0][0]


def _text(column: Column) -> str:
    """The column as trimmed text, blank = missing; NHS numbers without their display spaces."""
    text = f"trim(CAST({quote(column.name)} AS VARCHAR))"
    if column.type == "nhs_number":
        text = nhs_number.sql_normalise(text)
    return f"nullif({text}, '')"


def _describe(path: Path, fmt: str, error: duckdb.Error) -> str:
    """A reader error without the offending line (it may hold an NHS number): only the line
    number and details from a list of known, value-free DuckDB messages."""
    message = str(error)
    details = [found.group(0) for pattern in _SAFE_DETAILS if (found := pattern.search(message))]
    line = _CSV_LINE.search(message)
    where = f"line {line.group(1)} is not valid CSV" if line else f"cannot read as {fmt.upper()}"
    return f"{path}: {where} ({'; '.join(details) or 'malformed file'})"
