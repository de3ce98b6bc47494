"""Complete months (issue 23, "Statistics presentation"): a month counts once its last day is on or
before the data's as-of date."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cancer_alliance.stats.periods import complete_months, is_complete, latest_complete, month_end

MONTHS = ["2018-12", "2019-01", "2019-02", "2019-03"]


@pytest.mark.parametrize(
    ("as_of", "complete", "latest"),
    [
        # as_of                 complete months                         latest complete
        (dt.date(2019, 3, 31), MONTHS, "2019-03"),  # the last day of March: March is complete
        (dt.date(2019, 3, 30), MONTHS[:3], "2019-02"),  # a day short: March is still running
        (dt.date(2019, 2, 28), MONTHS[:3], "2019-02"),  # 2019 is not a leap year
        (dt.date(2018, 12, 15), [], "2019-03"),  # nothing complete: the latest month of all
        (None, MONTHS, "2019-03"),  # no as-of date known: every month counts
    ],
)
def test_complete_months_end_on_or_before_the_as_of_date(as_of, complete, latest):
    assert complete_months(reversed(MONTHS), as_of) == complete
    assert latest_complete(MONTHS, as_of) == latest


def test_month_end_knows_leap_years():
    assert (month_end("2020-02"), month_end("2019-02"), month_end("2019-12")) == (
        dt.date(2020, 2, 29),
        dt.date(2019, 2, 28),
        dt.date(2019, 12, 31),
    )


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31)))
def test_a_month_is_complete_exactly_from_its_last_day(day):
    month = day.strftime("%Y-%m")
    assert is_complete(month, day) == (day == month_end(month))
    assert is_complete(month, month_end(month) + dt.timedelta(days=1))
