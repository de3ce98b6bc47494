"""Vega-Lite specs: each with its table, valid JSON (no NaN), Making Data Count colours; the SPC chart
draws the Making Data Count variation and assurance icons in its top right corner as NHSRplotthedots
does (`R/geom_ptd_icon.R`)."""

import base64
import json
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from cancer_alliance.stats.charts import (
    ICON_SIZE,
    SPC_COLOURS,
    funnel_chart,
    spc_chart,
    spc_icons,
    stage_bars,
)
from cancer_alliance.stats.funnel import funnel, funnel_curve
from cancer_alliance.stats.icons import ICON_LABELS, icon_svg
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


def icon_images(spec: dict) -> list[dict]:
    return [layer for layer in spec["layer"] if layer["mark"]["type"] == "image"]


def drawn_icon(layer: dict) -> tuple[str, str]:
    """The <title> and the SVG an image layer draws, decoded from its data URI."""
    url = layer["mark"]["url"]
    head, _, body = url.partition(",")
    assert head == "data:image/svg+xml;base64"
    svg = base64.b64decode(body).decode("utf-8")
    return ET.fromstring(svg).find("{http://www.w3.org/2000/svg}title").text, svg


def xmr(y, target=None, direction="increase"):
    series = pd.DataFrame({"x": pd.date_range("2020-01-01", periods=len(y), freq="MS"), "y": y})
    options = SpcOptions(target=target, improvement_direction=direction)
    points = spc(series, options)
    result = summary(points, options).iloc[0].to_dict()
    return spc_chart(points, result, title="t", y_title="y", target=target), result


@pytest.mark.parametrize(
    ("y", "target", "direction", "icons"),
    [
        # (a) a jump above the upper limit when higher is better; a target below the lower limit
        ([9, 11] * 12 + [30], 0, "increase", ["improvement_high", "consistent_pass"]),
        # (b) alternating values: common cause; no target, so no assurance icon
        ([9, 11] * 12, None, "increase", ["common_cause"]),
        # (c) a drop below the lower limit when higher is better; the target within the limits
        ([9, 11] * 12 + [-10], 10, "increase", ["concern_low", "inconsistent"]),
        # the same drop when lower is better is an improvement
        ([9, 11] * 12 + [-10], 10, "decrease", ["improvement_low", "inconsistent"]),
        # a target above the upper limit when higher is better is a consistent fail
        ([9, 11] * 12 + [30], 20, "increase", ["improvement_high", "consistent_fail"]),
        # neutral: no assurance even with a target (NHSRplotthedots' ptd_calculate_assurance_type)
        ([9, 11] * 12 + [30], 20, "neutral", ["neutral_high"]),
    ],
)
def test_the_spc_chart_draws_its_variation_and_assurance_icons(y, target, direction, icons):
    chart, result = xmr(y, target, direction)
    images = icon_images(chart.spec)
    assert [result["variation_icon"], result["assurance_type"]][: len(icons)] == icons
    assert spc_icons(result) == icons
    assert [drawn_icon(layer)[0] for layer in images] == [ICON_LABELS[name] for name in icons]
    assert [drawn_icon(layer)[1] for layer in images] == [icon_svg(name) for name in icons]
    # the subtitle, description and usermeta still name the icons for screen readers and tables
    subtitle = "; ".join(ICON_LABELS[name] for name in icons)
    assert chart.spec["title"]["subtitle"] == subtitle
    assert chart.spec["description"] == f"t. {subtitle}."
    assert chart.spec["usermeta"] == {
        "variation_icon": result["variation_icon"],
        "assurance_type": result["assurance_type"],
    }
    json.dumps(chart.spec, allow_nan=False)


def test_the_icons_sit_in_the_top_right_corner_variation_outermost():
    chart, _ = xmr([9, 11] * 12 + [30], 0)
    variation, assurance = icon_images(chart.spec)
    for layer in (variation, assurance):
        # pinned in pixels to the plot width, so they follow a "container" width; own one-row data,
        # so the chart's 25 rows do not draw 25 copies
        assert layer["encoding"]["x"] == {"value": "width"}
        assert layer["encoding"]["y"] == {"value": 0}
        assert layer["mark"]["align"] == "right" and layer["mark"]["baseline"] == "top"
        assert layer["mark"]["width"] == layer["mark"]["height"] == ICON_SIZE
        assert len(layer["data"]["values"]) == 1
    assert variation["mark"]["xOffset"] > assurance["mark"]["xOffset"] + ICON_SIZE
    assert variation["data"]["values"][0]["label"] == ICON_LABELS["improvement_high"]


def test_a_summary_row_with_nan_for_no_assurance_draws_only_the_variation_icon():
    chart, result = xmr([9, 11] * 12)
    result["assurance_type"] = float("nan")  # as a pandas row can carry it
    assert spc_icons(result) == ["common_cause"]


@pytest.mark.parametrize(("percent", "label"), [(False, "Target: 0.0"), (True, "Target: 0%")])
def test_the_target_line_is_drawn_once_and_named(percent, label):
    series = pd.DataFrame({"x": pd.date_range("2020-01-01", periods=25, freq="MS"), "y": [9, 11] * 12 + [30]})
    options = SpcOptions(target=0)
    points = spc(series, options)
    chart = spc_chart(
        points, summary(points, options).iloc[0].to_dict(), title="t", y_title="y", target=0, percent=percent
    )
    (rule,) = [layer for layer in chart.spec["layer"] if layer["mark"]["type"] == "rule"]
    assert rule["encoding"]["y"] == {"datum": 0}
    assert rule["data"]["values"] == [{"label": label}]  # one row: one line, not one per point
    assert rule["encoding"]["description"] == {"field": "label", "type": "nominal"}


@pytest.mark.parametrize(
    ("dates", "x_format", "interval"),
    [
        (pd.date_range("2013-01-01", periods=10, freq="YS"), "%Y", "year"),  # NDRS years: no "July"
        (pd.date_range("2019-01-01", periods=3, freq="MS"), "%b %Y", "month"),  # 3 months: no weeks
        (pd.date_range("2019-01-07", periods=12, freq="W-MON"), "%d %b", None),  # weekly: Vega-Lite's
    ],
)
def test_the_time_axis_ticks_on_the_datas_interval_in_the_given_format(dates, x_format, interval):
    series = pd.DataFrame({"x": dates, "y": np.linspace(50, 55, len(dates))})
    points = spc(series, SpcOptions())
    chart = spc_chart(
        points, summary(points, SpcOptions()).iloc[0].to_dict(), title="t", y_title="y", x_format=x_format
    )
    encodings = [layer["encoding"]["x"] for layer in data_layers(chart)]
    assert encodings and all(x == encodings[0] for x in encodings)
    assert encodings[0]["scale"] == {"type": "utc"}
    assert encodings[0]["axis"]["format"] == x_format
    expected = {"interval": interval, "step": 1} if interval else None
    assert encodings[0]["axis"].get("tickCount") == expected


def test_a_numeric_x_axis_is_left_to_vega_lite():
    points = spc(pd.DataFrame({"x": range(1, 13), "y": range(12)}), SpcOptions())
    chart = spc_chart(points, summary(points, SpcOptions()).iloc[0].to_dict(), title="t", y_title="y")
    layers = data_layers(chart)
    assert layers and all("axis" not in layer["encoding"]["x"] for layer in layers)


def data_layers(chart) -> list[dict]:
    """The layers that place marks by the data's x (not the icons, which sit at pixel positions)."""
    return [
        layer for layer in chart.spec["layer"] if layer.get("encoding", {}).get("x", {}).get("field") == "x"
    ]


def test_funnel_chart_highlights_several_units_and_names_its_axes():
    """`highlight` may be a collection of labels (the web highlights an alliance's trusts); a single
    label still works and the axis titles can be given."""
    units, p0 = funnel(
        pd.DataFrame({"unit": ["a", "b", "c"], "within": [8, 5, 9], "total": [10, 10, 10]}), "within", "total"
    )
    units = units.rename(columns={"total": "denominator"})
    curve = funnel_curve(p0, 10)
    several = funnel_chart(
        units, curve, label="unit", title="f", highlight={"a", "c"}, x_title="Patients", y_title="Within"
    )
    assert several.table["highlight"].tolist() == [True, False, True]
    encoding = several.spec["layer"][1]["encoding"]
    assert (encoding["x"]["title"], encoding["y"]["title"]) == ("Patients", "Within")
    assert funnel_chart(units, curve, label="unit", title="f", highlight="b").table["highlight"].tolist() == [
        False,
        True,
        False,
    ]
    assert not funnel_chart(units, curve, label="unit", title="f").table["highlight"].any()


def test_a_percentages_limits_are_drawn_within_0_to_100_and_kept_as_computed():
    """A rate cannot lie outside 0-100%, so limits computed past it (e.g. 127% on a small series) are
    drawn at the edge; the chart's data still carry the computed limits."""
    series = pd.DataFrame({"x": pd.date_range("2020-01-01", periods=12, freq="MS"), "y": [0.6, 1.0] * 6})
    points = spc(series, SpcOptions())
    assert points["upl"].max() > 1 and points["lpl"].min() < 0.6  # the precondition of this test
    chart = spc_chart(
        points, summary(points, SpcOptions()).iloc[0].to_dict(), title="t", y_title="y", percent=True
    )
    values = chart.spec["data"]["values"]
    assert max(row["upl_drawn"] for row in values) == 1.0
    assert [row["upl"] for row in values] == points["upl"].tolist()
    drawn = {
        layer["encoding"]["y"]["field"] for layer in chart.spec["layer"] if layer["mark"]["type"] == "line"
    }
    assert {"upl_drawn", "lpl_drawn"} <= drawn and not {"upl", "lpl"} & drawn


def test_the_legend_and_tooltips_name_point_types_in_words():
    series = pd.DataFrame({"x": pd.date_range("2020-01-01", periods=25, freq="MS"), "y": [9, 11] * 12 + [30]})
    points = spc(series, SpcOptions())
    chart = spc_chart(points, summary(points, SpcOptions()).iloc[0].to_dict(), title="t", y_title="y")
    text = json.dumps(chart.spec)
    assert "special_cause" not in json.dumps([layer.get("encoding") for layer in chart.spec["layer"]])
    assert "Special cause: high" in text and "Common cause" in text


def test_funnel_colours_mean_what_they_say():
    """Each flag has its own colour, in words in the legend: within the limits is grey (common cause),
    beyond them purple, never a colour that Vega-Lite assigns by the order the flags appear."""
    units = pd.DataFrame(
        {"unit": ["a", "b", "c"], "denominator": [100, 100, 100], "proportion": [0.5, 0.9, 0.1]}
    ).assign(funnel_flag=["within_95", "above_99.8", "below_95"])
    chart = funnel_chart(units, funnel_curve(0.5, 100), label="unit", title="f")
    colour = chart.spec["layer"][1]["encoding"]["color"]
    scale = dict(zip(colour["scale"]["domain"], colour["scale"]["range"], strict=True))
    assert colour["field"] == "against_limits"
    assert scale["Within the limits"] == SPC_COLOURS["common_cause"]
    assert scale["Above the 99.8% limit"] == scale["Below the 99.8% limit"] != scale["Within the limits"]
    assert chart.table["against_limits"].tolist() == [
        "Within the limits",
        "Above the 99.8% limit",
        "Below the 95% limit",
    ]
