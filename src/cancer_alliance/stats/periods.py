"""Which reporting months are complete on the data's as-of date (issue 23, "Statistics presentation").

A month is complete when its last day is on or before the as-of date: after that, no event of the
month can still arrive (an extract taken on 31 March holds every treatment of March). A month still
running on the as-of date holds only the days so far, so its counts are low and its rates lean
towards the quicker pathways; shown in a trend it looks like a change that is not there (a
bowel-screening year read as "special cause improvement" because of its last, half-filled month).
Trends, SPC and the default month of a page use complete months only; the pages say so.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable


def month_end(month: str) -> dt.date:
    """The last day of a `YYYY-MM` month."""
    year, number = (int(part) for part in month.split("-"))
    return dt.date(year, number, calendar.monthrange(year, number)[1])


def is_complete(month: str, as_of: dt.date | None, lag_days: int = 0) -> bool:
    """Whether `month` had ended `lag_days` before `as_of` (every month counts as complete when `as_of`
    is unknown). `lag_days` is the time a month's events take to finish: 0 for a waiting-times month
    (counted by its treatment date), the uptake window for bowel screening (an invitation of the
    month counts as taken up when screened within it)."""
    return as_of is None or month_end(month) + dt.timedelta(days=lag_days) <= as_of


def complete_months(months: Iterable[str], as_of: dt.date | None, lag_days: int = 0) -> list[str]:
    """The months of `months` complete on `as_of`, oldest first."""
    return sorted(month for month in months if is_complete(month, as_of, lag_days))


def latest_complete(months: Iterable[str], as_of: dt.date | None) -> str | None:
    """The latest complete month, else the latest month of all (so a page always has a month)."""
    months = sorted(months)
    complete = complete_months(months, as_of)
    if complete:
        return complete[-1]
    return months[-1] if months else None
