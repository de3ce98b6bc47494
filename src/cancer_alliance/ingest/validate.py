"""`validate_file`: the checks of an import without the lake, for commands that evaluate a file
directly (e.g. `alliance pathways evaluate`): every row accepted (NHS numbers pseudonymised, as at
ingest) or listed with its row number, field and reason; rows in = accepted + rejected."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from cancer_alliance.ingest import checks, pseudonym, source
from cancer_alliance.ingest.importer import _no_progress, _write_accepted
from cancer_alliance.schemas import schema

PROBLEM_COLUMNS = ("row_number", "field", "check", "reason")


@dataclass(frozen=True)
class Validated:
    """What `validate_file` found: accepted rows went to the Parquet file it was given."""

    rows_in: int
    accepted: int
    rejected_rows: int
    problems: pa.Table  # PROBLEM_COLUMNS, one row per problem, by row number


def validate_file(
    table: str, path: Path | str, accepted: Path, profile: str | Path | None = None
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
            rows_in = source.load(con, Path(path), definition, checks.typed_columns(definition), profile).rows
            checks.find_problems(con, definition)
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
