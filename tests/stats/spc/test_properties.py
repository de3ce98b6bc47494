"""Invariants of `spc()` over generated series (Hypothesis, profile `ci`)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cancer_alliance.stats.spc import SpcOptions, spc

pytestmark = pytest.mark.property

values = st.lists(st.integers(-50, 50).map(float), min_size=1, max_size=40)


@given(values)
def test_limits_bracket_the_mean(y):
    got = spc(pd.DataFrame({"x": range(len(y)), "y": y}))
    defined = got["upl"].notna()
    assert (got.loc[defined, "lpl"] <= got.loc[defined, "mean"]).all()
    assert (got.loc[defined, "mean"] <= got.loc[defined, "upl"]).all()


@given(values, st.integers(-1000, 1000))
def test_shifting_every_value_shifts_the_limits_and_keeps_the_point_types(y, offset):
    base = spc(pd.DataFrame({"x": range(len(y)), "y": y}))
    moved = spc(pd.DataFrame({"x": range(len(y)), "y": [v + offset for v in y]}))
    assert moved["point_type"].tolist() == base["point_type"].tolist()
    assert np.allclose(moved["mean"], base["mean"] + offset)


@given(st.lists(values, min_size=1, max_size=5), st.randoms(use_true_random=False))
def test_many_series_at_once_equal_each_series_alone(series, random):
    """Vectorising over series changes nothing, whatever the input order."""
    frame = pd.concat(
        [pd.DataFrame({"s": i, "x": range(len(y)), "y": y}) for i, y in enumerate(series)], ignore_index=True
    )
    shuffled = frame.sample(frac=1, random_state=random.randint(0, 2**31))
    together = spc(shuffled, SpcOptions(improvement_direction="decrease"), series=["s"])
    for i, y in enumerate(series):
        alone = spc(pd.DataFrame({"x": range(len(y)), "y": y}), SpcOptions(improvement_direction="decrease"))
        part = together[together["s"] == i]
        assert part["point_type"].tolist() == alone["point_type"].tolist()
        assert np.allclose(part["upl"], alone["upl"], equal_nan=True)
