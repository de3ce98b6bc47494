"""Vega-Lite specs: each with its table, valid JSON (no NaN), Making Data Count colours."""

import json

import numpy as np
import pandas as pd
import pytest

from cancer_alliance.stats.charts import SPC_COLOURS, funnel_chart, spc_chart, stage_bars
from cancer_alliance.stats.funnel import funnel, funnel_curve
from cancer_alliance.stats.spc import SpcOptions, spc, summary

pytestmark = pytest.mark.spec


def test_spc_chart_has_its_table_icons_and_colours():
    series = pd.DataFrame({"x": pd.date_range("2020-01-01", periods=25, freq="MS"), "y": [9, 11] * 12 + [30]})
    options = SpcOptions(target=20)
    points = spc(series, options)
    chart = spc_chart(points, summary(points, options).iloc[0].to_dict(), title="t", y_title="y", target=20)
    text = json.dumps(chart.spec, allow_nan=False)
    assert len(chart.spec["data"]["values"]) == len(chart.table) == 25
    assert chart.spec["data"]["values"][0]["x"] == "2020-01-01"
    assert chart.spec["usermeta"] == {
        "variation_icon": "improvement_high",
        "assurance_type": "consistent_fail",
    }
    assert "#00b0f0" in text and SPC_COLOURS["special_cause_concern"] == "#e46c0a"


def test_funnel_and_stage_charts_are_valid_json_with_nulls_for_missing_values():
    units, p0 = funnel(
        pd.DataFrame({"unit": ["a", "b"], "early": [50, 0], "staged": [100, 0]}), "early", "staged"
    )
    units = units.rename(columns={"staged": "denominator"})
    chart = funnel_chart(units, funnel_curve(p0, 100), label="unit", title="f", highlight="a")
    json.dumps(chart.spec, allow_nan=False)
    assert chart.table["highlight"].tolist() == [True, False]
    bars = stage_bars(
        pd.DataFrame(
            {
                "site": ["lung"],
                "early_stage_proportion": [np.nan],
                "early_stage_lower_95": [np.nan],
                "early_stage_upper_95": [np.nan],
                "stage_staged": [0],
            }
        ),
        category="site",
        title="s",
    )
    assert bars.spec["data"]["values"][0]["early_stage_proportion"] is None
