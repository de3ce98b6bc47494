"""`evaluate_file`: pathway events in (CSV or Parquet, exactly the columns of `pathway_event`), one row
per pathway and milestone out; the library function behind `alliance pathways evaluate`. Input and
outputs may be local paths, URIs or, on Spark, catalogue tables (`engine.io`, docs/decisions/0034).

The file is checked as at ingest (`ingest.validate`): raw NHS numbers are pseudonymised, and a row
that fails a check (a wrong type, an unknown event, a date before the start event, a second start
event, ...) is left out and listed in OUTPUT's `.rejected.csv` with its row number, field and
reason, as is every pathway that cannot be evaluated (no start event, no definition in force). A
file that cannot be read at all is an InputError.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from cancer_alliance.engine import Engine, EngineName, open_engine
from cancer_alliance.engine.io import (
    Location,
    check_engine,
    output_location,
    read_local_parquet,
    rejected_path,
    write_output,
)
from cancer_alliance.ingest.inputs import open_input
from cancer_alliance.ingest.validate import validate_file
from cancer_alliance.pathways.milestones import OUTPUT_COLUMNS, TYPES, milestones, unevaluated
from cancer_alliance.pathways.settings import DEFAULT_SETTINGS, PathwaySettings

REJECTED_COLUMNS = ("row_number", "pathway_id", "field", "check", "reason")
_ARROW = {
    "string": pa.string(),
    "date": pa.date32(),
    "int": pa.int64(),
    "double": pa.float64(),
    "boolean": pa.bool_(),
}


@dataclass(frozen=True)
class EvaluateSummary:
    """What `evaluate_file` wrote."""

    rows_in: int
    rows_rejected: int
    pathways: int
    pathways_unevaluated: int
    milestones: int
    as_of: dt.date | None
    status_counts: dict[str, int]
    output: Location
    rejected_path: Location
    first_problem: str | None


def latest_event_date(events: Any) -> dt.date | None:
    """The default as-of date: the latest event date in the events (None when there are none)."""
    from cancer_alliance.engine import functions

    F = functions(events)
    return events.agg(F.max("event_date").alias("latest")).collect()[0]["latest"]


def to_arrow(frame: Any, types: dict[str, str]) -> pa.Table:
    """Collect a result as Arrow with the declared column types (the engines differ in details)."""
    result = frame.toArrow()
    return pa.table({name: result.column(name).cast(_ARROW[types[name]]) for name in types})


def read_events(engine: Engine, path: Path | str, scratch: Path) -> tuple[Any, Any]:
    """The checked events of `path` (a local file, a URI or, on Spark, a table: `ingest.inputs`) as an
    engine DataFrame, and the `Validated` result."""
    accepted = scratch / "events.parquet"
    validated = validate_file("pathway_event", open_input(engine, path), accepted)
    return read_local_parquet(engine, accepted), validated


def milestone_table(events: Any, as_of: dt.date, settings: PathwaySettings = DEFAULT_SETTINGS) -> pa.Table:
    """Milestones (all columns of `TYPES`) of an events frame as Arrow, by pathway and sequence (one
    row per pair). The engine sorts, on every thread: Arrow's `sort_by` took 4 of the refresh's pathway
    step's 25 CPU s at scale 1, most of it gathering the string columns into the new order."""
    return to_arrow(milestones(events, as_of, settings).orderBy("pathway_id", "sequence"), TYPES)


def evaluate_frame(
    events: Any, as_of: dt.date | None, settings: PathwaySettings = DEFAULT_SETTINGS
) -> tuple[pa.Table, pa.Table, dt.date | None]:
    """Milestones (all columns of `TYPES`) and unevaluated pathways of an events frame, as Arrow."""
    as_of = as_of or latest_event_date(events)
    if as_of is None:
        empty = pa.table({name: pa.array([], _ARROW[kind]) for name, kind in TYPES.items()})
        return empty, pa.table({"pathway_id": [], "tumour": [], "reason": []}), None
    result = milestone_table(events, as_of, settings)
    left_out = to_arrow(
        unevaluated(events, as_of, settings), {"pathway_id": "string", "tumour": "string", "reason": "string"}
    ).sort_by("pathway_id")
    return result, left_out, as_of


def evaluate_file(
    input: Path | str,
    output: Path | str,
    *,
    as_of: dt.date | None = None,
    engine: EngineName | str | None = None,
    settings: PathwaySettings = DEFAULT_SETTINGS,
    all_columns: bool = False,
) -> EvaluateSummary:
    """Evaluate the events in `input`; write `pathway_id, tumour, milestone, target_day, day, status`
    (every column of `TYPES` if `all_columns`) to `output`, and the rejected rows and unevaluated
    pathways to `rejected_path(output)`. `as_of` defaults to the latest event date in the file."""
    source, output = input, output_location(output)
    session = open_engine(engine)
    check_engine(session, output)
    with tempfile.TemporaryDirectory(prefix="alliance-pathways-") as scratch:
        events, validated = read_events(session, source, Path(scratch))
        result, left_out, as_of = evaluate_frame(events, as_of, settings)
    columns = list(TYPES) if all_columns else list(OUTPUT_COLUMNS)
    write_output(session, result.select(columns), output)
    problems = validated.problems
    rejected = pa.concat_tables(
        [
            pa.table(
                {
                    "row_number": problems.column("row_number").cast(pa.int64()),
                    "pathway_id": pa.nulls(problems.num_rows, pa.string()),
                    "field": problems.column("field"),
                    "check": problems.column("check"),
                    "reason": problems.column("reason"),
                }
            ),
            pa.table(
                {
                    "row_number": pa.nulls(left_out.num_rows, pa.int64()),
                    "pathway_id": left_out.column("pathway_id"),
                    "field": pa.nulls(left_out.num_rows, pa.string()),
                    "check": pa.array(["unevaluated"] * left_out.num_rows, pa.string()),
                    "reason": left_out.column("reason"),
                }
            ),
        ]
    )
    write_output(session, rejected, rejected_path(output))
    counts = pc.value_counts(result.column("status")).to_pylist() if result.num_rows else []
    first = None
    if problems.num_rows:
        row = problems.slice(0, 1).to_pylist()[0]
        first = f"{source} row {row['row_number']}, {row['field']}: {row['reason']}"
    return EvaluateSummary(
        rows_in=validated.rows_in,
        rows_rejected=validated.rejected_rows,
        pathways=len(pc.unique(result.column("pathway_id"))),
        pathways_unevaluated=left_out.num_rows,
        milestones=result.num_rows,
        as_of=as_of,
        status_counts={item["values"]: item["counts"] for item in counts},
        output=output,
        rejected_path=rejected_path(output),
        first_problem=first,
    )
