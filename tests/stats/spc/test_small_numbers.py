"""The small-number rule (issue 23; docs/decisions/0039): a month with fewer patients than the setting
claims no SPC signal, the limits are unchanged, and the page gets a caution."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cancer_alliance.errors import InputError
from cancer_alliance.stats.spc.cwt import cwt_spc
from cancer_alliance.stats.spc.small_numbers import caution, min_patients, quieten

pytestmark = pytest.mark.spec

MONTHS = [f"2018-{m:02d}" for m in range(1, 13)] + [f"2019-{m:02d}" for m in range(1, 5)]


def series(totals: list[float]) -> pd.DataFrame:
    """A trust's 62-day series: 8 months at 100%, then 8 at 50% (a shift either side of the mean)."""
    rates = [1.0] * 8 + [0.5] * 8
    return pd.DataFrame(
        {
            "standard_id": "62d_usc",
            "reporting_month": MONTHS,
            "provider": "RGN",
            "performance": rates,
            "threshold": 0.85,
            "total": totals,
        }
    )


def test_a_shift_over_tiny_months_is_not_claimed_as_a_signal():
    tiny = series([2.0] * 16)  # 1 to 2 patients a month
    loud, loud_summary = cwt_spc(tiny, "provider", min_patients=0)
    quiet, quiet_summary = cwt_spc(tiny, "provider", min_patients=20)
    assert "common_cause" not in set(loud["point_type"].astype(str))  # every month flagged without the rule
    assert set(quiet["point_type"].astype(str)) == {"common_cause"}
    assert quiet_summary["variation_type"].tolist() == ["common_cause"]
    assert loud[["mean", "lpl", "upl"]].equals(quiet[["mean", "lpl", "upl"]])  # limits unchanged


def test_only_the_small_months_lose_their_signal():
    mixed = series([40.0] * 8 + [4.0] * 8)
    points, _ = cwt_spc(mixed, "provider", min_patients=20)
    types = points["point_type"].astype(str).tolist()
    assert types[8:] == ["common_cause"] * 8
    assert set(types[:8]) == {"special_cause_improvement"}


@pytest.mark.parametrize(
    ("totals", "minimum", "expected"),
    [
        ([40.0, 40.0, 40.0], 20, None),
        ([40.0, 5.0, 40.0], 20, "Small numbers: 1 of 3 month has fewer than 20 patients."),
        ([5.0, 5.0, None], 20, "Small numbers: 2 of 2 months have fewer than 20 patients."),
        ([5.0, 5.0, 5.0], 0, None),  # the rule turned off
    ],
)
def test_the_caution_counts_the_small_months(totals, minimum, expected):
    found = caution(pd.Series(totals), minimum)
    assert (found if found is None else found.split(" One patient")[0]) == expected


@pytest.mark.parametrize(("text", "value"), [("", 20), ("0", 0), (" 35 ", 35)])
def test_the_setting(monkeypatch, text, value):
    monkeypatch.setenv("ALLIANCE_SPC_MIN_PATIENTS", text)
    assert min_patients() == value


@pytest.mark.parametrize("text", ["twenty", "-1", "2.5"])
def test_a_bad_setting_is_refused_naming_it(monkeypatch, text):
    monkeypatch.setenv("ALLIANCE_SPC_MIN_PATIENTS", text)
    with pytest.raises(InputError, match="ALLIANCE_SPC_MIN_PATIENTS"):
        min_patients()


@given(st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=24), st.integers(0, 50))
def test_quieten_never_adds_a_signal_and_keeps_large_months(totals, minimum):
    types = ["special_cause_concern" if i % 3 else "common_cause" for i in range(len(totals))]
    points = pd.DataFrame({"total": totals, "point_type": pd.Categorical(types)})
    out = quieten(points, "total", minimum)["point_type"].astype(str).tolist()
    for before, after, total in zip(types, out, totals, strict=True):
        assert after == (before if total >= minimum else "common_cause")
