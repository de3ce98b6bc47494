"""`performance_file` and `ptl_file`: canonical CWT records in (CSV or Parquet), performance tables
or the PTL out; the library functions behind `alliance cwt performance` and `alliance cwt ptl`.

Records are read and checked as for `evaluate` (`cwt.files.read_records`: mapping profile, the
checks of `alliance ingest`; bad values stop the run with an InputError naming the input, row and
field), from a local path, a URI or (on Spark) a table; outputs go to any of these (`engine.io`).
One table is computed straight over the lazy facts:
measured on a national year, that costs less than writing all the facts first (materialising pays
only when several tables are made from the same facts, as in `bench/cwt_bench.py`; docs/performance.md).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from cancer_alliance.cwt.evaluate import evaluate
from cancer_alliance.cwt.files import read_records
from cancer_alliance.cwt.performance import MEASURES, Framework, group_columns, performance
from cancer_alliance.cwt.ptl import COLUMNS as PTL_COLUMNS
from cancer_alliance.cwt.ptl import (
    CROSSING_DAYS,
    DEFAULT_PTL_SETTINGS,
    PtlSettings,
    passed_column,
    ptl,
    summary,
)
from cancer_alliance.cwt.tumour_types import TumourTypeRange, tumour_type_ranges
from cancer_alliance.engine import Engine, EngineName, open_engine
from cancer_alliance.engine.io import (
    Kind,
    Location,
    check_engine,
    local_frame,
    location,
    output_location,
    read_csv_text,
    write_output,
)

_ARROW = {
    "string": pa.string(),
    "double": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "int": pa.int64(),
}
PERFORMANCE_TYPES = {
    "standard_id": "string",
    "reporting_month": "string",
    "provider": "string",
    "alliance": "string",
    "tumour_type": "string",
    "route": "string",
    "total": "double",
    "within": "double",
    "breaches": "double",
    "performance": "double",
    "threshold": "double",
    "meets_threshold": "boolean",
}
PTL_TYPES = {
    **{name: "string" for name in PTL_COLUMNS},
    "census_date": "date",
    "days_waited": "int",
    "over_62_backlog": "boolean",
    "over_104": "boolean",
    **{passed_column(mark): "boolean" for mark in CROSSING_DAYS},
    "breach_date_2ww": "date",
    "breach_date_fds": "date",
    "breach_date_62d": "date",
    "next_milestone_date": "date",
}
SUMMARY_TYPES = {
    "census_date": "date",
    "breakdown": "string",
    "group_name": "string",
    "open_pathways": "int",
    "over_62_backlog": "int",
    "over_104": "int",
    "crossed_28_last_7_days": "int",
    "crossed_62_last_7_days": "int",
    "crossed_104_last_7_days": "int",
}


def summary_path(output: Path | str | Location) -> Path | Location:
    """Where the PTL summaries of OUTPUT go: OUTPUT's name with `.summary` before its extension (a local
    path stays a Path; a table gets `_summary`)."""
    where = output if isinstance(output, Location) else location(output)
    if where.kind == Kind.path:
        return where.path.with_name(f"{where.path.stem}.summary{where.path.suffix}")
    return where.sibling(".summary" + (where.format or ""))


def _target(output: Path | str | Location) -> Path | Location:
    """An output as the commands report it: a local Path, else its Location (URI or table)."""
    where = output_location(output)
    return where.path if where.kind == Kind.path else where


def _write(session: Engine, table: pa.Table, output: Path | Location) -> None:
    write_output(session, table, output if isinstance(output, Location) else location(output))


def _arrow(frame: Any, types: dict[str, str], columns: Sequence[str]) -> pa.Table:
    result = frame.toArrow()
    return pa.table({name: result.column(name).cast(_ARROW[types[name]]) for name in columns})


def performance_file(
    input: Path | str,
    output: Path | str,
    by: Sequence[str],
    standards: Framework | str = Framework.y2018,
    *,
    engine: EngineName | str | None = None,
    tumour_types: Path | str | None = None,
    profile: str | Path | None = None,
) -> pa.Table:
    """Evaluate the records in `input` (read through mapping `profile`, given or detected), write the
    performance table to `output` and return it; `tumour_types` is a CSV replacing the packaged
    ICD-10 -> tumour type table. Input, output and `tumour_types` may be local paths, URIs or (on Spark)
    tables."""
    target = _target(output)
    session = open_engine(engine)
    check_engine(session, location(target) if isinstance(target, Path) else target)
    ranges = _tumour_types(session, tumour_types)
    with tempfile.TemporaryDirectory(prefix="alliance-cwt-") as scratch:
        records = read_records(session, input, Path(scratch), profile)
        facts = evaluate(records, in_record_order=False)  # summed, so in any order
        result = performance_table(facts, by, standards, records=records, tumour_types=ranges)
    _write(session, result, target)
    return result


def _tumour_types(engine: Engine, where: Path | str | None) -> tuple[TumourTypeRange, ...] | None:
    """The tumour type table at `where` (a local path, a URI or on Spark a table); None: the packaged."""
    return None if where is None else tumour_type_ranges(read_csv_text(where, engine.name), str(where))


def performance_table(
    facts: Any,
    by: Sequence[str],
    standards: Framework | str = Framework.y2018,
    *,
    records: Any = None,
    tumour_types: tuple[TumourTypeRange, ...] | None = None,
) -> pa.Table:
    """`performance` as the typed Arrow table `performance_file` writes; `facts` may be `fine_counts`,
    so several groupings cost one pass over the facts (the results pipeline does that)."""
    groups = group_columns(by)
    table = performance(facts, groups, standards, records=records, tumour_types=tumour_types)
    return _arrow(table, PERFORMANCE_TYPES, ["standard_id", *groups, *MEASURES])


@dataclass(frozen=True)
class PtlFiles:
    """What `ptl_file` wrote."""

    pathways: int
    over_62_backlog: int
    over_104: int
    output: Path | Location
    summary_path: Path | Location


def ptl_file(
    input: Path | str,
    output: Path | str,
    census: dt.date,
    *,
    engine: EngineName | str | None = None,
    tumour_types: Path | str | None = None,
    profile: str | Path | None = None,
) -> PtlFiles:
    """Write the PTL at `census` for the records in `input` to `output`, and its summaries next to it;
    `tumour_types` is a CSV replacing the packaged ICD-10 -> tumour type table. Input, outputs and
    `tumour_types` may be local paths, URIs or (on Spark) tables; the input is read through mapping
    `profile`."""
    output = _target(output)
    session = open_engine(engine)
    check_engine(session, location(output) if isinstance(output, Path) else output)
    settings = PtlSettings(tumour_types=_tumour_types(session, tumour_types))
    with tempfile.TemporaryDirectory(prefix="alliance-cwt-") as scratch:
        records = read_records(session, input, Path(scratch), profile)
        listed, counts = ptl_tables(session, records, census, Path(scratch), settings)
    _write(session, listed, output)
    _write(session, counts, summary_path(output))
    return PtlFiles(
        pathways=listed.num_rows,
        over_62_backlog=pc.sum(listed.column("over_62_backlog").cast(pa.int64())).as_py() or 0,
        over_104=pc.sum(listed.column("over_104").cast(pa.int64())).as_py() or 0,
        output=output,
        summary_path=summary_path(output),
    )


def ptl_tables(
    session: Engine, records: Any, census: dt.date, scratch: Path, settings: PtlSettings | None = None
) -> tuple[pa.Table, pa.Table]:
    """The PTL at `census` (`PTL_COLUMNS`) and its summaries (`SUMMARY_TYPES`) of records already typed and
    checked: a file's through `read_records`, or the lake's (the results pipeline, docs/decisions/0044).
    The summaries are counted over the listed pathways, staged as `engine.io.local_frame` stages them."""
    listed = _arrow(ptl(records, census, settings or DEFAULT_PTL_SETTINGS), PTL_TYPES, PTL_COLUMNS)
    staged = local_frame(session, listed, scratch, "ptl")  # in memory on Spark: no driver staging
    counts = _arrow(summary(staged), SUMMARY_TYPES, list(SUMMARY_TYPES))
    return listed, counts
