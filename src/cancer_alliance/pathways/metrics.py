"""Timed-pathway metrics from the evaluated milestones (issue 12 item 4), on small aggregated tables
with pandas, as the statistics layer does (design.md, "Statistics"):

- `compliance`: per milestone and group (provider, alliance, tumour, month of day 0): counts of each
  status and compliance = met / (met + breached + overdue), with its Wilson 95% interval. `open`
  milestones are not yet decided and `not_applicable` ones never will be: both are left out of the
  denominator (DERIVED; docs/deviations.md).
- `all_met`: the share of decided pathways (no milestone open) meeting every applicable milestone.
- `steps`: per pathway, the step into each reached milestone from the previous reached one (or day 0):
  days taken, the days its targets allow (target minus the previous target) and the days lost
  (taken minus allowed; negative = days gained).
- `step_summary`: median and 90th percentile of days per step, the mean days lost (counting only
  losses) and the share of steps over their allowance; `bottleneck`: per group, the step losing most
  days against its target.
- `compliance_spc`: Making Data Count SPC of monthly compliance of the main (verified) milestones.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from cancer_alliance.reference import provider_alliance
from cancer_alliance.stats.intervals import wilson
from cancer_alliance.stats.spc import SpcOptions, spc

GROUPS = ("provider_code", "alliance_code", "tumour", "month")
STATUS_COUNTS = ("met", "breached", "overdue", "open", "not_applicable")
#: The main milestones: the verified targets (NHS England timed diagnostic pathways (2018)), charted with SPC.
MAIN_MILESTONES = (("lung", "ct"), ("lung", "first_treatment"), (None, "diagnosis_communicated"))
#: The column of `status_counts` holding the number of milestone rows.
ROWS = "rows"
#: The columns of `pathway_counts`: decided pathways, and those meeting every applicable milestone.
PATHWAY_COUNTS = ("pathways", "all_met")
#: A step needs this many pathways before it can be named a bottleneck (small numbers mislead).
MIN_STEPS_FOR_BOTTLENECK = 5


def prepare(milestones: pd.DataFrame, alliance_version: str = "2018/19") -> pd.DataFrame:
    """Milestone rows (columns of `milestones.TYPES`) with `alliance_code` (of the provider of day 0)
    and `month` (YYYY-MM of day 0) added."""
    frame = milestones.copy()
    mapping = provider_alliance(alliance_version)
    frame["alliance_code"] = frame["provider_code"].map(mapping)
    codes, days = pd.factorize(frame["start_date"])  # a few hundred distinct days: format each once
    months = np.array([pd.Timestamp(day).strftime("%Y-%m") for day in days] + [None], dtype=object)
    frame["month"] = months[codes]
    return frame


def _check(frame: pd.DataFrame, by: Sequence[str]) -> list[str]:
    unknown = [name for name in by if name not in GROUPS]
    if unknown:
        raise ValueError(f"unknown group {', '.join(unknown)}; choose from {', '.join(GROUPS)}")
    missing = [name for name in by if name not in frame.columns]
    if missing:
        raise ValueError(f"call prepare() first: no column {', '.join(missing)}")
    return list(by)


def _with_rate(table: pd.DataFrame, numerator: str, denominator: str, name: str) -> pd.DataFrame:
    lower, upper = wilson(table[numerator], table[denominator])
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(table[denominator] > 0, table[numerator] / table[denominator], np.nan)
    return table.assign(**{name: rate, f"{name}_lower_95": lower, f"{name}_upper_95": upper})


def status_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Milestone rows (after `prepare`) counted per group of every kind (blank for none), tumour,
    milestone, sequence and status, in column `ROWS`: what `compliance` and `compliance_spc` count,
    counted once for every grouping (each then sums a few thousand rows, not millions)."""
    _check(frame, GROUPS)
    keys = [*GROUPS, "milestone"]
    groups = [frame[k].fillna("") for k in keys] + [frame["sequence"], frame["status"]]
    counts = frame.groupby(groups, sort=False, observed=True).size()
    return counts.rename(ROWS).reset_index()


def compliance(frame: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """One row per group, tumour and milestone (in definition order): the status counts, `decided`
    and `compliance` with its Wilson interval. `frame`: milestone rows, or their `status_counts`."""
    by = _check(frame, by)
    keys = [*by, *(["tumour"] if "tumour" not in by else []), "milestone"]
    # A count per group and status, one column per status: the groups present, in the order of their
    # keys and sequence (a cross-tabulation, without building every combination of the keys).
    groups = [frame[k].fillna("") for k in keys] + [frame["sequence"]]
    grouped = frame.groupby([*groups, frame["status"]], sort=True, observed=True)
    counts = grouped[ROWS].sum() if ROWS in frame.columns else grouped.size()
    counts = counts.unstack("status", fill_value=0).reset_index()
    for status in STATUS_COUNTS:
        if status not in counts.columns:
            counts[status] = 0
    counts["decided"] = counts["met"] + counts["breached"] + counts["overdue"]
    table = counts[[*keys, "sequence", *STATUS_COUNTS, "decided"]]
    table = table.sort_values([*keys[:-1], "sequence"], kind="stable").reset_index(drop=True)
    table.columns.name = None
    return _with_rate(table, "met", "decided", "compliance")


def pathway_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Decided pathways (no milestone open) and those meeting every applicable milestone, counted per
    group of every kind and tumour (columns `PATHWAY_COUNTS`): what `all_met` counts, found once for
    every grouping. `frame`: milestone rows after `prepare`."""
    return _decided_pathways(frame, _check(frame, GROUPS))


def all_met(frame: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Per group and tumour: decided pathways (no milestone open), those meeting every applicable
    milestone, and the share with its Wilson interval. `frame`: milestone rows, or their
    `pathway_counts`."""
    by = _check(frame, by)
    keys = [*by, *(["tumour"] if "tumour" not in by else [])]
    if all(column in frame.columns for column in PATHWAY_COUNTS):
        grouped = frame.groupby(keys, dropna=False)
        table = grouped.agg(pathways=("pathways", "sum"), all_met=("all_met", "sum")).reset_index()
    else:
        table = _decided_pathways(frame, keys)
    table["all_met"] = table["all_met"].astype(int)
    return _with_rate(table, "all_met", "pathways", "share_all_met")


def _decided_pathways(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per group of `keys` (tumour among them), the decided pathways and those meeting every milestone."""
    pathway, _ = pd.factorize(frame["pathway_id"])
    per = pd.DataFrame(
        {
            "pathway": pathway,
            "is_open": frame["status"].eq("open").to_numpy(),
            "missed": frame["status"].isin(["breached", "overdue"]).to_numpy(),
        }
    ).groupby("pathway", sort=False)
    flags = per.agg(is_open=("is_open", "max"), missed=("missed", "max"))
    first = pd.Series(np.arange(len(frame))).groupby(pathway, sort=False).first()
    pathways = frame.iloc[first.to_numpy()][["pathway_id", *keys]].reset_index(drop=True)
    pathways["is_open"] = flags["is_open"].to_numpy()
    pathways["missed"] = flags["missed"].to_numpy()
    decided = pathways[~pathways["is_open"]]
    return (
        decided.assign(all_met=~decided["missed"])
        .groupby(keys, dropna=False)
        .agg(pathways=("pathway_id", "size"), all_met=("all_met", "sum"))
        .reset_index()
    )


def steps(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per pathway and step between consecutive milestones of its definition that were both
    reached and apply (the first step runs from day 0): `step` ("<previous> to <milestone>"), `days`
    taken, `allowed` (its target less the previous one's), `lost` (days - allowed; negative = days
    gained) and the pathway's groups. A step whose earlier milestone was not reached is not counted."""
    keep = [c for c in ("provider_code", "alliance_code", "month") if c in frame.columns]
    # Row positions and numpy arrays throughout; the string columns are copied once, for the rows kept.
    rows = np.flatnonzero((frame["day"].notna() & (frame["status"] != "not_applicable")).to_numpy())
    pathway, _ = pd.factorize(frame["pathway_id"].to_numpy()[rows])
    order = np.lexsort((frame["sequence"].to_numpy()[rows], pathway))
    rows, pathway = rows[order], pathway[order]
    sequence = frame["sequence"].to_numpy()[rows]
    day = frame["day"].to_numpy(dtype="float64")[rows]
    target = frame["target_day"].to_numpy(dtype="float64")[rows]
    consecutive = np.zeros(len(rows), dtype=bool)  # the previous row is the same pathway's previous milestone
    consecutive[1:] = (pathway[1:] == pathway[:-1]) & (sequence[1:] == sequence[:-1] + 1)
    chosen = consecutive | (sequence == 1)
    previous_day = np.where(consecutive, np.roll(day, 1), 0.0)
    previous_target = np.where(consecutive, np.roll(target, 1), 0.0)
    days = (day - previous_day)[chosen]
    allowed = (target - previous_target)[chosen]
    rows = rows[chosen]
    columns = ("pathway_id", "tumour", *keep, "sequence")
    picked = {c: frame[c].take(rows).reset_index(drop=True) for c in columns}
    return pd.DataFrame(
        {
            **picked,
            "step": _step_names(frame, picked["tumour"], picked["sequence"]),
            "days": days.astype("int64"),
            "allowed": allowed.astype("int64"),
            "lost": (days - allowed).astype("int64"),
        }
    )


def _step_names(frame: pd.DataFrame, tumour: pd.Series, sequence: pd.Series) -> np.ndarray:
    """ "<previous milestone> to <milestone>" of each step's tumour and sequence (the first from "day
    0"), looked up from the few distinct milestones rather than built row by row."""
    names = frame[["tumour", "sequence", "milestone"]].drop_duplicates()
    lookup = dict(zip(zip(names["tumour"], names["sequence"], strict=True), names["milestone"], strict=True))
    labels = {
        (tumour, sequence): f"{lookup.get((tumour, sequence - 1), 'day 0')} to {name}"
        for (tumour, sequence), name in lookup.items()
    }
    if tumour.empty:
        return np.array([], dtype=object)
    # One integer per (tumour, sequence) pair, factorized: no tuple per row.
    tumour_code, tumours = pd.factorize(tumour, use_na_sentinel=False)
    offset = sequence.to_numpy(dtype="int64") - int(sequence.min())
    width = int(offset.max()) + 1
    pair, pairs = pd.factorize(tumour_code.astype("int64") * width + offset)
    found = [labels[(tumours[p // width], int(p % width) + int(sequence.min()))] for p in pairs]
    return np.array(found, dtype=object)[pair]


def step_summary(step_rows: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Per group, tumour and step: pathways, median and 90th percentile days, allowed days, the
    mean days lost per pathway (losses only; gains count as 0) and the share over the allowance."""
    by = list(by)
    keys = [*by, *(["tumour"] if "tumour" not in by else []), "step"]
    rows = step_rows.assign(loss=step_rows["lost"].clip(lower=0), over=step_rows["lost"] > 0)
    grouped = rows.groupby(keys, dropna=False, sort=False)
    table = grouped.agg(
        sequence=("sequence", "min"),
        pathways=("days", "size"),
        median_days=("days", "median"),
        p90_days=("days", lambda d: float(np.quantile(d, 0.9))),
        allowed=("allowed", "median"),
        mean_days_lost=("loss", "mean"),
        share_over=("over", "mean"),
    ).reset_index()
    return table.sort_values([*keys[:-1], "sequence"], kind="stable").reset_index(drop=True)


def bottleneck(summary: pd.DataFrame, by: Sequence[str] = ("provider_code",)) -> pd.DataFrame:
    """Per group and tumour, the step with the most mean days lost against its allowance (steps with
    fewer than MIN_STEPS_FOR_BOTTLENECK pathways are not named); groups losing nothing are left out."""
    keys = [*by, *(["tumour"] if "tumour" not in by else [])]
    eligible = summary[(summary["pathways"] >= MIN_STEPS_FOR_BOTTLENECK) & (summary["mean_days_lost"] > 0)]
    if eligible.empty:
        return eligible.reset_index(drop=True)
    ranked = eligible.sort_values(
        [*keys, "mean_days_lost", "sequence"], ascending=[True] * len(keys) + [False, True]
    )
    return ranked.groupby(keys, dropna=False, sort=True).head(1).reset_index(drop=True)


def compliance_spc(frame: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """SPC (Making Data Count, improvement = increase) of monthly compliance of each main milestone,
    one series per group: columns of `compliance` by month plus the SPC point columns."""
    monthly = compliance(frame, [*by, "month"])
    main = np.zeros(len(monthly), dtype=bool)
    for tumour, milestone in MAIN_MILESTONES:
        main |= (monthly["milestone"] == milestone) & (
            True if tumour is None else (monthly["tumour"] == tumour)
        )
    chosen = monthly[main & (monthly["decided"] > 0)].copy()
    series = [*by, "tumour", "milestone"] if "tumour" not in by else [*by, "milestone"]
    return spc(chosen, SpcOptions(), x="month", y="compliance", series=series)
