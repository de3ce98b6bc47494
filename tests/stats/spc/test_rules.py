"""The special-cause rules one by one, with the cases of NHSRplotthedots'
`tests/testthat/test-ptd_calculate_point_type.R` (commit 8aac323) translated to "part of a signal"
flags, plus the edge cases: empty input, fewer than seven points, exactly seven."""

import numpy as np
import pytest

from cancer_alliance.stats.spc import rules

pytestmark = pytest.mark.spec


def row(values):
    return np.array([values], dtype=float)


@pytest.mark.parametrize(
    ("side", "expected"),
    [
        # ptd_seven_point_one_side_mean: six points are not a run; seven (or more) are, all of them
        ([1] * 6, [0] * 6),
        ([1] * 6 + [-1], [0] * 7),
        ([1] * 7, [1] * 7),
        ([1] * 8 + [-1], [1] * 8 + [0]),
        ([-1] * 8 + [1], [1] * 8 + [0]),
        # a point on the mean breaks a run (sign 0 never matches)
        ([1] * 3 + [0] + [1] * 6, [0] * 10),
    ],
)
def test_shift_marks_every_point_of_a_run_of_seven_on_one_side(side, expected):
    assert rules.shift(np.array([side], dtype=np.int8)).astype(int).tolist() == [expected]


def test_shift_of_an_empty_series_is_empty():
    assert rules.shift(np.zeros((1, 0), dtype=np.int8)).shape == (1, 0)


@pytest.mark.parametrize(
    ("y", "expected"),
    [
        # ptd_seven_point_trend cases: 1:6 too short; c(1:3, 3:6) has a tie; 1:7, 7:1 and embedded ones
        (list(range(1, 7)), [0] * 6),
        ([1, 2, 3, 3, 4, 5, 6], [0] * 7),
        (list(range(1, 8)), [1] * 7),
        ([2, *range(1, 8), 3], [0, 1, 1, 1, 1, 1, 1, 1, 0]),
        (list(range(7, 0, -1)), [-1] * 7),
        ([2, *range(7, 0, -1), 3], [0, -1, -1, -1, -1, -1, -1, -1, 0]),
    ],
)
def test_trend_marks_seven_steadily_rising_or_falling_points(y, expected):
    """Direction of each point that is part of a trend (+1 rising, -1 falling), 0 elsewhere: the points
    around the seven (2 before, 3 after) are not part of it."""
    assert rules.trend(row(y))[0].tolist() == expected


def test_a_shared_point_takes_the_direction_of_the_trend_to_its_right():
    """Seven rising then six more falling points share the peak; the peak is part of the falling trend
    to its right ("if a point is part of a trend either side, use right side", ptd_special_cause_type)."""
    y = [1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1]
    assert rules.trend(row(y))[0].tolist() == [1] * 6 + [-1] * 7


def test_trend_needs_seven_points():
    assert rules.trend(row([])).shape == (1, 0)
    assert rules.trend(row([1.0])).tolist() == [[0]]


def test_padding_never_joins_a_trend():
    y = np.array([[1, 2, 3, 4, 5, 6, np.nan, np.nan]])
    assert rules.trend(y)[0].tolist() == [0] * 8


@pytest.mark.parametrize(
    ("near", "side", "expected"),
    [
        # ptd_two_in_three + ptd_part_of_two_in_three: only the near points of a qualifying window
        ([1, 0, 1], [1, 1, 1], [1, 0, 1]),
        ([0, 1, 1], [1, 1, 1], [0, 1, 1]),
        ([1, 1, 0], [1, 1, 1], [1, 1, 0]),
        ([0, 0, 1, 0, 1, 0, 0], [1] * 7, [0, 0, 1, 0, 1, 0, 0]),
        ([1, 0, 0, 1], [1] * 4, [0, 0, 0, 0]),
        ([1, 0, 0, 1, 1], [1] * 5, [0, 0, 0, 1, 1]),
        # all three points must be on the same side of the mean (issue #143)
        ([1, 0, 1], [1, -1, 1], [0, 0, 0]),
        ([0, 1, 1], [1, -1, 1], [0, 0, 0]),
        ([0, 0, 1, 1, 0, 0, 0], [-1, 1, -1, 1, -1, 1, -1], [0] * 7),
        # two near points with only two points in the series: no window of three
        ([1, 1], [1, 1], [0, 0]),
    ],
)
def test_two_of_three_near_a_limit(near, side, expected):
    got = rules.two_of_three_near_limit(np.array([near], dtype=bool), np.array([side], dtype=np.int8))
    assert got.astype(int).tolist() == [expected]


def test_outside_limits_is_strict_and_ignores_undefined_limits():
    y = np.array([[0.0, 1.0, 2.0, 3.0], [0.0, 1.0, 2.0, 3.0]])
    got = rules.outside_limits(y, np.array([1.0, np.nan]), np.array([2.0, np.nan]))
    assert got.astype(int).tolist() == [[1, 0, 0, 1], [0, 0, 0, 0]]


def test_near_limits_excludes_points_beyond_the_limit():
    y = np.array([[0.0, 1.5, 5.0, 8.5, 10.0]])
    outside = rules.outside_limits(y, np.array([1.0]), np.array([9.0]))
    near = rules.near_limits(y, np.array([2.0]), np.array([8.0]), outside)
    assert near.astype(int).tolist() == [[0, 1, 0, 1, 0]]
