"""Vega-Lite specs for the pages' charts, each shown beside a table with the same numbers. Data are
embedded as values, so a chart needs no further request.

- `performance_trend`: a monthly series as a line against the threshold (the explorer's selections);
- `spc_trend`: a monthly series as a Making Data Count XmR chart, drawn by `stats.charts.spc_chart`
  (limits, point colours, target line, the variation and assurance icons);
- `trust_funnel_chart`: every trust's % within a standard against its patients, with the 95% and 99.8%
  limits around England's rate (`stats.charts.funnel_chart`), some trusts highlighted;
- `early_stage_trend`: % diagnosed at stage 1-2 by year with its 95% interval as a band and the
  ambitions as dashed lines;
- `followup_shares`: each trust's shares stratified and self-managing (breast follow-up) with their 95%
  intervals against the ambitions.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import pandas as pd

from cancer_alliance.stats.charts import FUNNEL_FLAG_LABELS, funnel_chart, spc_chart
from cancer_alliance.stats.funnel import funnel_curve
from cancer_alliance.web.presenters.performance import records

#: vega-lite from node_modules is version 6; specs name it so vega-embed does not warn of a mismatch.
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"  # an identifier only; nothing is fetched
NHS_BLUE = "#005eb8"
NHS_PALE_BLUE = "#aec4e4"
NHS_DARK_GREY = "#425563"
NHS_RED = "#d5281b"


def performance_trend(series: pd.DataFrame, title: str) -> dict[str, Any]:
    """Monthly performance as a line with points, and the threshold as a dashed red line."""
    values = [
        {"month": row["reporting_month"], "performance": row["performance"], "threshold": row["threshold"]}
        for row in records(series)
    ]
    return {
        "$schema": SCHEMA,
        "description": f"{title}: performance by month against the threshold",
        "width": "container",
        "height": 260,
        "data": {"values": values},
        "encoding": {"x": {"field": "month", "type": "ordinal", "title": "Reporting month"}},
        "layer": [
            {
                "mark": {"type": "line", "point": True, "color": NHS_BLUE},
                "encoding": {
                    "y": {
                        "field": "performance",
                        "type": "quantitative",
                        "title": "Within the standard",
                        "axis": {"format": ".0%"},
                        "scale": {"zero": False},
                    },
                },
            },
            {
                "mark": {"type": "line", "strokeDash": [6, 4], "color": NHS_RED},
                "encoding": {"y": {"field": "threshold", "type": "quantitative"}},
            },
        ],
    }


def spc_trend(
    points: pd.DataFrame,
    variation_icon: str | None,
    assurance_type: str | None,
    title: str,
    threshold: float | None,
) -> dict[str, Any]:
    """The XmR chart of monthly performance (`points` from `stats.spc.cwt.cwt_spc`), target = threshold."""
    chart = spc_chart(
        points,
        {"variation_icon": variation_icon, "assurance_type": assurance_type},
        title=title,
        y_title="Within the standard",
        target=threshold,
        percent=True,
    )
    return {**chart.spec, "$schema": SCHEMA}


def funnel_flag_label(flag: object) -> str:
    """The flag in words; "No published rate" when a trust has none (no patients or a withheld count)."""
    return FUNNEL_FLAG_LABELS.get(flag, "No published rate") if isinstance(flag, str) else "No published rate"


def trust_funnel_chart(table: pd.DataFrame, overall_rate: float, highlight: Collection[str], title: str):
    """The funnel of trusts (`queries.trust_funnel(...).table`) with the `highlight` trusts (ODS codes)
    drawn larger; the limit lines run over the trusts' range of patients."""
    units = table[table["proportion"].notna()].rename(columns={"total": "denominator"})
    if units.empty:
        curve = funnel_curve(overall_rate, 1.0, points=2)
    else:
        low, high = float(units["denominator"].min()), float(units["denominator"].max())
        curve = funnel_curve(overall_rate, high, min_denominator=max(low * 0.8, 1.0))
    chosen = set(highlight)
    named = units.assign(trust=units["name"])
    chart = funnel_chart(
        named,
        curve,
        label="trust",
        title=title,
        highlight=[
            name for code, name in zip(named["provider"], named["name"], strict=True) if code in chosen
        ],
        x_title="Patients",
        y_title="Within the standard",
    )
    return {**chart.spec, "$schema": SCHEMA}


def early_stage_trend(
    years: pd.DataFrame, targets: Sequence[tuple[float, str]], title: str
) -> dict[str, Any]:
    """% at stage 1-2 of staged cancers by year: a line with the Wilson 95% interval as a band and one
    dashed rule per ambition (`targets`: proportion and label)."""
    columns = ["year", "early_stage_proportion", "early_stage_lower_95", "early_stage_upper_95"]
    values = records(years.loc[:, columns].astype({"year": str}))
    x = {"field": "year", "type": "ordinal", "title": "Year of diagnosis"}
    y_axis = {"format": ".0%"}
    every = [v for row in values for v in (row["early_stage_lower_95"], row["early_stage_upper_95"]) if v]
    low = min([*every, *(t for t, _ in targets)], default=0.0)
    high = max([*every, *(t for t, _ in targets)], default=1.0)
    scale = {"domain": [max(0.0, round(low - 0.05, 2)), min(1.0, round(high + 0.03, 2))]}
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "area", "color": NHS_PALE_BLUE, "opacity": 0.7},
            "encoding": {
                "x": x,
                "y": {
                    "field": "early_stage_lower_95",
                    "type": "quantitative",
                    "title": "Stage 1-2 of staged",
                    "axis": y_axis,
                    "scale": scale,
                },
                "y2": {"field": "early_stage_upper_95"},
            },
        },
        {
            "mark": {"type": "line", "point": True, "color": NHS_BLUE},
            "encoding": {"x": x, "y": {"field": "early_stage_proportion", "type": "quantitative"}},
        },
    ]
    for target, label in targets:
        layers.append(
            {
                "data": {"values": [{"target": target, "label": label}]},
                "layer": [
                    {
                        "mark": {"type": "rule", "color": NHS_DARK_GREY, "strokeDash": [6, 4]},
                        "encoding": {"y": {"field": "target", "type": "quantitative"}},
                    },
                    {
                        "mark": {"type": "text", "align": "left", "dx": 4, "dy": -6, "color": NHS_DARK_GREY},
                        "encoding": {
                            "y": {"field": "target", "type": "quantitative"},
                            "x": {"value": 0},
                            "text": {"field": "label"},
                        },
                    },
                ],
            }
        )
    return {
        "$schema": SCHEMA,
        "description": f"{title}: by year with 95% intervals and the ambitions as dashed lines",
        "width": "container",
        "height": 260,
        "data": {"values": values},
        "layer": layers,
    }


def followup_shares(rows: Sequence[dict[str, Any]], trust_names: dict[str, str]) -> dict[str, Any]:
    """Each trust's share of patients finishing treatment who were stratified and share of those on
    follow-up who self-manage (published `followup.metrics` rows), as dots with their 95% intervals,
    against the ambitions: all stratified, about 70% self-managing (dashed rules). The marks are hidden
    from screen readers (vega-lite `aria: false`; unnamed, axe's svg-img-alt fails them): the chart's
    description names it and the table beside it gives every figure."""
    measures = (
        ("stratified", "Stratified, of patients finishing treatment"),
        ("self_managing", "Self-managing, of patients on follow-up"),
    )
    values = [
        {
            "trust": trust_names.get(row["trust_code"], row["trust_code"]),
            "measure": label,
            "percent": row[f"{name}_pct"],
            "low": row[f"{name}_low"],
            "high": row[f"{name}_high"],
        }
        for row in rows
        for name, label in measures
        if row[f"{name}_pct"] is not None
    ]
    y = {"field": "trust", "type": "nominal", "title": None, "sort": "ascending", "axis": {"labelLimit": 280}}
    x_scale = {"domain": [0, 100]}
    colour = {
        "field": "measure",
        "type": "nominal",
        "title": None,
        "scale": {"domain": [label for _, label in measures], "range": [NHS_BLUE, NHS_DARK_GREY]},
        "legend": {"orient": "top", "labelLimit": 320},
    }
    ambitions = [
        {"percent": 100.0, "label": "All stratified"},
        {"percent": 70.0, "label": "About 70% self-managing"},
    ]
    return {
        "$schema": SCHEMA,
        "description": "Shares stratified and self-managing by trust, with 95% intervals and the ambitions",
        "width": "container",
        "height": {"step": 22},
        "layer": [
            {
                "data": {"values": values},
                "mark": {"type": "rule", "opacity": 0.6, "aria": False},
                "encoding": {
                    "y": y,
                    "yOffset": {"field": "measure"},
                    "x": {"field": "low", "type": "quantitative", "scale": x_scale, "title": "Per cent"},
                    "x2": {"field": "high"},
                    "color": colour,
                },
            },
            {
                "data": {"values": values},
                "mark": {"type": "point", "filled": True, "size": 60, "aria": False},
                "encoding": {
                    "y": y,
                    "yOffset": {"field": "measure"},
                    "x": {"field": "percent", "type": "quantitative", "scale": x_scale},
                    "color": colour,
                    "tooltip": [
                        {"field": "trust"},
                        {"field": "measure"},
                        {"field": "percent", "format": ".1f"},
                    ],
                },
            },
            {
                "data": {"values": ambitions},
                "mark": {"type": "rule", "color": NHS_RED, "strokeDash": [6, 4]},
                "encoding": {"x": {"field": "percent", "type": "quantitative"}},
            },
        ],
    }
