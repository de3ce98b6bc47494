"""What the bowel screening (FIT) pages show, from the precomputed FIT results (`fit.files.write_results`);
no I/O. What the viewer may see comes from `fit.published` (counts under the policy, every rate and
interval from them); funnels are worked out here from those published counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cancer_alliance.fit import planning
from cancer_alliance.fit.metrics import RATES as FIT_RATES
from cancer_alliance.fit.rules import COUNT_COLUMNS
from cancer_alliance.fit.settings import DEFAULT_SETTINGS, FitSettings
from cancer_alliance.stats.charts import funnel_chart, spc_chart
from cancer_alliance.stats.funnel import funnel, funnel_curve
from cancer_alliance.web.presenters.charts import SCHEMA, funnel_flag_label
from cancer_alliance.web.presenters.formatting import (
    WITHHELD,
    count,
    format_month,
    is_missing,
    limit_percent,
    percent,
)

#: The rates a page lists, with their labels (fractions unless per 1,000).
RATE_LABELS = {
    "uptake": "Uptake (screened of invited)",
    "positivity": "Positivity (positive of screened)",
    "conversion": "Conversion (investigated of positive)",
    "ppv_cancer": "PPV for cancer (cancers of investigated)",
    "ppv_hra": "PPV for high-risk adenoma",
    "cancer_detection_per_1000": "Cancers detected per 1,000 screened",
}
COUNT_LABELS = {
    "invited": "Invited",
    "screened": "Screened (result within 183 days)",
    "positive": "Positive",
    "investigated": "Investigated (colonoscopy or CT colonography)",
    "cancers": "Cancers",
    "high_risk_adenomas": "High-risk adenomas",
}
YIELD_SOURCE_TEXT = {
    planning.OBSERVED: "Observed",
    planning.NOT_ESTIMATED: "Not estimated: no referrals in a band below and no stated assumption",
}


def rate_text(value: Any, per_1000: bool = False) -> str:
    if is_missing(value):
        return ""
    return f"{value:.2f}" if per_1000 else percent(value)


def interval_text(lower: Any, upper: Any, per_1000: bool = False) -> str:
    if is_missing(lower) or is_missing(upper):
        return ""
    return f"{rate_text(lower, per_1000)} to {rate_text(upper, per_1000)}"


@dataclass(frozen=True)
class MetricRow:
    label: str
    value: str
    interval: str


def metric_rows(row: Mapping[str, Any]) -> list[MetricRow]:
    """The counts, then each rate with its Wilson 95% interval, then the median days to test; a
    withheld count, and a rate over one, show `[c]`."""

    def withheld(*names: str) -> bool:
        return any(bool(row.get(f"{name}_suppressed")) for name in names)

    rows = [
        MetricRow(label, count(row[name]) or (WITHHELD if withheld(name) else ""), "")
        for name, label in COUNT_LABELS.items()
    ]
    parts = {rate: (numerator, denominator) for rate, numerator, denominator, _ in FIT_RATES}
    for name, label in RATE_LABELS.items():
        per_1000 = name == "cancer_detection_per_1000"
        rows.append(
            MetricRow(
                label,
                rate_text(row[name], per_1000) or (WITHHELD if withheld(*parts[name]) else ""),
                interval_text(row[f"{name}_lower_95"], row[f"{name}_upper_95"], per_1000),
            )
        )
    days = row.get("median_days_result_to_test")
    rows.append(MetricRow("Median days from result to test", "" if is_missing(days) else f"{days:g}", ""))
    return rows


def standard_tags(
    row: Mapping[str, Any], on: dt.date, settings: FitSettings = DEFAULT_SETTINGS
) -> list[dict]:
    """Each standard in force on `on` against the row: value, target, a met tag and the source."""
    found = []
    standard = settings.standard("uptake_acceptable", on)
    if standard is not None:
        value = row[standard.metric]
        met = None if is_missing(value) else standard.met(float(value))
        found.append(
            {
                "title": f"Uptake, {standard.level} standard",
                "value": rate_text(value),
                "target": percent(standard.target, 0),
                "tag": {"text": "No data", "classes": "nhsuk-tag--grey"}
                if met is None
                else {"text": "Met", "classes": "nhsuk-tag--green"}
                if met
                else {"text": "Not met", "classes": "nhsuk-tag--red"},
                "source": standard.source,
            }
        )
    return found


def ccg_funnel(all_ccgs: pd.DataFrame, names: Mapping[str, str]) -> tuple[pd.DataFrame, float]:
    """Every CCG's positivity against its screened count, flagged against England's funnel."""
    table, p0 = funnel(all_ccgs.dropna(subset=["ccg_code"]), "positive", "screened")
    return table.assign(name=table["ccg_code"].map(lambda c: names.get(c, c))), p0


def ccg_funnel_spec(table: pd.DataFrame, p0: float, highlight: Sequence[str], title: str) -> dict | None:
    units = table[table["proportion"].notna()].rename(columns={"screened": "denominator"})
    if units.empty or np.isnan(p0):
        return None
    units = units.assign(ccg=units["name"])
    low, high = float(units["denominator"].min()), float(units["denominator"].max())
    curve = funnel_curve(p0, high, min_denominator=max(low * 0.8, 1.0))
    chosen = set(highlight)
    chart = funnel_chart(
        units,
        curve,
        label="ccg",
        title=title,
        highlight=[n for c, n in zip(units["ccg_code"], units["name"], strict=True) if c in chosen],
        x_title="People screened",
        y_title="Positivity",
    )
    return {**chart.spec, "$schema": SCHEMA}


def ccg_rows(table: pd.DataFrame) -> list[dict[str, str]]:
    return [
        {
            "code": row["ccg_code"],
            "name": row["name"],
            "invited": count(row["invited"]),
            "screened": count(row["screened"]),
            "uptake": rate_text(row["uptake"]),
            "uptake_interval": interval_text(row["uptake_lower_95"], row["uptake_upper_95"]),
            "positivity": rate_text(row["positivity"]),
            "flag": funnel_flag_label(row.get("funnel_flag")),
        }
        for row in table.sort_values("name").to_dict("records")
    ]


def spc_spec(
    points: pd.DataFrame, found: dict, title: str, y_title: str, target: float | None
) -> dict | None:
    if points.empty:
        return None
    chart = spc_chart(points, found, title=title, y_title=y_title, target=target, percent=True)
    return {**chart.spec, "$schema": SCHEMA}


def spc_table_rows(points: pd.DataFrame, months: pd.DataFrame, rate: str) -> list[dict[str, str]]:
    merged = months.merge(
        points[["invitation_month", "mean", "lpl", "upl", "point_type"]], on="invitation_month", how="left"
    )
    return [
        {
            "month": format_month(row["invitation_month"]),
            "invited": count(row["invited"]),
            "value": rate_text(row[rate]),
            "mean": rate_text(row["mean"]),
            "lpl": limit_percent(row["lpl"]),
            "upl": limit_percent(row["upl"]),
            "point": "" if is_missing(row["point_type"]) else str(row["point_type"]).replace("_", " "),
        }
        for row in merged.sort_values("invitation_month").to_dict("records")
    ]


def yield_source_text(source: str, settings: FitSettings = DEFAULT_SETTINGS) -> str:
    if source in YIELD_SOURCE_TEXT:
        return YIELD_SOURCE_TEXT[source]
    ids = source.removeprefix("assumed:").split("+")
    # Named as the assumptions table below the plan names them: "Stated assumption N", never the id.
    named = {a.assumption_id: (n, a) for n, a in enumerate(settings.yield_assumptions, start=1)}
    return "Assumed below the observed bands: " + "; ".join(
        f"stated assumption {named[i][0]} (+{named[i][1].cancer_increase:.0%} cancers,"
        f" {named[i][1].band_lower:g} to {named[i][1].band_upper:g} µg/g)"
        if i in named
        else "a stated assumption"
        for i in ids
    )


def plan_rows(plan: pd.DataFrame) -> list[dict[str, str]]:
    return [
        {
            "threshold": f"{row['threshold']:g}",
            "screened": count(row["screened"]),
            "positive": count(row["positive"]),
            "positivity": rate_text(row["positivity"]),
            "colonoscopies": count(row["colonoscopies"]),
            "cancers": count(row["cancers"]),
            "high_risk_adenomas": count(row["high_risk_adenomas"]),
            "yield_source": yield_source_text(row["yield_source"]),
        }
        for row in plan.to_dict("records")
    ]


def demand_by_month(demand: pd.DataFrame, slots: float | None) -> pd.DataFrame:
    """Positives and colonoscopies per threshold and month of result, over the alliance's centres, with
    the monthly slots given and the shortfall (demand - slots)."""
    table = demand.groupby(["threshold", "month"], as_index=False)[["positive", "colonoscopies"]].sum()
    table["slots"] = slots if slots is not None else np.nan
    table["shortfall"] = table["colonoscopies"] - table["slots"]
    return table.sort_values(["threshold", "month"], ascending=[False, True]).reset_index(drop=True)


def demand_rows(table: pd.DataFrame) -> list[dict[str, str]]:
    return [
        {
            "threshold": f"{row['threshold']:g}",
            "month": format_month(row["month"]),
            "colonoscopies": count(row["colonoscopies"]),
            "slots": count(row["slots"]),
            "shortfall": "" if is_missing(row["shortfall"]) else f"{row['shortfall']:+,.0f}",
        }
        for row in table.to_dict("records")
    ]


def demand_spec(table: pd.DataFrame, slots: float | None, title: str) -> dict | None:
    """Demand by month as one line per threshold, with the slots as a dashed line."""
    if table.empty:
        return None
    values = [
        {
            "month": row["month"],
            "threshold": f"{row['threshold']:g} µg/g",
            "colonoscopies": row["colonoscopies"],
        }
        for row in table.to_dict("records")
    ]
    layers: list[dict[str, Any]] = [
        {
            "data": {"values": values},
            "mark": {"type": "line", "point": True},
            "encoding": {
                "x": {"field": "month", "type": "ordinal", "title": "Month of result"},
                "y": {"field": "colonoscopies", "type": "quantitative", "title": "Colonoscopies"},
                "color": {"field": "threshold", "type": "nominal", "title": "Threshold"},
            },
        }
    ]
    if slots is not None:
        layers.append(
            {
                "data": {"values": [{"slots": slots}]},
                "mark": {"type": "rule", "strokeDash": [6, 4], "color": "#d5281b"},
                "encoding": {"y": {"field": "slots", "type": "quantitative"}},
            }
        )
    return {
        "$schema": SCHEMA,
        "title": title,
        "description": f"{title}: expected colonoscopies by month at each threshold"
        + (" against the monthly slots" if slots is not None else ""),
        "width": "container",
        "height": 280,
        "layer": layers,
    }


def counts_only(frame: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """The count columns (and median) of a results file, for `controlled`."""
    return frame.loc[:, [*by, *COUNT_COLUMNS, "median_days_result_to_test"]]
