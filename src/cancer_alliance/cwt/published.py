"""CWT performance as a viewer may see it: the one place that turns performance tables into published
figures (docs/decisions/0035). Pages, the API and the board pack read these and never control or
compute a published figure themselves.

- Counts (`total`, `within`, `breaches`) pass `stats.disclosure.publish`; the rate and
  `meets_threshold` follow the published counts, so a rate is shown exactly when its counts are.
- SPC (Making Data Count XmR) is worked out only over exact counts. Published counts are rounded to 5
  or withheld, and limits over rounded points show signals that are not in the data (a series of
  82.4% rounds to 15 of 15, 100%, every month: mean = limits, "special cause improvement"). NHS
  England's Making Data Count guidance reads SPC as a statement about the process, so for a viewer
  who gets published counts the SPC and assurance icons are withheld, with `SPC_WITHHELD` as the
  reason. Showing SPC only when every rounded count happened to be exact would itself tell the viewer
  the counts are exact, so the rule does not look at the values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from cancer_alliance.stats.disclosure import DisclosurePolicy, Rate, publish
from cancer_alliance.stats.spc import small_numbers
from cancer_alliance.stats.spc.cwt import cwt_spc

PERFORMANCE = Rate(name="performance", numerator="within", denominator="total")
SPC_COLUMNS = ["mean", "lpl", "upl", "point_type"]

#: Why a viewer who gets published counts sees no SPC (shown on pages and in the board pack).
SPC_WITHHELD = (
    "Statistical process control is not shown on published figures: the monthly counts are rounded to "
    "the nearest 5 or withheld, and process limits worked out from rounded counts would show signals "
    "that are not in the data. Signed-in NHS users see it over the exact counts."
)


def publish_performance(frame: pd.DataFrame, policy: DisclosurePolicy | None = None) -> pd.DataFrame:
    """Performance rows safe to publish; `performance` and `meets_threshold` follow the published
    counts (null where a count is withheld).

    `breaches` is not controlled as a count of its own but derived from the published `total` and
    `within` (withheld unless their difference is above the threshold): rounded on its own, its
    withheld range (1 to 7) together with a period total pins other withheld counts (a month of 1
    patient, 0 within, beside a month of 13 with 7 within, gives the 1 away;
    tests/stats/test_published_rules.py found it)."""
    policy = policy or DisclosurePolicy()
    out = publish(frame, [c for c in ("total", "within") if c in frame], [PERFORMANCE], policy)
    if "breaches" in frame:
        difference = out["total"] - out["within"]
        shown = (difference > policy.suppress_up_to) | (out["total"] == 0) | (not policy.enabled)
        out["breaches"] = difference.where(shown)
        out.insert(out.columns.get_loc("breaches") + 1, "breaches_suppressed", ~shown)
    if {"meets_threshold", "threshold"} <= set(out.columns):
        known = out["performance"].notna() & out["threshold"].notna()
        out["meets_threshold"] = (out["performance"] >= out["threshold"]).where(known)
    return out


def as_seen(frame: pd.DataFrame, policy: DisclosurePolicy | None) -> pd.DataFrame:
    """A performance table as a viewer sees it: exact when `policy` is None, published otherwise."""
    return frame if policy is None else publish_performance(frame, policy)


#: Counts summed over months or groups; rates over several months come from summed counts, never
#: averaged, as NHS England publishes quarterly and annual figures.
SUMMED = ["total", "within", "breaches"]


def period_totals(frame: pd.DataFrame, by: Sequence[str], standard_id: str) -> pd.DataFrame:
    """One row per group: summed counts over all months in `frame` and the rate they give."""
    rows = frame[frame["standard_id"] == standard_id]
    grouped = rows.groupby(list(by), dropna=False)[SUMMED].sum().reset_index()
    grouped["performance"] = grouped["within"] / grouped["total"].where(grouped["total"] > 0)
    threshold = rows["threshold"].dropna()
    grouped["threshold"] = threshold.iloc[-1] if not threshold.empty else None
    return grouped


def monthly(frame: pd.DataFrame, standard_id: str) -> pd.DataFrame:
    """One row per reporting month for a standard (counts summed over any other groups)."""
    rows = frame[frame["standard_id"] == standard_id]
    grouped = rows.groupby("reporting_month")[SUMMED].sum().reset_index().sort_values("reporting_month")
    grouped["performance"] = grouped["within"] / grouped["total"].where(grouped["total"] > 0)
    thresholds = rows.groupby("reporting_month")["threshold"].max()
    grouped["threshold"] = grouped["reporting_month"].map(thresholds)
    return grouped.reset_index(drop=True)


def by_standard(frame: pd.DataFrame, month: str) -> pd.DataFrame:
    """One row per standard for one month (`frame` already narrowed to one organisation)."""
    rows = frame[frame["reporting_month"] == month]
    grouped = rows.groupby("standard_id")[SUMMED].sum()
    grouped["performance"] = grouped["within"] / grouped["total"].where(grouped["total"] > 0)
    grouped["threshold"] = rows.groupby("standard_id")["threshold"].max()
    return grouped.reset_index()


@dataclass(frozen=True)
class TrendSpc:
    """A monthly series with its Making Data Count XmR figures (`stats.spc.cwt.cwt_spc`: higher is
    better, the standard's latest threshold as the target). `table` is the series as the viewer sees it
    with the SPC columns (null where not computed); `withheld_reason` says why there is no SPC at all."""

    table: pd.DataFrame
    points: pd.DataFrame
    variation_type: str | None
    variation_icon: str | None
    assurance_type: str | None
    threshold: float | None
    withheld_reason: str | None = None
    #: The small-number caution (`stats.spc.small_numbers.caution`), None when no month is small.
    caution: str | None = None


def trend_spc(
    trend: pd.DataFrame, standard_id: str, level: str, code: str, policy: DisclosurePolicy | None
) -> TrendSpc:
    """SPC of one organisation's exact monthly series `trend` (from `presenters.performance.monthly`),
    as the viewer under `policy` may see it (None: exact, with SPC)."""
    thresholds = trend["threshold"].dropna()
    threshold = float(thresholds.iloc[-1]) if not thresholds.empty else None
    if policy is not None and policy.enabled:
        table = publish_performance(trend, policy).assign(**{c: None for c in SPC_COLUMNS})
        return TrendSpc(table, pd.DataFrame(columns=SPC_COLUMNS), None, None, None, threshold, SPC_WITHHELD)
    series = trend.assign(standard_id=standard_id, **{level: code})
    minimum = small_numbers.min_patients()
    points, summaries = cwt_spc(series, level, min_patients=minimum)
    points = points.assign(point_type=points["point_type"].astype(str))
    table = trend.merge(points[["reporting_month", *SPC_COLUMNS]], on="reporting_month", how="left")
    first = summaries.iloc[0] if len(summaries) else None
    return TrendSpc(
        table=table,
        points=points,
        variation_type=None if first is None else first["variation_type"],
        variation_icon=None if first is None else first["variation_icon"],
        assurance_type=None if first is None else first["assurance_type"],
        threshold=threshold,
        caution=small_numbers.caution(trend.loc[trend["performance"].notna(), "total"], minimum),
    )
