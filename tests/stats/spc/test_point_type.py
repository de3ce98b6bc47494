"""point_type from the rules and the improvement direction (NHSRplotthedots `ptd_special_cause_type`,
`ptd_point_type`; Making Data Count, "Strengthening your decisions", 2019: orange for concern, blue for
improvement, purple for neutral)."""

import pandas as pd
import pytest

from cancer_alliance.stats.spc import SpcOptions, spc

pytestmark = pytest.mark.spec

#: Twenty-four points alternating around 10: an extra point at 30 (or -10) moves the mean by 0.8, its
#: moving range of 19 is screened out, so the limits are mean +/- 5.32 and that point is beyond them.
BASE = [9, 11] * 12


def point_types(y, **options):
    return spc(pd.DataFrame({"x": range(len(y)), "y": y}), SpcOptions(**options))["point_type"].tolist()


@pytest.mark.parametrize(
    ("direction", "high", "low"),
    [
        ("increase", "special_cause_improvement", "special_cause_concern"),
        ("decrease", "special_cause_concern", "special_cause_improvement"),
        ("neutral", "special_cause_neutral_high", "special_cause_neutral_low"),
    ],
)
def test_a_point_beyond_a_limit_by_improvement_direction(direction, high, low):
    assert point_types([*BASE, 30], improvement_direction=direction)[-1] == high
    assert point_types([*BASE, -10], improvement_direction=direction)[-1] == low
    assert set(point_types([*BASE, 30], improvement_direction=direction)[:-1]) == {"common_cause"}


@pytest.mark.parametrize(
    ("direction", "expected"),
    [
        ("increase", "special_cause_improvement"),
        ("decrease", "special_cause_concern"),
        ("neutral", "special_cause_neutral_high"),
    ],
)
def test_a_run_of_seven_above_the_mean(direction, expected):
    """Seven points above the mean (a shift), all inside the limits."""
    y = [5, 6, 4] * 4 + [7, 6.5, 7, 6.5, 7, 6.5, 7]
    got = point_types(y, improvement_direction=direction)
    assert got[-7:] == [expected] * 7
    assert set(got[:-7]) == {"common_cause"}


def test_a_rising_trend_below_the_mean_is_an_improvement_when_higher_is_better():
    """A trend takes its colour from its direction, not its side of the mean (NHSRplotthedots 0.2.x,
    issue #167: 'trends of 7 points were coloured differently depending on ...')."""
    y = [0, 28] * 5 + [1, 2, 3, 4, 5, 6, 7]  # mean 9.9: the seven are also a run below the mean
    got = point_types(y)
    assert got[10:] == ["special_cause_improvement"] * 7
    assert set(got[:10]) == {"common_cause"}


def test_two_of_three_near_the_upper_limit():
    """Mean 10.525, mean moving range 2.447 (no screening): upper limit 17.03, near from 14.86. Points at
    15 and 15.5 are near it and the 11 between them is on the same side of the mean."""
    y = [9, 11] * 8 + [9, 15, 11, 15.5]
    got = point_types(y, screen_outliers=False)
    assert got[17] == got[19] == "special_cause_improvement"
    assert got[18] == "common_cause"


def test_a_point_beyond_a_limit_takes_precedence_over_a_run_on_the_other_side():
    """Precedence of `ptd_special_cause_type`: beyond a limit first (the run's side does not matter)."""
    y = [*BASE, 30, 9, 11, 9, 11]
    assert point_types(y)[24] == "special_cause_improvement"


def test_each_series_gets_its_own_limits():
    frame = pd.DataFrame(
        {"s": ["a"] * 25 + ["b"] * 25, "x": list(range(25)) * 2, "y": [*BASE, 30, *BASE, 11]}
    )
    got = spc(frame, series=["s"])
    assert got.loc[got["s"] == "a", "point_type"].iloc[-1] == "special_cause_improvement"
    assert got.loc[got["s"] == "b", "point_type"].iloc[-1] == "common_cause"
