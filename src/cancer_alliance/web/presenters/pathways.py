"""What the timed-pathways pages show (issue 12 item 8), from the precomputed aggregates
(`pathways.results_files`): compliance by milestone, where the days are lost (steps), the bottleneck
and the monthly trend of a main milestone with SPC. No I/O; the public gets counts after disclosure
control (`publish`), and every rate and interval recomputed from the published counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from cancer_alliance.pathways import default_definitions
from cancer_alliance.stats.charts import spc_chart
from cancer_alliance.web.presenters.formatting import (
    WITHHELD,
    count,
    format_month,
    is_missing,
    limit_percent,
    percent,
)
from cancer_alliance.web.presenters.ptl import milestone_name

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"  # an identifier only; nothing is fetched
TUMOURS = {"lung": "Lung", "prostate": "Prostate", "colorectal": "Colorectal"}


def _targets() -> dict[tuple[str, str], tuple[int, bool]]:
    """(tumour, milestone) -> (target day, verified) of the definitions in force now."""
    found: dict[tuple[str, str], tuple[int, bool]] = {}
    for definition in sorted(default_definitions(), key=lambda d: str(d.effective_from)):
        for milestone in definition.milestones:
            found[(definition.tumour, milestone.name)] = (milestone.target_day, milestone.verified)
    return found


@dataclass(frozen=True)
class ComplianceRow:
    tumour: str
    milestone: str
    target: str
    met: str
    decided: str
    compliance: str
    interval: str
    open: str


def compliance_rows(table: pd.DataFrame) -> list[ComplianceRow]:
    targets = _targets()
    rows = []
    for row in table.to_dict("records"):
        day, verified = targets.get((row["tumour"], row["milestone"]), (None, False))
        interval = (
            f"{percent(row['compliance_lower_95'])} to {percent(row['compliance_upper_95'])}"
            if pd.notna(row["compliance_lower_95"])
            else ""
        )
        rows.append(
            ComplianceRow(
                tumour=TUMOURS.get(row["tumour"], row["tumour"]),
                milestone=milestone_name(row["milestone"]),
                target="" if day is None else f"day {day}" + ("" if verified else " (unverified)"),
                met=count(row["met"]) if pd.notna(row["met"]) else WITHHELD,
                decided=count(row["decided"]) if pd.notna(row["decided"]) else WITHHELD,
                compliance=percent(row["compliance"]),
                interval=interval,
                open=count(row["open"]) if pd.notna(row["open"]) else "",
            )
        )
    return rows


@dataclass(frozen=True)
class StepRow:
    tumour: str
    step: str
    pathways: str
    median: str
    p90: str
    allowed: str
    lost: str


def _step_name(step: str) -> str:
    before, _, after = step.partition(" to ")
    return f"{'Day 0' if before == 'day 0' else milestone_name(before)} to {milestone_name(after)}"


def step_rows(table: pd.DataFrame) -> list[StepRow]:
    """One row a step; a withheld count of pathways withholds its day figures too ([c], not blank)."""

    def days(row: dict, column: str, form: str) -> str:
        if pd.isna(row["pathways"]):
            return WITHHELD
        return format(row[column], form) if pd.notna(row[column]) else ""

    return [
        StepRow(
            tumour=TUMOURS.get(row["tumour"], row["tumour"]),
            step=_step_name(row["step"]),
            pathways=count(row["pathways"]) if pd.notna(row["pathways"]) else WITHHELD,
            median=days(row, "median_days", "g"),
            p90=days(row, "p90_days", "g"),
            allowed=f"{row['allowed']:g}",
            lost=days(row, "mean_days_lost", ".1f"),
        )
        for row in table.to_dict("records")
    ]


def steps_chart(table: pd.DataFrame, organisation: str) -> dict[str, Any] | None:
    """Bars of the mean days lost against the target in each step, the steps of each tumour together
    and coloured by tumour: where the days are lost. One view as wide as its container (a faceted
    chart cannot follow its container, and at 655 px it was wider than a phone); long step names are
    shortened on the axis and given whole in the tooltip and the table below. None when there is
    nothing to draw. The organisation is the title's second line, so a long trust name is not cut off."""
    data = table[table["mean_days_lost"].notna()]
    if data.empty:
        return None
    values = [
        {
            "tumour": TUMOURS.get(row["tumour"], row["tumour"]),
            "step": _step_name(row["step"]),
            "bar": f"{TUMOURS.get(row['tumour'], row['tumour'])}: {_step_name(row['step'])}",
            "order": int(row["sequence"]),
            "lost": round(float(row["mean_days_lost"]), 2),
        }
        for row in data.sort_values(["tumour", "sequence"]).to_dict("records")
    ]
    return {
        "$schema": SCHEMA,
        "title": {
            "text": "Where the days are lost",
            "subtitle": organisation,
            "anchor": "start",
            "frame": "bounds",
        },
        "description": (
            f"Where the days are lost, {organisation}: mean days lost against the target in each step, "
            "by tumour."
        ),
        "width": "container",
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {
                "field": "bar",
                "type": "nominal",
                "sort": None,
                "title": None,
                "axis": {"labelLimit": 150},
            },
            "x": {"field": "lost", "type": "quantitative", "title": "Mean days lost per pathway"},
            "color": {
                "field": "tumour",
                "type": "nominal",
                "title": "Tumour",
                "scale": {"range": ["#005eb8", "#ae2573", "#007f3b"]},  # NHS blue, dark pink, green
                "legend": {"orient": "top"},
            },
            "tooltip": [
                {"field": "tumour", "type": "nominal", "title": "Tumour"},
                {"field": "step", "type": "nominal", "title": "Step"},
                {"field": "lost", "type": "quantitative", "format": ".1f", "title": "Mean days lost"},
            ],
        },
    }


@dataclass(frozen=True)
class BottleneckRow:
    provider: str
    tumour: str
    step: str
    lost: str
    pathways: str


def bottleneck_rows(table: pd.DataFrame, names: dict[str, str]) -> list[BottleneckRow]:
    return [
        BottleneckRow(
            provider=f"{names.get(row['provider_code'], row['provider_code'])} ({row['provider_code']})",
            tumour=TUMOURS.get(row["tumour"], row["tumour"]),
            step=_step_name(row["step"]),
            lost=f"{row['mean_days_lost']:.1f}" if pd.notna(row["mean_days_lost"]) else WITHHELD,
            pathways=count(row["pathways"]) if pd.notna(row["pathways"]) else WITHHELD,
        )
        for row in table.to_dict("records")
    ]


@dataclass(frozen=True)
class TrendRow:
    month: str
    met: str
    decided: str
    compliance: str
    mean: str
    limits: str
    point: str


def trend_points(table: pd.DataFrame) -> pd.DataFrame:
    """The SPC table in the chart's columns (x as a month start date, y the compliance)."""
    points = table.assign(x=pd.to_datetime(table["month"] + "-01"), y=table["compliance"])
    return points.sort_values("x")


def trend_chart(table: pd.DataFrame, title: str) -> dict[str, Any] | None:
    points = trend_points(table)
    if points["y"].notna().sum() == 0:
        return None
    chart = spc_chart(
        points,
        {"variation_icon": None, "assurance_type": None},
        title=title,
        y_title="Milestone met",
        percent=True,
    )
    return {**chart.spec, "$schema": SCHEMA}


def trend_rows(table: pd.DataFrame) -> list[TrendRow]:
    from cancer_alliance.stats.charts import POINT_TYPE_LABELS

    return [
        TrendRow(
            month=format_month(row["month"]),
            met=count(row["met"]) if pd.notna(row["met"]) else WITHHELD,
            decided=count(row["decided"]) if pd.notna(row["decided"]) else WITHHELD,
            compliance=WITHHELD
            if pd.isna(row["met"]) or pd.isna(row["decided"])
            else percent(row["compliance"]),
            mean=percent(row["mean"]),
            limits=f"{limit_percent(row['lpl'])} to {limit_percent(row['upl'])}"
            if not is_missing(row["lpl"])
            else "",
            point=POINT_TYPE_LABELS.get(str(row["point_type"]), "")
            if isinstance(row["point_type"], str)
            else "",
        )
        for row in trend_points(table).to_dict("records")
    ]
