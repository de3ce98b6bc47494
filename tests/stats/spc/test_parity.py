"""Parity with NHSRplotthedots' own recorded outputs (snapshot tests of the R package), to the precision
they are printed at:

- `tests/testthat/_snaps/ptd_spc_standard.md` @3aefce79 ("it returns expected values") and
  `tests/testthat/_snaps/ptd_spc.md` @174380d6 ("it outputs expected content"; summary): y is
  `set.seed(123); rnorm(20)`; the facet case splits it into two facets of 10 points.

The y values are R's `rnorm(20)` after `set.seed(123)` (R >= 3.6 sampling), written out in full here
so no R is needed.
"""

import pandas as pd
import pytest

from cancer_alliance.stats.spc import SpcOptions, spc, summary

pytestmark = pytest.mark.parity

RNORM_SEED_123 = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621, -1.26506123,
    -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272, -0.55584113, 1.78691314,
    0.49785048, -1.96661716, 0.70135590, -0.47279141,
]  # fmt: skip


def test_one_series_mean_and_limits():
    """Snapshot: mean 0.142, lpl -3.01, upl 3.29; n 20, common_cause 20."""
    got = spc(pd.DataFrame({"x": range(1, 21), "y": RNORM_SEED_123}))
    assert round(got["mean"].iloc[0], 3) == 0.142
    assert round(got["lpl"].iloc[0], 2) == -3.01
    assert round(got["upl"].iloc[0], 2) == 3.29
    assert (got["point_type"] == "common_cause").sum() == 20


def test_two_facets():
    """Snapshot (facet_field = 'facet'): f 0: 0.0746, -2.60, 2.75; f 1: 0.209, -3.28, 3.70; 10 points each."""
    frame = pd.DataFrame({"f": [0] * 10 + [1] * 10, "x": list(range(10)) * 2, "y": RNORM_SEED_123})
    got = spc(frame, series=["f"]).groupby("f").first()
    assert got["mean"].round(4).tolist() == [0.0746, 0.2086]
    assert got["lpl"].round(2).tolist() == [-2.60, -3.28]
    assert got["upl"].round(2).tolist() == [2.75, 3.70]
    assert got["short_group_warning"].tolist() == [True, True]


def test_summary_with_a_target_of_0_5():
    """Snapshot "summary with a target": target 0.5 lies between the limits -> inconsistent."""
    options = SpcOptions(target=0.5)
    got = summary(spc(pd.DataFrame({"x": range(1, 21), "y": RNORM_SEED_123}), options), options)
    assert got[["variation_type", "assurance_type"]].iloc[0].tolist() == ["common_cause", "inconsistent"]
