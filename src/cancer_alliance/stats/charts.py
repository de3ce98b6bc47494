"""Vega-Lite (v5 schema, rendered by vega-embed from local files) chart specs as plain dicts, each
returned with the table it draws, so the web layer can show the accessible table beside the chart
(design.md, "Web"). Data are inlined in the spec (`data.values`) so a spec is self-contained."""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import pandas as pd

from cancer_alliance.stats.icons import (
    COMMON_CAUSE_COLOUR,
    CONCERN_COLOUR,
    ICON_LABELS,
    IMPROVEMENT_COLOUR,
    NEUTRAL_COLOUR,
    icon_data_uri,
)

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"

#: Point colours of NHSRplotthedots' `ptd_spc_colours()` (Making Data Count: grey common cause, blue
#: improvement, orange concern, purple neutral) and its mean, limit and target line colours.
SPC_COLOURS = {
    "common_cause": COMMON_CAUSE_COLOUR,
    "special_cause_improvement": IMPROVEMENT_COLOUR,
    "special_cause_concern": CONCERN_COLOUR,
    "special_cause_neutral_high": NEUTRAL_COLOUR,
    "special_cause_neutral_low": NEUTRAL_COLOUR,
}
#: How a point of an SPC chart is named in its legend, tooltip and table (`stats.spc.PointType` values).
POINT_TYPE_LABELS = {
    "common_cause": "Common cause",
    "special_cause_improvement": "Special cause: improvement",
    "special_cause_concern": "Special cause: concern",
    "special_cause_neutral_high": "Special cause: high",
    "special_cause_neutral_low": "Special cause: low",
}
#: A funnel plot's units against its limits (`stats.funnel.FLAGS`), named in words and coloured by how far
#: out they lie: grey within the 95% limits, purple beyond them, darker beyond 99.8%. Neutral colours,
#: because whether high is good depends on the measure.
FUNNEL_FLAG_STYLE = {
    "above_99.8": ("Above the 99.8% limit", "#490092"),
    "above_95": ("Above the 95% limit", "#9d7fd0"),
    "within_95": ("Within the limits", COMMON_CAUSE_COLOUR),
    "below_95": ("Below the 95% limit", "#9d7fd0"),
    "below_99.8": ("Below the 99.8% limit", "#490092"),
}
FUNNEL_FLAG_LABELS = {flag: label for flag, (label, _) in FUNNEL_FLAG_STYLE.items()}
MEAN_COLOUR, LIMIT_COLOUR, TARGET_COLOUR = "#000000", "#a6a6a6", "#de1b1b"
#: The SPC icons' size and their inset from the plot's top right corner, in pixels. NHSRplotthedots draws
#: them 1 cm across (`geom_ptd_icon(icons_size = 8)`: radius 8/16 cm), about 38 px.
ICON_SIZE, ICON_INSET = 36, 4


@dataclass(frozen=True)
class Chart:
    """A Vega-Lite spec and the table it draws."""

    title: str
    spec: dict[str, Any]
    table: pd.DataFrame


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-safe rows: NaN as null, timestamps as ISO dates, numpy scalars as Python ones."""
    rows = []
    for row in frame.to_dict("records"):
        clean = {}
        for key, value in row.items():
            if isinstance(value, pd.Timestamp):
                value = value.date().isoformat()
            elif hasattr(value, "item"):
                value = value.item()
            if isinstance(value, float) and math.isnan(value):
                value = None
            clean[key] = value
        rows.append(clean)
    return rows


def spc_icons(summary: dict[str, Any]) -> list[str]:
    """The icon names of an SPC summary: the variation icon, then the assurance icon when there is one
    (there is none without a target or for a neutral direction)."""
    names = []
    for key in ("variation_icon", "assurance_type"):
        value = summary.get(key)
        if isinstance(value, str) and value:  # None, or NaN from a pandas row, means no icon
            names.append(str(value))
    return names


def _icon_layer(name: str, slot: int) -> dict[str, Any]:
    """One icon as an image mark with its own one-row data, pinned in pixels to the plot's top right
    corner (`x` at the plot width, so it follows a "container" width). Slot 0 is the corner, slot 1 to
    its left: the variation icon keeps the corner and the assurance icon sits beside it, as
    NHSRplotthedots places them (`R/geom_ptd_icon.R`)."""
    return {
        "data": {"values": [{"icon": name, "label": ICON_LABELS[name]}]},
        "mark": {
            "type": "image",
            "url": icon_data_uri(name),
            "width": ICON_SIZE,
            "height": ICON_SIZE,
            "align": "right",
            "baseline": "top",
            "xOffset": -(ICON_INSET + slot * (ICON_SIZE + ICON_INSET)),
            "yOffset": ICON_INSET,
        },
        "encoding": {
            "x": {"value": "width"},
            "y": {"value": 0},
            "tooltip": {"field": "label", "type": "nominal"},
            "description": {"field": "label", "type": "nominal"},
        },
    }


def spc_chart(
    points: pd.DataFrame,
    summary: dict[str, Any],
    *,
    title: str,
    y_title: str,
    target: float | None = None,
    percent: bool = False,
    x_format: str = "%b %Y",
) -> Chart:
    """An XmR chart: the values, mean and process limits (broken at each rebase), points coloured by
    point_type, the target line, and the Making Data Count variation and assurance icons: drawn (image
    marks, `stats.icons`) in the top right corner of the plot as NHSRplotthedots does, and named in the
    subtitle, the description and `usermeta` for screen readers and tables. No assurance icon without a
    target. A percentage's limits are drawn clipped to 0-100% (a rate cannot lie outside it); the data
    keep the computed `lpl` and `upl`, and the legend and tooltips name point types in words."""
    table = points.loc[:, ["x", "y", "mean", "lpl", "upl", "point_type", "rebase_group"]].copy()
    table["point_type"] = table["point_type"].astype(str)
    table["point_label"] = table["point_type"].map(POINT_TYPE_LABELS).fillna(table["point_type"])
    for limit in ("lpl", "upl"):
        table[f"{limit}_drawn"] = table[limit].clip(0.0, 1.0) if percent else table[limit]
    y_format = ".0%" if percent else ",.1f"
    temporal = pd.api.types.is_datetime64_any_dtype(table["x"])
    x: dict[str, Any] = {"field": "x", "type": "temporal" if temporal else "quantitative", "title": None}
    if temporal:
        # Ticks on the data's own interval, labelled in `x_format`: left to itself Vega-Lite puts ticks
        # between the points ("July" between years, weeks within 3 months). An interval rather than a
        # list of tick values, which the CSP-safe expression interpreter the web uses cannot label.
        x["scale"] = {"type": "utc"}  # the dates are parsed as UTC midnights: place and label them so
        x["axis"] = {"format": x_format, "labelOverlap": True}
        interval = _tick_interval(pd.to_datetime(table["x"]).dropna())
        if interval:
            x["axis"]["tickCount"] = {"interval": interval, "step": 1}
    y_scale = {"zero": False}

    def line(field: str, colour: str, dash: list[int] | None = None) -> dict[str, Any]:
        mark: dict[str, Any] = {"type": "line", "color": colour}
        if dash:
            mark["strokeDash"] = dash
        return {
            "mark": mark,
            "encoding": {
                "x": x,
                "y": {"field": field, "type": "quantitative", "scale": y_scale},
                "detail": {"field": "rebase_group"},
            },
        }

    layers: list[dict[str, Any]] = [
        line("upl_drawn", LIMIT_COLOUR, [4, 4]),
        line("lpl_drawn", LIMIT_COLOUR, [4, 4]),
        line("mean", MEAN_COLOUR),
        {
            "mark": {"type": "line", "color": "#a6a6a6"},
            "encoding": {
                "x": x,
                "y": {
                    "field": "y",
                    "type": "quantitative",
                    "title": y_title,
                    "scale": y_scale,
                    "axis": {"format": y_format},
                },
            },
        },
        {
            "mark": {"type": "point", "filled": True, "size": 60},
            "encoding": {
                "x": x,
                "y": {"field": "y", "type": "quantitative"},
                "color": {
                    "field": "point_label",
                    "type": "nominal",
                    "title": "Point type",
                    "scale": {
                        "domain": [POINT_TYPE_LABELS[name] for name in SPC_COLOURS],
                        "range": list(SPC_COLOURS.values()),
                    },
                },
                "tooltip": [
                    {"field": "x", "title": "Period"},
                    {"field": "y", "format": y_format, "title": y_title},
                    {"field": "point_label", "title": "Point type"},
                ],
            },
        },
    ]
    if target is not None:
        # one row of its own, so the line is drawn once (not once per point), named for screen readers
        target_label = f"Target: {target:.0%}" if percent else f"Target: {target:,.1f}"
        layers.append(
            {
                "data": {"values": [{"label": target_label}]},
                "mark": {"type": "rule", "color": TARGET_COLOUR, "strokeDash": [8, 4], "strokeWidth": 2},
                "encoding": {
                    "y": {"datum": target},
                    "description": {"field": "label", "type": "nominal"},
                    "tooltip": {"field": "label", "type": "nominal"},
                },
            }
        )
    icons = spc_icons(summary)
    layers.extend(_icon_layer(name, slot) for slot, name in enumerate(icons))
    subtitle = "; ".join(ICON_LABELS[icon] for icon in icons)
    spec = {
        "$schema": SCHEMA,
        "title": {"text": title, "subtitle": subtitle},
        "description": f"{title}. {subtitle}.",
        "width": "container",
        "height": 280,
        "data": {"values": _records(table)},
        "layer": layers,
        "usermeta": {
            "variation_icon": summary.get("variation_icon"),
            "assurance_type": summary.get("assurance_type"),
        },
    }
    return Chart(title, spec, table)


def _tick_interval(days: pd.Series) -> str | None:
    """The tick interval of a series of dates: yearly when every one is 1 January, monthly when every
    one is the 1st of a month, else None (Vega-Lite chooses)."""
    if days.empty or not (days.dt.day == 1).all():
        return None
    return "year" if (days.dt.month == 1).all() else "month"


def funnel_chart(
    units: pd.DataFrame,
    curve: pd.DataFrame,
    *,
    label: str,
    title: str,
    highlight: str | Collection[str] | None = None,
    x_title: str = "Cancers with a valid stage",
    y_title: str = "Proportion",
) -> Chart:
    """A funnel plot: each unit's proportion against its denominator, the overall rate and the 95% and
    99.8% limits; `highlight` (a label value, or several) is drawn larger; units coloured by their
    `funnel_flag` (`stats.funnel.FLAGS`) as `FUNNEL_FLAG_STYLE` says, in words in the legend."""
    table = units.loc[:, [label, "denominator", "proportion", "funnel_flag"]].copy()
    table["against_limits"] = table["funnel_flag"].map(
        {flag: style[0] for flag, style in FUNNEL_FLAG_STYLE.items()}
    )
    chosen = [highlight] if highlight is None or isinstance(highlight, str) else list(highlight)
    table["highlight"] = table[label].isin([h for h in chosen if h is not None])
    limit_layers = [
        {
            "mark": {"type": "line", "color": colour, "strokeDash": dash},
            "encoding": {
                "x": {"field": "denominator", "type": "quantitative"},
                "y": {"field": field, "type": "quantitative"},
            },
        }
        for field, colour, dash in [
            ("upper_998", "#4c6272", [2, 2]),
            ("lower_998", "#4c6272", [2, 2]),
            ("upper_95", "#768692", [6, 3]),
            ("lower_95", "#768692", [6, 3]),
            ("p0", "#000000", [1, 0]),
        ]
    ]
    spec = {
        "$schema": SCHEMA,
        "title": title,
        "description": f"{title}: funnel plot with 95% and 99.8% limits around the overall rate.",
        "width": "container",
        "height": 300,
        "layer": [
            {"data": {"values": _records(curve)}, "layer": limit_layers},
            {
                "data": {"values": _records(table)},
                "mark": {"type": "point", "filled": True},
                "encoding": {
                    "x": {
                        "field": "denominator",
                        "type": "quantitative",
                        "title": x_title,
                    },
                    "y": {
                        "field": "proportion",
                        "type": "quantitative",
                        "title": y_title,
                        "axis": {"format": ".0%"},
                        "scale": {"zero": False},
                    },
                    "size": {"condition": {"test": "datum.highlight", "value": 160}, "value": 50},
                    "color": {
                        "field": "against_limits",
                        "type": "nominal",
                        "title": "Against the funnel",
                        "scale": {
                            "domain": [label for label, _ in FUNNEL_FLAG_STYLE.values()],
                            "range": [colour for _, colour in FUNNEL_FLAG_STYLE.values()],
                        },
                    },
                    "tooltip": [
                        {"field": label},
                        {"field": "proportion", "format": ".1%"},
                        {"field": "denominator", "format": ","},
                        {"field": "against_limits", "title": "Against the funnel"},
                    ],
                },
            },
        ],
    }
    return Chart(title, spec, table)


def stage_bars(table: pd.DataFrame, *, category: str, title: str) -> Chart:
    """Horizontal bars of the early-stage proportion per category (e.g. cancer site) with Wilson
    intervals as error bars."""
    data = table.loc[
        :,
        [category, "early_stage_proportion", "early_stage_lower_95", "early_stage_upper_95", "stage_staged"],
    ].copy()
    y = {"field": category, "type": "nominal", "sort": "-x", "title": None}
    spec = {
        "$schema": SCHEMA,
        "title": title,
        "description": f"{title}: proportion at stage 1-2 with 95% intervals.",
        "width": "container",
        "data": {"values": _records(data)},
        "layer": [
            {
                "mark": {"type": "bar", "color": "#005eb8"},
                "encoding": {
                    "y": y,
                    "x": {
                        "field": "early_stage_proportion",
                        "type": "quantitative",
                        "title": "Stage 1-2 of staged",
                        "axis": {"format": ".0%"},
                    },
                    "tooltip": [
                        {"field": category},
                        {"field": "early_stage_proportion", "format": ".1%"},
                        {"field": "stage_staged", "format": ","},
                    ],
                },
            },
            {
                "mark": {"type": "rule", "color": "#212b32"},
                "encoding": {
                    "y": y,
                    "x": {"field": "early_stage_lower_95", "type": "quantitative"},
                    "x2": {"field": "early_stage_upper_95"},
                },
            },
        ],
    }
    return Chart(title, spec, data)
