"""A command's input wherever it lives (a local path, a URI, a catalogue table: `engine.io`,
docs/decisions/0034), through the one validation path of `alliance ingest` (`validate.py`,
docs/decisions/0027 and 0050): mapping profile, canonical values, code lists and cross-field checks.

A local file is read here; a URI or table is read by the engine, every column as text, and the text
collected here and checked exactly as a file's would be (row N is the Nth row in the engine's read
order). The checked rows go back to the engine in memory (`engine.io.local_frame`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cancer_alliance.engine import Engine
from cancer_alliance.engine.io import Kind, Location, check_engine, local_frame, location, read_engine_text
from cancer_alliance.ingest import validate
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
