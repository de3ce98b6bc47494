"""Wilson score intervals against the worked examples of Newcombe RG, "Two-sided confidence intervals
for the single proportion: comparison of seven methods", Stat Med 1998;17:857, Table I (method 3)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cancer_alliance.stats.intervals import wilson


@pytest.mark.spec
@pytest.mark.parametrize(
    ("x", "n", "lower", "upper"),
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)],
)
def test_newcombe_table_one(x, n, lower, upper):
    got = wilson(x, n)
    assert round(float(got[0]), 4) == lower and round(float(got[1]), 4) == upper


@pytest.mark.spec
def test_no_trials_gives_no_interval():
    lower, upper = wilson([0, 3], [0, 6])
    assert np.isnan(lower[0]) and np.isnan(upper[0]) and 0 < lower[1] < 0.5 < upper[1] < 1


@pytest.mark.property
@given(st.integers(0, 10_000), st.integers(1, 10_000))
def test_the_interval_contains_the_proportion_and_stays_in_0_1(x, n):
    x = min(x, n)
    lower, upper = wilson(x, n)
    assert 0 <= lower <= x / n + 1e-12 and x / n - 1e-12 <= upper <= 1
