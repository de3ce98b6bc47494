"""File I/O around the FIT rules: the functions behind `alliance fit metrics` and `alliance fit thresholds`.

An episode file (canonical table `fit_screening_episode`: a local CSV or Parquet file, a URI or a
catalogue table) is read and checked by `ingest.inputs.checked_frame`, as `alliance ingest` does
(mapping profile, types, codes, patterns, ranges, date orders, duplicate keys); the first problem
stops the run with an InputError naming the input, row and field, never the value, and saying how
many rows have problems.
NHS numbers never leave the check: the typed episodes handed to the engine carry none (the rules do
not use them).
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from cancer_alliance.engine import Engine, EngineName, open_engine
from cancer_alliance.engine.io import Location, check_engine, output_location, read_csv_text, write_output
from cancer_alliance.errors import InputError
from cancer_alliance.fit import metrics as fit_metrics
from cancer_alliance.fit import planning
from cancer_alliance.fit.rules import band_counts, check_groups, programme_counts
from cancer_alliance.fit.settings import DEFAULT_SETTINGS, FitSettings
from cancer_alliance.ingest import inputs
from cancer_alliance.results import catalogue
from cancer_alliance.table_files import write_table

TABLE = "fit_screening_episode"
CAPACITY_COLUMNS = ("screening_centre_code", "month", "slots")


def read_episodes(engine: Engine, path: Path | str, scratch: Path, profile: str | Path | None = None) -> Any:
    """The episodes of `path` (a local file, a URI or a table, read through mapping `profile`) as an
    engine DataFrame typed by the schema, NHS numbers blanked; InputError on the first problem
    (`ingest.inputs.checked_frame`: `scratch` must outlive the DataFrame's use)."""
    return inputs.checked_frame(engine, TABLE, path, scratch, profile)


def collect(frame: Any) -> pd.DataFrame:
    """A (small, aggregated) engine result as pandas."""
    return frame.toArrow().to_pandas()


def counts_from(episodes: Any, by: Sequence[str], settings: FitSettings = DEFAULT_SETTINGS) -> pd.DataFrame:
    table = collect(programme_counts(episodes, by, settings))
    return table.sort_values(list(by), na_position="last").reset_index(drop=True) if by else table


@dataclass(frozen=True)
class MetricsSummary:
    groups: int
    episodes: int
    output: Location


def metrics_file(
    input: Path | str,
    output: Path | str,
    by: Sequence[str] = (),
    *,
    intervals: bool = False,
    engine: EngineName | str | None = None,
    settings: FitSettings = DEFAULT_SETTINGS,
    profile: str | Path | None = None,
) -> MetricsSummary:
    """Programme metrics of the episodes in `input` by `by`, written to `output` (see metrics.py); either
    may be a local path, a URI or (on Spark) a table."""
    target = output_location(output)
    try:
        check_groups(by)
    except ValueError as error:
        raise InputError(f"--by: {error}") from None
    session = open_engine(engine)
    check_engine(session, target)
    with tempfile.TemporaryDirectory(prefix="alliance-fit-") as scratch:
        episodes = read_episodes(session, input, Path(scratch), profile)
        table = fit_metrics.metrics(counts_from(episodes, by, settings))
    write_output(session, fit_metrics.output_table(table, by, intervals=intervals), target)
    return MetricsSummary(groups=len(table), episodes=int(table["invited"].sum()), output=target)


def read_capacity(path: Path | str, engine: EngineName | str | None = None) -> pd.DataFrame:
    """A capacity table (CSV: screening_centre_code, month as yyyy-mm, slots >= 0) at `path`, a local
    path, a URI or on Spark a table (`engine.io.read_csv_text`); InputError naming the row and field of
    the first bad value."""
    try:
        table = pd.read_csv(io.StringIO(read_csv_text(path, engine)), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as error:
        raise InputError(f"{path}: not a readable CSV ({type(error).__name__})") from None
    missing = [c for c in CAPACITY_COLUMNS if c not in table.columns]
    if missing:
        raise InputError(
            f"{path}: missing columns: {', '.join(missing)}; expected {', '.join(CAPACITY_COLUMNS)}"
        )
    for row, record in enumerate(table.to_dict("records"), start=1):
        if not record["screening_centre_code"].strip():
            raise InputError(f"{path} row {row}, screening_centre_code: missing")
        if not pd.Series([record["month"].strip()]).str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])").iloc[0]:
            raise InputError(f"{path} row {row}, month: not a month (yyyy-mm)")
        try:
            slots = float(record["slots"])
        except ValueError:
            raise InputError(f"{path} row {row}, slots: not a number") from None
        if not slots >= 0:
            raise InputError(f"{path} row {row}, slots: must be a number >= 0")
    duplicated = table.duplicated(["screening_centre_code", "month"])
    if duplicated.any():
        row = int(duplicated.to_numpy().nonzero()[0][0]) + 1
        raise InputError(f"{path} row {row}: screening centre and month given twice")
    return pd.DataFrame(
        {
            "screening_centre_code": table["screening_centre_code"].str.strip(),
            "month": table["month"].str.strip(),
            "slots": table["slots"].astype(float),
        }
    )


@dataclass(frozen=True)
class ThresholdSummary:
    plan: pd.DataFrame
    demand: pd.DataFrame
    output: Location
    demand_path: Location | None


def plan_tables(
    episodes: Any,
    thresholds: Sequence[float],
    capacity: pd.DataFrame | None = None,
    settings: FitSettings = DEFAULT_SETTINGS,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The threshold plan and the demand by centre and month for engine `episodes`."""
    thresholds = planning.check_thresholds(thresholds)
    bands = collect(
        band_counts(
            episodes,
            planning.edges(thresholds, settings),
            ["screening_centre_code", "result_month"],
            settings,
        )
    )
    return planning.plan(bands, thresholds, settings), planning.demand(bands, thresholds, capacity)


def thresholds_file(
    input: Path | str,
    output: Path | str,
    thresholds: Sequence[float] = DEFAULT_SETTINGS.planning_thresholds,
    *,
    capacity: Path | str | None = None,
    demand_output: Path | str | Location | None = None,
    engine: EngineName | str | None = None,
    settings: FitSettings = DEFAULT_SETTINGS,
    profile: str | Path | None = None,
) -> ThresholdSummary:
    """Write the plan (planning.PLAN_COLUMNS) to `output` and, when asked or when `capacity` is given,
    the demand by centre and month to `demand_output` (default: OUTPUT's name + `.demand`, a table's
    + `_demand`). Outputs and `capacity` may be local paths, URIs or (on Spark) tables."""
    target = output_location(output)
    try:
        thresholds = planning.check_thresholds(thresholds)
    except ValueError as error:
        raise InputError(f"--thresholds: {error}") from None
    slots = read_capacity(capacity, engine) if capacity is not None else None
    if demand_output is None and slots is not None:
        demand_output = target.sibling(".demand" + (target.format or ""))
    demand_target = output_location(demand_output) if demand_output is not None else None
    session = open_engine(engine)
    check_engine(session, target)
    if demand_target is not None:
        check_engine(session, demand_target)
    with tempfile.TemporaryDirectory(prefix="alliance-fit-") as scratch:
        episodes = read_episodes(session, input, Path(scratch), profile)
        plan, demand = plan_tables(episodes, thresholds, slots, settings)
    write_output(session, plan, target)
    if demand_target is not None:
        write_output(session, demand, demand_target)
    return ThresholdSummary(plan, demand, target, demand_target)


#: Thresholds the web's planner offers (µg Hb/g): the band edges precomputed for it.
PLANNER_THRESHOLDS: tuple[float, ...] = (200.0, 150.0, 120.0, 100.0, 80.0, 60.0, 40.0, 20.0, 10.0)
#: The results files `write_results` writes, by name: results/fit_<name>.parquet.
RESULT_GROUPINGS: dict[str, tuple[str, ...]] = {
    "alliance": ("alliance_code",),
    "ccg": ("alliance_code", "ccg_code"),
    "month": ("alliance_code", "invitation_month"),
    "england_month": ("invitation_month",),
}
BANDS_BY = ("alliance_code", "screening_centre_code", "result_month")


def write_results(episodes: Any, folder: Path, settings: FitSettings = DEFAULT_SETTINGS) -> list[Path]:
    """The bowel screening results the web serves, from engine `episodes`: programme counts by each of
    RESULT_GROUPINGS and the band counts by alliance, centre and month of result at the planner's edges."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, by in RESULT_GROUPINGS.items():
        path = catalogue.path(folder, f"fit_{name}")
        write_table(counts_from(episodes, by, settings), path)
        written.append(path)
    path = catalogue.path(folder, "fit_bands")
    bands = band_counts(episodes, planning.edges(PLANNER_THRESHOLDS, settings), BANDS_BY, settings)
    write_table(collect(bands), path)
    written.append(path)
    return written


def symptomatic_table(counts: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """From `symptomatic.symptomatic_fds` counts: per group and FIT status the referrals, their share of
    the group's referrals (`share_of_referrals`), FDS total, within and performance with its Wilson 95%
    interval; plus a row per group with status `fit_recorded` (both recorded statuses together)."""
    from cancer_alliance.fit.symptomatic import AT_OR_ABOVE, BELOW, STATUSES
    from cancer_alliance.stats.intervals import wilson

    keys = list(by)
    recorded = counts[counts["fit_status"].isin([AT_OR_ABOVE, BELOW])]
    summed = (
        recorded.groupby(keys, dropna=False)[["referrals", "fds_total", "fds_within"]].sum().reset_index()
        if keys
        else recorded[["referrals", "fds_total", "fds_within"]].sum().to_frame().T
    )
    table = pd.concat([counts, summed.assign(fit_status="fit_recorded")], ignore_index=True)
    totals = counts.groupby(keys, dropna=False)["referrals"].sum() if keys else counts["referrals"].sum()
    group_total = table.set_index(keys).index.map(totals) if keys else totals
    table["share_of_referrals"] = table["referrals"] / pd.Series(group_total, index=table.index).astype(float)
    table["fds_performance"] = (table["fds_within"] / table["fds_total"]).where(table["fds_total"] > 0)
    lower, upper = wilson(table["fds_within"], table["fds_total"])
    table["fds_lower_95"], table["fds_upper_95"] = lower, upper
    order = {status: i for i, status in enumerate([*STATUSES, "fit_recorded"])}
    table = table.sort_values(
        [*keys, "fit_status"], key=lambda c: c.map(order) if c.name == "fit_status" else c
    )
    columns = [*keys, "fit_status", "referrals", "share_of_referrals", "fds_total", "fds_within",
               "fds_performance", "fds_lower_95", "fds_upper_95"]  # fmt: skip
    return table[columns].reset_index(drop=True)


def symptomatic_file(
    input: Path | str,
    output: Path | str,
    by: Sequence[str] = (),
    *,
    engine: EngineName | str | None = None,
    settings: FitSettings = DEFAULT_SETTINGS,
    profile: str | Path | None = None,
) -> pd.DataFrame:
    """Symptomatic FIT over the canonical CWT records in `input` (a local file, a URI or a table, read
    through mapping `profile` and evaluated by the CWT engine), written to `output` (a local path, a URI
    or on Spark a table)."""
    from cancer_alliance.cwt.evaluate import evaluate
    from cancer_alliance.cwt.files import read_records
    from cancer_alliance.fit.symptomatic import CARRY, symptomatic_fds

    target = output_location(output)
    session = open_engine(engine)
    check_engine(session, target)
    with tempfile.TemporaryDirectory(prefix="alliance-fit-") as scratch:
        records = read_records(session, input, Path(scratch), profile)
        try:
            counts = collect(symptomatic_fds(evaluate(records, carry=CARRY), by, settings))
        except ValueError as error:
            raise InputError(f"--by: {error}") from None
    table = symptomatic_table(counts, by)
    write_output(session, table, target)
    return table
