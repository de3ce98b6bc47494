"""Vega-Lite specs for the pages' charts (each shown beside a table with the same numbers).

The web layer's adapter until `cancer_alliance.stats.charts` lands: switch `performance_trend` to
its SPC chart then. Data are embedded as values, so a chart needs no further request.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from cancer_alliance.web.presenters.performance import records

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"  # an identifier only; nothing is fetched
NHS_BLUE = "#005eb8"
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
