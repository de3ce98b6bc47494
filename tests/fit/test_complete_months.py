"""Bowel-screening trends leave out invitation months still inside the uptake window on the as-of
date (issue 23; `fit.published.complete_invitation_months`, `stats.periods`)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cancer_alliance.fit.published import complete_invitation_months

pytestmark = pytest.mark.spec


@pytest.mark.parametrize(
    ("as_of", "window", "kept", "left_out"),
    [
        # months end 31 Jan, 28 Feb, 31 Mar 2019
        (dt.date(2019, 3, 31), 0, ["2019-01", "2019-02", "2019-03"], []),
        (dt.date(2019, 3, 31), 31, ["2019-01", "2019-02"], ["2019-03"]),  # 28 Feb + 31 days = 31 Mar
        (dt.date(2019, 3, 31), 60, [], ["2019-01", "2019-02", "2019-03"]),  # 31 Jan + 60 days = 1 Apr
        (dt.date(2019, 3, 31), 59, ["2019-01"], ["2019-02", "2019-03"]),  # 31 Jan + 59 days = 31 Mar
    ],
)
def test_a_month_counts_once_its_invitations_had_the_whole_window(as_of, window, kept, left_out):
    months = pd.DataFrame({"invitation_month": ["2019-01", "2019-02", "2019-03"], "uptake": [0.6, 0.5, 0.2]})
    found, dropped = complete_invitation_months(months, as_of, window)
    assert (found["invitation_month"].tolist(), dropped) == (kept, left_out)
