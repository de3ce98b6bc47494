"""`report_file`: pathway events in, one metrics table out (the library function behind
`alliance pathways report`): the events are checked and evaluated as by `evaluate_file`, then
summarised by `metrics` (compliance, all-met, steps, bottleneck or SPC) by the groups asked for."""

from __future__ import annotations

import datetime as dt
import tempfile
from enum import StrEnum
from pathlib import Path

import pandas as pd

from cancer_alliance.engine import EngineName, open_engine
from cancer_alliance.engine.io import Location, check_engine, output_location, write_output
from cancer_alliance.errors import InputError
from cancer_alliance.pathways import metrics
from cancer_alliance.pathways.files import evaluate_frame, read_events
from cancer_alliance.pathways.settings import DEFAULT_SETTINGS, PathwaySettings


class View(StrEnum):
    compliance = "compliance"
    all_met = "all-met"
    steps = "steps"
    bottleneck = "bottleneck"
    spc = "spc"


def metric_table(frame: pd.DataFrame, view: View, by: list[str]) -> pd.DataFrame:
    """One metrics table from prepared milestone rows (`metrics.prepare`)."""
    if view == View.compliance:
        return metrics.compliance(frame, by)
    if view == View.all_met:
        return metrics.all_met(frame, by)
    if view == View.steps:
        return metrics.step_summary(metrics.steps(frame), by)
    if view == View.bottleneck:
        groups = by or ["provider_code"]
        return metrics.bottleneck(metrics.step_summary(metrics.steps(frame), groups), groups)
    return metrics.compliance_spc(frame, by)


def parse_groups(text: str) -> list[str]:
    groups = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in groups if name not in metrics.GROUPS]
    if unknown:
        raise InputError(f"--by: unknown group {', '.join(unknown)}; choose from {', '.join(metrics.GROUPS)}")
    return groups


def report_file(
    input: Path | str,
    view: View,
    by: list[str],
    *,
    as_of: dt.date | None = None,
    output: Path | str | Location | None = None,
    engine: EngineName | str | None = None,
    settings: PathwaySettings = DEFAULT_SETTINGS,
) -> tuple[pd.DataFrame, dt.date | None]:
    """The metrics table of the events in `input` and the as-of date used; the table is also written to
    `output` when given (a local path, a URI or on Spark a table)."""
    target = output_location(output) if output is not None else None
    session = open_engine(engine)
    if target is not None:
        check_engine(session, target)
    with tempfile.TemporaryDirectory(prefix="alliance-pathways-") as scratch:
        events, _ = read_events(session, input, Path(scratch))
        result, _, as_of = evaluate_frame(events, as_of, settings)
    table = metric_table(metrics.prepare(result.to_pandas()), view, by)
    if target is not None:
        write_output(session, table, target)
    return table, as_of
