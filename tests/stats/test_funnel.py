"""Funnel plot limits and flags (Spiegelhalter 2005: 95% and 99.8% limits around the overall rate)."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cancer_alliance.stats.funnel import funnel, funnel_curve, limits_at


@pytest.mark.spec
def test_limits_are_p0_plus_minus_z_standard_errors():
    lower, upper = limits_at(0.5, [100], 1.959963984540054)
    assert upper[0] == pytest.approx(0.5 + 1.96 * math.sqrt(0.25 / 100), abs=1e-4)
    assert lower[0] == pytest.approx(0.5 - 1.96 * 0.05, abs=1e-4)


@pytest.mark.spec
def test_units_are_flagged_against_both_limits():
    """Overall rate 0.5 (5,000 / 10,000). At n = 400 the 95% limits are 0.451-0.549 and the 99.8% limits
    0.423-0.577."""
    table = pd.DataFrame(
        {
            "trust": ["big", "high", "very_high", "low", "very_low", "empty"],
            "early": [0, 220, 240, 180, 160, 0],
            "staged": [8_400, 400, 400, 400, 400, 0],
        }
    )
    table.loc[0, "early"] = 5_000 - table["early"].iloc[1:].sum()
    got, p0 = funnel(table, "early", "staged")
    assert p0 == 0.5
    flags = dict(zip(got["trust"], got["funnel_flag"], strict=True))
    assert flags == {
        "big": "within_95",
        "high": "above_95",
        "very_high": "above_99.8",
        "low": "below_95",
        "very_low": "below_99.8",
        "empty": None,
    }


@pytest.mark.spec
def test_limits_are_clipped_to_zero_and_one():
    lower, upper = limits_at(0.99, [5], 3.09)
    assert upper[0] == 1.0 and lower[0] < 0.99


@pytest.mark.property
@given(st.floats(0.01, 0.99), st.integers(1, 10**6))
def test_wider_limits_contain_narrower_ones_and_narrow_with_n(p0, n):
    curve = funnel_curve(p0, n)
    assert (curve["lower_998"] <= curve["lower_95"]).all() and (curve["upper_95"] <= curve["upper_998"]).all()
    assert (np.diff(curve["upper_95"]) <= 1e-12).all()


@pytest.mark.spec
def test_cwt_performance_with_half_patients():
    """62-day performance per trust (within / total, halves from shared pathways) on the same funnel."""
    table = pd.DataFrame({"provider": ["RAA", "RBB"], "within": [85.5, 20.0], "total": [100.5, 40.0]})
    got, p0 = funnel(table, "within", "total")
    assert p0 == pytest.approx(105.5 / 140.5)
    assert got["funnel_flag"].tolist() == ["above_95", "below_99.8"]  # 85.1% and 50.0% around 75.1%
