"""SPC on CWT performance (issue 5 item 5): one series per standard and organisation, threshold as the
target, higher is better."""

import pandas as pd
import pytest

from cancer_alliance.errors import InputError
from cancer_alliance.stats.spc.cwt import cwt_spc

pytestmark = pytest.mark.spec

MONTHS = [str(m) for m in pd.period_range("2018-04", periods=24, freq="M")]


def table(level="provider"):
    rows = []
    for org, values, threshold in [
        ("RAA", [0.80, 0.82] * 12, 0.85),  # limits 0.757-0.863: threshold inside -> inconsistent
        ("RBB", [0.95, 0.97] * 11 + [0.5, None], 0.85),  # last month empty, one month far below
    ]:
        for month, value in zip(MONTHS, values, strict=True):
            rows.append(
                {
                    "standard_id": "62d",
                    "reporting_month": month,
                    level: org,
                    "performance": value,
                    "threshold": threshold,
                }
            )
    rows.append(
        {
            "standard_id": "upgrade",
            "reporting_month": MONTHS[0],
            level: "RAA",
            "performance": 0.9,
            "threshold": None,
        }
    )
    return pd.DataFrame(rows)


def test_one_series_per_standard_and_trust_against_the_threshold():
    points, summaries = cwt_spc(table())
    assert len(points) == 24 + 23 + 1  # the empty month is left out
    got = summaries.set_index(["standard_id", "provider"])
    assert got.loc[("62d", "RAA"), "assurance_type"] == "inconsistent"
    assert got.loc[("62d", "RBB"), "variation_type"] == "special_cause_concern"
    assert got.loc[("62d", "RBB"), "variation_icon"] == "concern_low"
    assert got.loc[("upgrade", "RAA"), "assurance_type"] is None


def test_alliance_level():
    _, summaries = cwt_spc(table("alliance"), level="alliance")
    assert set(summaries["alliance"]) == {"RAA", "RBB"}


def test_a_table_without_the_organisation_column_is_refused():
    with pytest.raises(InputError, match="column 'alliance' is missing"):
        cwt_spc(table(), level="alliance")
