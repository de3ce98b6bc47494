"""Assurance against a target and the summary (NHSRplotthedots `R/ptd_calculate_assurance_type.R`,
`summary.ptd_spc_df` in `R/ptd_spc.R`, icons in `R/geom_ptd_icon.R`; Making Data Count assurance icons:
pass, fail, hit-and-miss)."""

import pandas as pd
import pytest

from cancer_alliance.stats.spc import SpcOptions, spc, summary
from cancer_alliance.stats.spc.assurance import ImprovementDirection, assurance_type, variation_icon

pytestmark = pytest.mark.spec

#: Mean 10, mean moving range 2: limits 4.68 and 15.32.
SERIES = pd.DataFrame({"x": range(12), "y": [9, 11] * 6})


@pytest.mark.parametrize(
    ("direction", "target", "expected"),
    [
        ("increase", 3.0, "consistent_pass"),  # target below the lower limit
        ("increase", 20.0, "consistent_fail"),  # target above the upper limit
        ("increase", 10.0, "inconsistent"),
        ("decrease", 3.0, "consistent_fail"),
        ("decrease", 20.0, "consistent_pass"),
        ("decrease", 10.0, "inconsistent"),
        ("neutral", 3.0, None),  # no assurance for a neutral direction
        ("increase", None, None),  # nor without a target
        ("increase", 15.32, "inconsistent"),  # exactly on a limit is not beyond it
    ],
)
def test_assurance_type(direction, target, expected):
    options = SpcOptions(improvement_direction=direction, target=target)
    assert summary(spc(SERIES, options), options)["assurance_type"].iloc[0] == expected


def test_assurance_uses_the_limits_of_the_latest_segment():
    frame = pd.DataFrame({"x": range(24), "y": [9, 11] * 6 + [29, 31] * 6})
    options = SpcOptions(rebase=(12,), target=20.0)
    assert summary(spc(frame, options), options)["assurance_type"].iloc[0] == "consistent_pass"


def test_undefined_limits_give_inconsistent_as_in_r():
    assert assurance_type(5.0, float("nan"), float("nan"), ImprovementDirection.increase) == "inconsistent"


@pytest.mark.parametrize(
    ("point_type", "direction", "icon"),
    [
        ("common_cause", "increase", "common_cause"),
        ("special_cause_improvement", "increase", "improvement_high"),
        ("special_cause_improvement", "decrease", "improvement_low"),
        ("special_cause_concern", "increase", "concern_low"),
        ("special_cause_concern", "decrease", "concern_high"),
        ("special_cause_neutral_high", "neutral", "neutral_high"),
        ("special_cause_neutral_low", "neutral", "neutral_low"),
    ],
)
def test_variation_icon_names_follow_the_icon_files(point_type, direction, icon):
    assert variation_icon(point_type, ImprovementDirection(direction)) == icon


def test_summary_reports_the_latest_point_per_series():
    frame = pd.DataFrame(
        {
            "s": ["a"] * 13 + ["b"] * 13,
            "x": list(range(13)) * 2,
            "y": [9, 11] * 6 + [30] + [9, 11] * 6 + [-10],
        }
    )
    options = SpcOptions(improvement_direction="decrease")
    got = summary(spc(frame, options, series=["s"]), options, series=["s"])
    assert got.to_dict("records") == [
        {
            "s": "a",
            "variation_type": "special_cause_concern",
            "variation_icon": "concern_high",
            "assurance_type": None,
        },
        {
            "s": "b",
            "variation_type": "special_cause_improvement",
            "variation_icon": "improvement_low",
            "assurance_type": None,
        },
    ]


def test_per_series_targets_from_a_column():
    frame = pd.DataFrame(
        {
            "s": ["a"] * 12 + ["b"] * 12,
            "x": list(range(12)) * 2,
            "y": [9, 11] * 12,
            "t": [3.0] * 12 + [20.0] * 12,
        }
    )
    got = summary(spc(frame, series=["s"]), series=["s"], target_column="t")
    assert got["assurance_type"].tolist() == ["consistent_pass", "consistent_fail"]
