"""Disclosure control (`publish()`; docs/decisions/0006). ehrQL's convention, read in
`opensafely-core/ehrql:ehrql/measures/disclosure_control.py`: counts <= 7 become 0 (a true 0 stays 0),
then everything is rounded to the nearest 5 and the ratio recomputed. Ours: withheld counts are null
with a flag instead of 0, a true 0 is published as 0 unflagged, halves count like whole patients."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cancer_alliance.stats.disclosure import DisclosurePolicy, Rate, publish

pytestmark = pytest.mark.spec


def controlled(values, **policy):
    table = pd.DataFrame({"n": values})
    return publish(table, ["n"], policy=DisclosurePolicy(**policy) if policy else None)


@pytest.mark.parametrize(
    ("count", "published", "suppressed"),
    [
        (0, 0, False),  # a true zero is not disclosive
        (0.5, None, True),  # half a shared pathway is withheld like a whole patient
        (1, None, True),
        (7, None, True),
        (7.5, 10, False),  # above the threshold; 1.5 fives round up
        (8, 10, False),
        (12, 10, False),
        (12.5, 15, False),  # halves of a multiple of 5 round up
        (13, 15, False),
        (1234, 1235, False),
    ],
)
def test_withhold_1_to_7_and_round_to_5(count, published, suppressed):
    got = controlled([count])
    value = got["n"].iloc[0]
    assert np.isnan(value) if published is None else value == published
    assert bool(got["n_suppressed"].iloc[0]) is suppressed


def test_a_missing_count_stays_missing_and_unflagged():
    got = controlled([np.nan])
    assert np.isnan(got["n"].iloc[0]) and not got["n_suppressed"].iloc[0]


def test_thresholds_are_configurable():
    got = controlled([5, 11, 12], suppress_up_to=10, round_to=10)
    assert got["n"].isna().tolist() == [True, False, False]
    assert got["n"].iloc[1:].tolist() == [10, 10]


def test_disabled_policy_publishes_exact_counts_with_false_flags():
    got = controlled([3, 12], enabled=False)
    assert got["n"].tolist() == [3, 12] and not got["n_suppressed"].any()


def test_rates_are_recomputed_from_published_counts():
    table = pd.DataFrame({"early": [53, 6, 10], "staged": [98, 40, 0]})
    got = publish(table, ["early", "staged"], [Rate("early_pct", "early", "staged", scale=100)])
    assert got["early_pct"].iloc[0] == pytest.approx(55 / 100 * 100)  # 53 -> 55, 98 -> 100
    assert np.isnan(got["early_pct"].iloc[1])  # numerator withheld
    assert np.isnan(got["early_pct"].iloc[2])  # denominator 0
    assert list(got.columns) == ["early", "early_suppressed", "staged", "staged_suppressed", "early_pct"]


def test_national_rows_are_exempt_only_when_configured():
    table = pd.DataFrame({"area": ["England", "Small"], "n": [1234, 3], "is_national": [True, False]})
    exempt = publish(table, ["n"], policy=DisclosurePolicy(exempt_national=True), national="is_national")
    assert exempt["n"].iloc[0] == 1234 and np.isnan(exempt["n"].iloc[1])
    default = publish(table, ["n"], national="is_national")
    assert default["n"].iloc[0] == 1235


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="n: counts cannot be negative"):
        controlled([-1])


@pytest.mark.property
@given(st.lists(st.integers(0, 100_000).map(lambda v: v / 2), min_size=1, max_size=30))
def test_published_counts_are_multiples_of_5_within_2_5_and_never_1_to_7(values):
    got = controlled(values)
    shown = got["n"].dropna().to_numpy()
    assert (shown % 5 == 0).all()
    original = np.array(values)[got["n"].notna().to_numpy()]
    assert (np.abs(shown - original) <= 2.5).all()
    assert not ((shown > 0) & (shown <= 7)).any()
    assert (got["n"].isna() == got["n_suppressed"]).all()
