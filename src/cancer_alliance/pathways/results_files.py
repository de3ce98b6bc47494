"""`write_results`: the timed-pathway results the web serves (issue 12 items 4, 5 and 8), written by the
results pipeline (`alliance results refresh`) from the current `pathway_event` table, as of the census date.

Files under ALLIANCE_HOME/results (aggregates unless said otherwise):

- `pathway_milestones.parquet`: patient-level, one row per pathway and milestone
  (`milestones.TYPES` + `alliance_code`); the web reads it only through `Scope`.
- `pathway_next.parquet`: patient-level, per pathway with a milestone still to reach: the next one,
  the day it is due and whether any milestone is overdue (joined onto the PTL by `with_next_milestones`).
- `pathway_compliance.parquet`: compliance per level (alliance/trust), code, tumour and milestone,
  with Wilson intervals; `pathway_all_met.parquet`: the share meeting every milestone.
- `pathway_trend.parquet`: monthly compliance of the main milestones with Making Data Count SPC.
- `pathway_steps.parquet`: median and 90th percentile days of each step, allowed days, days lost.
- `pathway_bottleneck.parquet`: per trust (with its alliance) and tumour, the step losing most days.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cancer_alliance.pathways import metrics
from cancer_alliance.pathways.files import milestone_table
from cancer_alliance.pathways.settings import DEFAULT_SETTINGS, PathwaySettings

LEVELS = {"alliance": "alliance_code", "trust": "provider_code"}
#: The milestone columns the metrics and the next milestones read (the rest stay in Arrow).
METRIC_COLUMNS = (
    "pathway_id",
    "tumour",
    "milestone",
    "target_day",
    "day",
    "status",
    "sequence",
    "start_date",
    "provider_code",
    "due_date",
)
NEXT_COLUMNS = (
    "pathway_id",
    "pathway_tumour",
    "pathway_milestone",
    "pathway_milestone_due",
    "milestone_overdue",
)


def _by_level(compute: Any, frame: pd.DataFrame) -> pd.DataFrame:
    """`compute(frame, [group])` for each level, stacked with `level` and `code` first."""
    parts = []
    for level, column in LEVELS.items():
        part = compute(frame, [column]).rename(columns={column: "code"})
        part.insert(0, "level", level)
        parts.append(part[part["code"].notna() & (part["code"] != "")])
    return pd.concat(parts, ignore_index=True)


def next_milestones(frame: pd.DataFrame) -> pd.DataFrame:
    """Per pathway with a milestone still to reach (open or overdue): the first such milestone in
    definition order, its due date (day 0 + target) and whether any milestone is overdue."""
    waiting = frame[frame["status"].isin(["open", "overdue"])]
    if not _in_order(waiting):  # the pipeline's milestones come in this order already
        waiting = waiting.sort_values(["pathway_id", "sequence"])
    if waiting.empty:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in NEXT_COLUMNS})
    first = waiting.groupby("pathway_id", sort=False).head(1)
    overdue = waiting["status"].eq("overdue").groupby(waiting["pathway_id"], sort=False).any()
    return pd.DataFrame(
        {
            "pathway_id": first["pathway_id"].to_numpy(),
            "pathway_tumour": first["tumour"].to_numpy(),
            "pathway_milestone": first["milestone"].to_numpy(),
            "pathway_milestone_due": first["due_date"].to_numpy(),
            "milestone_overdue": overdue.loc[first["pathway_id"]].to_numpy(),
        }
    )


def _in_order(frame: pd.DataFrame) -> bool:
    """Whether the rows are by pathway and sequence (one row per pair), so that sorting keeps them."""
    ids, sequence = frame["pathway_id"].to_numpy(), frame["sequence"].to_numpy()
    return frame["pathway_id"].is_monotonic_increasing and bool(
        ((ids[1:] != ids[:-1]) | (sequence[1:] > sequence[:-1])).all()
    )


def write_results(
    events: Any, as_of: dt.date, folder: Path, settings: PathwaySettings = DEFAULT_SETTINGS
) -> list[Path]:
    """Evaluate `events` (an engine DataFrame of the `pathway_event` table) as of `as_of` and write
    the files of the module docstring into `folder`; returns their paths."""
    # Imported here: the catalogue takes NEXT_COLUMNS from this module.
    from cancer_alliance.results import catalogue

    folder.mkdir(parents=True, exist_ok=True)
    table = milestone_table(events, as_of, settings)
    # Only the columns the metrics read go to pandas; the patient-level file is written from Arrow.
    frame = metrics.prepare(table.select(list(METRIC_COLUMNS)).to_pandas())
    step_rows = metrics.steps(frame)
    counts = metrics.status_counts(frame)
    pathways = metrics.pathway_counts(frame)
    tables = {
        "pathway_next": next_milestones(frame),
        "pathway_compliance": _by_level(metrics.compliance, counts),
        "pathway_all_met": _by_level(metrics.all_met, pathways),
        "pathway_trend": _by_level(metrics.compliance_spc, counts),
        "pathway_steps": _by_level(lambda _, by: metrics.step_summary(step_rows, by), frame),
        "pathway_bottleneck": _bottleneck(step_rows),
    }
    path = catalogue.path(folder, "pathway_milestones")
    pq.write_table(_milestone_file(table, frame["alliance_code"]), path)
    written = [path]
    for name, result in tables.items():
        path = catalogue.path(folder, name)
        pq.write_table(pa.Table.from_pandas(result, preserve_index=False), path)
        written.append(path)
    return written


def _milestone_file(table: pa.Table, alliance_code: pd.Series) -> pa.Table:
    """The milestones with `alliance_code`, typed as pandas wrote them before (`day` a double: an
    integer column with blanks), without building the 2.8 million rows in pandas and back."""
    columns = {name: table.column(name) for name in table.column_names}
    columns["day"] = columns["day"].cast(pa.float64())
    columns["alliance_code"] = pa.array(alliance_code, type=pa.string(), from_pandas=True)
    return pa.table(columns)


def _bottleneck(step_rows: pd.DataFrame) -> pd.DataFrame:
    summary = metrics.step_summary(step_rows, ["alliance_code", "provider_code"])
    return metrics.bottleneck(summary, ["alliance_code", "provider_code"])


def with_next_milestones(ptl: pd.DataFrame, upcoming: pd.DataFrame) -> pd.DataFrame:
    """The PTL with each open lung, prostate or colorectal pathway's next milestone (`upcoming`, as
    `next_milestones`; record id = pathway id); other pathways get blanks and `milestone_overdue`
    false. The results pipeline's PTL step writes the joined table once (issue #19)."""
    ptl = ptl.drop(columns=[c for c in NEXT_COLUMNS[1:] if c in ptl.columns])
    joined = ptl.merge(upcoming.rename(columns={"pathway_id": "record_id"}), on="record_id", how="left")
    joined["milestone_overdue"] = joined["milestone_overdue"].astype("boolean").fillna(False).astype(bool)
    return joined
