"""Mean, moving range and process limits (NHSRplotthedots `R/ptd_spc_standard.R`; vignette
"deviations" §1 for outlier screening)."""

import math

import numpy as np
import pandas as pd
import pytest

from cancer_alliance.stats.spc import SpcOptions, spc
from cancer_alliance.stats.spc.limits import (
    D2_PAIRS,
    MR_SCREEN_LIMIT,
    NEAR_LIMIT_MR,
    PROCESS_LIMIT_MR,
    limits,
    screen_outliers,
)

pytestmark = pytest.mark.spec

#: The series of the NHSRplotthedots "deviations" vignette, §1 (one outlier of 10 among 1s and 2s).
DEVIATIONS_SERIES = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]


def test_constants_are_the_xmr_constants():
    """2.66 = 3 / d2 rounded to 2 dp; near-limit = 2 sigma; 3.267 = D4 for n = 2 (1 + 3 x 0.8525 / 1.128)."""
    assert round(3 / D2_PAIRS, 2) == PROCESS_LIMIT_MR == 2.66
    assert NEAR_LIMIT_MR == pytest.approx(2 / 3 * 2.66)
    assert round(1 + 3 * 0.8525 / D2_PAIRS, 3) == MR_SCREEN_LIMIT


@pytest.mark.parametrize(
    ("screen", "mean_moving_range"),
    [
        # default: moving ranges 8 and 9 are >= 3.267 x 32/17 and are dropped, leaving fifteen ranges of 1
        (True, 1.0),
        # screen_outliers = FALSE reproduces the Making Data Count Excel tools: all 17 ranges, sum 32
        (False, 32 / 17),
    ],
)
def test_limits_of_the_deviations_vignette_series(screen, mean_moving_range):
    points = spc(pd.DataFrame({"x": range(18), "y": DEVIATIONS_SERIES}), SpcOptions(screen_outliers=screen))
    mean = 35 / 18
    assert points["mean"].iloc[0] == pytest.approx(mean)
    assert points["upl"].iloc[0] == pytest.approx(mean + 2.66 * mean_moving_range)
    assert points["lpl"].iloc[0] == pytest.approx(mean - 2.66 * mean_moving_range)
    assert points["point_type"].iloc[4] == "special_cause_improvement"


@pytest.mark.parametrize(("big", "screened"), [(13.0, False), (14.0, True)])
def test_a_range_at_or_above_3_267_mean_ranges_is_screened(big, screened):
    """Ranges (1, 1, 1, b): b is kept while b < 3.267 x (3 + b) / 4, i.e. b < 13.37 (ptd_spc_standard.R)."""
    kept = screen_outliers(np.array([[np.nan, 1.0, 1.0, 1.0, big]]))
    assert bool(np.isnan(kept[0, 4])) is screened
    assert (kept[0, 1:4] == 1.0).all()


def test_a_constant_series_has_undefined_limits_and_no_signal():
    """Every moving range is 0, so each is screened (0 < 0 is false) and the limits are NaN, as in
    NHSRplotthedots; all points are common cause."""
    points = spc(pd.DataFrame({"x": range(10), "y": [5.0] * 10}))
    assert points["mean"].eq(5).all()
    assert points["upl"].isna().all() and points["lpl"].isna().all()
    assert points["point_type"].eq("common_cause").all()


def test_without_screening_a_constant_series_has_limits_on_the_mean():
    points = spc(pd.DataFrame({"x": range(10), "y": [5.0] * 10}), SpcOptions(screen_outliers=False))
    assert points["upl"].eq(5).all() and points["lpl"].eq(5).all()


def test_limits_work_on_many_padded_segments_at_once():
    y = np.array([[1.0, 3.0, 2.0, np.nan], [4.0, 4.0, 6.0, 8.0]])
    result = limits(y, screen=False)
    assert result.mean == pytest.approx([2.0, 5.5])
    assert result.mean_moving_range == pytest.approx([1.5, 4 / 3])
    assert not math.isnan(result.upl[0])
