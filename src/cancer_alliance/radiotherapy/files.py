"""`compliance_file`: radiotherapy courses and linacs in (CSV or Parquet), the compliance table out; inputs
and output may be local paths, URIs or, on Spark, catalogue tables (`engine.io`, docs/decisions/0034).

The library function behind `alliance radiotherapy compliance`. Each input is checked row by row with
the same checks as `alliance ingest` (types, code lists, patterns, ranges, date orders, duplicate
keys: `cancer_alliance.ingest.checks`); a file with any problem stops the run with an InputError
naming the file, the first bad row and field and the number of bad rows, never a value. NHS numbers
are not needed for the checks and are not read past validation. The rates get their Wilson 95%
intervals here (`stats.intervals.wilson`), after the rules.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from cancer_alliance import cwt
from cancer_alliance.cwt.files import read_records
from cancer_alliance.engine import Engine, EngineName, functions, open_engine
from cancer_alliance.engine.io import Location, check_engine, output_location, read_csv_text, write_output
from cancer_alliance.errors import InputError
from cancer_alliance.ingest import inputs
from cancer_alliance.radiotherapy.compliance import (
    DEFAULT_SETTINGS,
    OUTPUT_COLUMNS,
    ComplianceSettings,
    compliance,
)
from cancer_alliance.reference.radiotherapy_networks import Requirement, requirements
from cancer_alliance.stats.intervals import wilson

#: The issue's columns, then the Wilson interval of each rate (blank for counts).
COLUMNS = (*OUTPUT_COLUMNS, "ci_lower", "ci_upper")
STATUSES = ("met", "not_met", "no_data")


@dataclass(frozen=True)
class ComplianceSummary:
    """What `compliance_file` wrote."""

    as_of: dt.date
    rows: int
    status_counts: dict[str, int]
    output: Location


def read_checked(engine: Engine, path: Path | str, table_name: str, scratch: Path) -> Any:
    """The rows of a canonical table (a local file, a URI or a catalogue table) as an engine DataFrame
    typed by its schema, once every row passes the ingest checks (else InputError: input, first bad
    row and field, count of bad rows; `ingest.inputs.checked_frame`). NHS numbers are left blank: the
    radiotherapy checks never need them."""
    return inputs.checked_frame(engine, table_name, path, scratch)


def default_as_of(courses: Any) -> dt.date:
    """The day after the latest first fraction in the courses (the census after the data)."""
    F = functions(courses)
    latest = courses.select(F.max("start_date").alias("latest")).collect()[0][0]
    if latest is None:
        raise InputError("the courses file has no rows, so there is no as-of day: give --as-of")
    if isinstance(latest, str):
        latest = dt.date.fromisoformat(latest)
    return latest + dt.timedelta(days=1)


def with_intervals(result: pd.DataFrame, chosen: tuple[Requirement, ...]) -> pd.DataFrame:
    """The compliance rows with the Wilson 95% interval of each rate, sorted by level, code and the
    order of the requirements."""
    kinds = {r.requirement_id: r.kind for r in chosen}
    order = {r.requirement_id: i for i, r in enumerate(chosen)}
    frame = result.copy()
    rate = frame["requirement_id"].map(kinds).eq("rate") & frame["denominator"].gt(0)
    lower, upper = wilson(frame["numerator"].where(rate), frame["denominator"].where(rate))
    frame["ci_lower"], frame["ci_upper"] = lower, upper
    frame["_level"] = frame["level"].map({"provider": 0, "network": 1})
    frame["_order"] = frame["requirement_id"].map(order)
    frame = frame.sort_values(["_level", "code", "_order"], kind="stable")
    return frame[list(COLUMNS)].reset_index(drop=True)


def compliance_frame(
    courses_path: Path | str,
    linacs_path: Path | str,
    *,
    as_of: dt.date | None = None,
    cwt_path: Path | str | None = None,
    cwt_profile: str | Path | None = None,
    requirements_path: Path | str | None = None,
    engine: EngineName | str | None = None,
    settings: ComplianceSettings = DEFAULT_SETTINGS,
) -> tuple[dt.date, pd.DataFrame]:
    """The as-of day and the compliance table (with intervals) as pandas, for the CLI, demo and web.
    Inputs may be local files, URIs or (on Spark) tables; the CWT records are read through mapping
    `cwt_profile` (given or detected)."""
    session = open_engine(engine)
    try:
        chosen = (
            requirements()
            if requirements_path is None
            else requirements(read_csv_text(requirements_path, session.name), str(requirements_path))
        )
    except ValueError as error:
        raise InputError(f"requirements: {error}") from None
    with tempfile.TemporaryDirectory(prefix="alliance-radiotherapy-") as scratch:
        courses = read_checked(session, courses_path, "radiotherapy_course", Path(scratch))
        linacs = read_checked(session, linacs_path, "linac", Path(scratch))
        day = as_of or default_as_of(courses)
        facts = None
        if cwt_path is not None:
            facts = cwt.evaluate(read_records(session, cwt_path, Path(scratch), cwt_profile))
        result = compliance(courses, linacs, day, cwt_facts=facts, chosen=chosen, settings=settings)
        table = result.toArrow().to_pandas()
    return day, with_intervals(table, chosen)


def compliance_file(
    courses_path: Path | str,
    linacs_path: Path | str,
    output: Path | str,
    **options: Any,
) -> ComplianceSummary:
    """Write the compliance table of `compliance_frame` to `output` (.csv or .parquet: a local path, a URI
    or on Spark a table)."""
    target = output_location(output)
    session = open_engine(options.get("engine"))  # the session `compliance_frame` opens too
    check_engine(session, target)
    day, table = compliance_frame(courses_path, linacs_path, **options)
    write_output(session, table, target)
    counts = {status: int((table["status"] == status).sum()) for status in STATUSES}
    return ComplianceSummary(as_of=day, rows=len(table), status_counts=counts, output=target)
