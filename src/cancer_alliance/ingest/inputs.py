"""A command's input wherever it lives (a local path, a URI, a catalogue table: `engine.io`,
docs/decisions/0034), through the one validation path of `alliance ingest` (`validate.py`,
docs/decisions/0027 and 0050): mapping profile, canonical values, code lists and cross-field checks.

A local file is read here; a URI or table is read by the engine, every column as text, and the text
collected here and checked exactly as a file's would be (row N is the Nth row in the engine's read
order). The checked rows go back to the engine in memory (`engine.io.local_frame`).

`ingest_from` is `alliance ingest` wherever its source lives: a local path; a URI, fetched through
`pyarrow.fs` (`storage.fetch`) or, with the Spark engine, read by Spark; or, on Spark, a catalogue table
(docs/decisions/0055)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pyarrow.csv as pacsv

from cancer_alliance.engine import Engine, EngineName, default_engine_name, open_engine
from cancer_alliance.engine.io import Kind, Location, check_engine, local_frame, location, read_engine_text
from cancer_alliance.ingest import validate
from cancer_alliance.ingest.importer import IngestSummary, ingest_file
from cancer_alliance.ingest.source import TextInput


def open_input(engine: Engine, where: str | Path | Location) -> Path | TextInput:
    """What the validation path reads for `where`: a local path as it is, a URI or table as the engine
    reads it (InputError when the engine cannot: DuckDB reads local files only)."""
    where = where if isinstance(where, Location) else location(where)
    check_engine(engine, where)
    if where.kind == Kind.path:
        return where.path
    return TextInput(where.text, read_engine_text(engine, where))


def check(
    engine: Engine, table: str, where: str | Path | Location, profile: str | Path | None = None
) -> validate.Checked:
    """`validate.check_file` of `where`, wherever it lives."""
    return validate.check_file(table, open_input(engine, where), profile)


def checked_frame(
    engine: Engine,
    table: str,
    where: str | Path | Location,
    scratch: Path,
    profile: str | Path | None = None,
) -> Any:
    """The rows of `where` as an engine DataFrame typed by `table`'s schema, once every row passes the
    checks of `alliance ingest` (else InputError: the input, the first bad row and field, and how many
    rows have problems). NHS numbers are blank: no rule reads them. `scratch` must outlive the
    DataFrame's use (DuckDB reads the checked rows from there)."""
    rows = validate.read_checked(table, open_input(engine, where), profile)
    return local_frame(engine, rows, scratch, table)


def ingest_from(
    table: str, source: str | Path, *, engine: EngineName | str | None = None, **options: Any
) -> IngestSummary:
    """`ingest_file` of `source` wherever it lives (module docstring); `options` are `ingest_file`'s.
    What Spark reads is collected here as text (so bounded by this machine, as every engine input is)
    and written to a private temporary CSV outside ALLIANCE_HOME, which is then imported as a file
    named by `source`."""
    where = location(source)
    name = EngineName(engine) if engine else default_engine_name()
    if where.kind == Kind.path or (where.kind == Kind.uri and name == EngineName.duckdb):
        return ingest_file(table, where.path if where.kind == Kind.path else where.text, **options)
    session = open_engine(name)
    check_engine(session, where)
    text = read_engine_text(session, where)
    with tempfile.TemporaryDirectory(prefix="alliance-ingest-source-") as folder:
        staged = Path(folder) / f"{table}.csv"
        pacsv.write_csv(text, staged)
        return ingest_file(table, staged, source_name=where.text, **options)
