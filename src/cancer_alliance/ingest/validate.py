"""The checks of an import without the lake, for every domain command that reads a canonical-table
file (docs/decisions/0027): the same reader (`source.load`, mapping profiles included), checks and
code lists as `alliance ingest`, so a file one accepts the other accepts.

- `validate_file` (e.g. `alliance pathways evaluate`): every row accepted (NHS numbers
  pseudonymised, as at ingest) or listed with its row number, field and reason.
- `check_file` (e.g. `alliance cwt evaluate`): the accepted rows typed for the engines, and the
  problems of the others with their keys. No rule reads an NHS number, so these commands drop
  them unread: they are neither required nor checked (a file of lake pseudonyms is accepted).
- `read_checked` (e.g. `alliance fit metrics`): the typed rows, or an InputError naming the file,
  the first bad row and field and how many rows have problems.

Each reads a local file or rows an engine read as text (`source.TextInput`: a URI or catalogue
table, through `ingest.inputs`). In each, rows in = accepted + rejected."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from cancer_alliance.errors import InputError
from cancer_alliance.ingest import checks, pseudonym, source
from cancer_alliance.ingest.importer import _no_progress, _write_accepted
from cancer_alliance.ingest.mapping import Mapping
from cancer_alliance.ingest.source import TextInput, quote
from cancer_alliance.schemas import Column, TableSchema, schema
from cancer_alliance.table_files import arrow_schema

PROBLEM_COLUMNS = ("row_number", "field", "check", "reason")


@dataclass(frozen=True)
class Validated:
    """What `validate_file` found: accepted rows went to the Parquet file it was given."""

    rows_in: int
    accepted: int
    rejected_rows: int
    problems: pa.Table  # PROBLEM_COLUMNS, one row per problem, by row number


def validate_file(
    table: str, path: Path | str | TextInput, accepted: Path, profile: str | Path | None = None
) -> Validated:
    """Check `path` (CSV or Parquet, read through mapping `profile`, given or detected) against
    canonical table `table`; write the accepted rows, typed and pseudonymised, to the Parquet file
    `accepted`. InputError when the file cannot be read."""
    definition = schema(table)
    key = pseudonym.load_key()
    with tempfile.TemporaryDirectory(prefix="alliance-validate-") as spill:
        con = duckdb.connect(config={"temp_directory": spill})
        try:
            con.execute("SET enable_progress_bar = false")
            loaded = source.load(con, _input(path), definition, checks.typed_columns(definition), profile)
            rows_in = loaded.rows
            checks.find_problems(con, definition, loaded.mapping.built_columns)
            con.execute("CREATE TABLE rejected AS SELECT DISTINCT row_number FROM problems")
            rejected = con.execute("SELECT count(*) FROM rejected").fetchall()[0][0]
            written = _write_accepted(con, definition, accepted, key, rows_in - rejected, _no_progress)
            problems = con.sql(
                'SELECT row_number, field, "check", reason FROM problems ORDER BY row_number, field, "check"'
            ).to_arrow_table()
        finally:
            con.close()
    if written + rejected != rows_in:  # pragma: no cover - the ingest invariant, checked as at import
        raise RuntimeError(f"{path}: {rows_in} rows in but {written} accepted and {rejected} rejected")
    return Validated(rows_in, written, rejected, problems)


@dataclass(frozen=True)
class Checked:
    """What `check_file` found."""

    rows_in: int
    rows: pa.Table  # the accepted rows in file order, typed (`table_files.arrow_schema`), NHS numbers blank
    problems: pa.Table  # row_number, key (the table's key as given), field, check, reason
    mapping: Mapping

    @property
    def rejected_rows(self) -> int:
        return len(pc.unique(self.problems.column("row_number")))


def check_file(table: str, path: Path | str | TextInput, profile: str | Path | None = None) -> Checked:
    """Check `path` against canonical table `table` as `alliance ingest` does, without writing
    anything. InputError when the file cannot be processed at all."""
    definition, unread = _without_nhs_numbers(schema(table))
    with tempfile.TemporaryDirectory(prefix="alliance-check-") as spill:
        con = duckdb.connect(config={"temp_directory": spill})
        try:
            con.execute("SET enable_progress_bar = false")
            loaded = source.load(con, _input(path), definition, checks.typed_columns(definition), profile)
            checks.find_problems(con, definition, unread | loaded.mapping.built_columns)
            columns = ", ".join(
                f"NULL::VARCHAR AS {quote(c.name)}"
                if c.name in unread
                else f"{checks.typed(c)} AS {quote(c.name)}"
                for c in definition.columns
            )
            rows = con.sql(
                f"SELECT {columns} FROM source_rows "
                "WHERE row_number NOT IN (SELECT row_number FROM problems) ORDER BY row_number"
            ).to_arrow_table()
            problems = con.sql(
                f'SELECT p.row_number, s.{quote(definition.key)} AS key, p.field, p."check", p.reason '
                "FROM problems p JOIN source_rows s USING (row_number) "
                'ORDER BY p.row_number, p.field, p."check"'
            ).to_arrow_table()
        finally:
            con.close()
    checked = Checked(loaded.rows, rows.cast(arrow_schema(definition)), problems, loaded.mapping)
    if checked.rows.num_rows + checked.rejected_rows != checked.rows_in:  # pragma: no cover - invariant
        raise RuntimeError(f"{path}: rows in differ from accepted + rejected")
    return checked


def _input(path: Path | str | TextInput) -> Path | TextInput:
    """A file path, or rows an engine read (`ingest.inputs`)."""
    return path if isinstance(path, TextInput) else Path(path)


def _without_nhs_numbers(table: TableSchema) -> tuple[TableSchema, set[str]]:
    """`table` with its NHS number columns as optional, unchecked text, and their names."""
    unread = {c.name for c in table.columns if c.type == "nhs_number"}
    columns = tuple(Column(c.name, "string") if c.name in unread else c for c in table.columns)
    return replace(table, columns=columns), unread


def read_checked(table: str, path: Path | str | TextInput, profile: str | Path | None = None) -> pa.Table:
    """The rows of `path`, typed, once every one passes the checks of `alliance ingest` (else
    InputError: file, first bad row and field, and how many rows have problems)."""
    checked = check_file(table, path, profile)
    if checked.problems.num_rows == 0:
        return checked.rows
    first = checked.problems.slice(0, 1).to_pylist()[0]
    bad = checked.rejected_rows
    more = f" ({bad:,} rows have problems; `alliance ingest` lists them all)" if bad > 1 else ""
    raise InputError(f"{path} row {first['row_number']}, {first['field']}: {first['reason']}{more}")
