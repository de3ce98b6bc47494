"""Rebasing and fixing the baseline (NHSRplotthedots `ptd_spc(rebase = , fix_after_n_points = )`,
`R/ptd_add_rebase_column.R`, `R/ptd_spc_standard.R`; Making Data Count: recalculate limits only after a
sustained, explained change)."""

import pandas as pd
import pytest

from cancer_alliance.errors import InputError
from cancer_alliance.stats.spc import SpcOptions, spc

pytestmark = pytest.mark.spec

BEFORE = [9, 11] * 6
AFTER = [19, 21] * 6
SERIES = pd.DataFrame({"x": range(24), "y": BEFORE + AFTER})


def test_rebase_starts_new_limits_at_the_given_x():
    got = spc(SERIES, SpcOptions(rebase=(12,)))
    assert got["rebase_group"].tolist() == [0] * 12 + [1] * 12
    assert got["mean"].iloc[0] == 10 and got["mean"].iloc[12] == 20
    assert set(got["point_type"]) == {"common_cause"}


def test_without_rebase_the_step_is_a_shift():
    got = spc(SERIES)
    assert got["point_type"].iloc[-1] == "special_cause_improvement"


def test_several_rebase_points_and_a_rebase_on_the_first_point():
    got = spc(SERIES, SpcOptions(rebase=(0, 6, 12)))
    assert got["rebase_group"].tolist() == [1] * 6 + [2] * 6 + [3] * 12
    assert got["mean"].nunique() == 2  # 0-5 and 6-11 both have mean 10


def test_rebase_at_an_unknown_x_is_an_error():
    with pytest.raises(InputError, match="rebase 99 is not one of the x values"):
        spc(SERIES, SpcOptions(rebase=(99,)))


def test_fixed_baseline_uses_only_the_first_n_points():
    got = spc(SERIES, SpcOptions(fix_after_n_points=12))
    assert got["mean"].eq(10).all()
    assert got["upl"].iloc[-1] == pytest.approx(10 + 2.66 * 2)
    # every later point is beyond the fixed upper limit
    assert got["point_type"].iloc[12:].eq("special_cause_improvement").all()


def test_fixed_baseline_applies_within_each_rebased_segment():
    y = BEFORE + [9, 11] * 2 + AFTER
    frame = pd.DataFrame({"x": range(len(y)), "y": y})
    got = spc(frame, SpcOptions(rebase=(12,), fix_after_n_points=12))
    # the second segment's first twelve points are 9, 11, 9, 11 and four pairs of 19, 21
    assert got["mean"].iloc[12:].eq(200 / 12).all()
    assert got["mean"].iloc[0] == 10


def test_fix_after_fewer_than_twelve_points_is_refused():
    with pytest.raises(InputError, match="12 or more"):
        SpcOptions(fix_after_n_points=11)


def test_short_segments_are_flagged():
    got = spc(SERIES, SpcOptions(rebase=(18,)))
    assert got["short_group_warning"].tolist() == [False] * 18 + [True] * 6
