"""Vectorised sampling helpers shared by the table generators (numpy only, no per-record loop).

Dates are int64 day numbers (days since 1970-01-01, numpy's datetime64[D] epoch); -1 never occurs as a
valid date here, so nulls are carried by separate boolean masks.
"""

from __future__ import annotations

import numpy as np

EPOCH = np.datetime64("1970-01-01", "D")
#: Relative chance of an appointment or treatment on Monday..Sunday (clinics rarely run at weekends).
WEEKDAY_WEIGHTS = np.array([1.0, 1.0, 1.0, 1.0, 0.95, 0.08, 0.04])


def day(value: str | np.datetime64) -> int:
    """Day number of an ISO date."""
    return int((np.datetime64(value, "D") - EPOCH).astype(np.int64))


def expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def logit(p: np.ndarray | float) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def categorical(
    rng: np.random.Generator, probabilities: np.ndarray, rows: np.ndarray | None = None
) -> np.ndarray:
    """One category index per row: `probabilities` is a (k,) vector, or a (groups, k) table indexed
    by `rows`."""
    table = np.asarray(probabilities, dtype=float)
    if table.ndim == 1:
        n = len(rows) if rows is not None else 1
        cdf = np.cumsum(table / table.sum())
        return np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(table) - 1)
    cdf = np.cumsum(table / table.sum(axis=1, keepdims=True), axis=1)[rows]
    u = rng.random(len(rows))[:, None]
    return np.minimum((u >= cdf).sum(axis=1), table.shape[1] - 1)


def trust_month_probability(
    rng: np.random.Generator, target: np.ndarray, share: np.ndarray, trust_sd: float, month_sd: float
) -> np.ndarray:
    """Within-standard probability for each trust (rows) and month (columns).

    Each trust gets a lasting effect (sd `trust_sd` on the logit scale) and monthly noise (`month_sd`);
    a per-month offset, solved by Newton's method, makes the activity-weighted mean over trusts equal
    the national target of that month exactly, so the variation never moves the national figure.
    `share` is each trust's expected activity (trusts,) or its actual records per month (trusts, months).
    """
    trusts, months = len(share), len(target)
    base = (
        logit(target)[None, :]
        + rng.normal(0, trust_sd, (trusts, 1))
        + rng.normal(0, month_sd, (trusts, months))
    )
    share = share if share.ndim == 2 else share[:, None]
    weights = share / np.maximum(share.sum(axis=0, keepdims=True), 1e-12)
    offset = np.zeros(months)
    for _ in range(40):
        p = expit(base + offset)
        gap = (weights * p).sum(axis=0) - target
        slope = (weights * p * (1 - p)).sum(axis=0)
        offset -= gap / np.maximum(slope, 1e-12)
    return expit(base + offset)


def within_days(rng: np.random.Generator, n: int, limit: int, a: float, b: float) -> np.ndarray:
    """Waits of 0..limit days, shaped by a Beta(a, b) on that range (a > b leans towards the limit)."""
    return np.minimum((rng.beta(a, b, n) * (limit + 1)).astype(np.int64), limit)


def breach_days(rng: np.random.Generator, n: int, limit: int, mean_excess: float) -> np.ndarray:
    """Waits beyond `limit`: limit + 1 + a geometric excess with the given mean (long right tail)."""
    return limit + rng.geometric(1.0 / mean_excess, n).astype(np.int64)


def waits(
    rng: np.random.Generator, within: np.ndarray, limit: int, a: float, b: float, mean_excess: float
) -> np.ndarray:
    """A wait for each record: inside the standard where `within`, beyond it elsewhere."""
    days = within_days(rng, len(within), limit, a, b)
    late = ~within
    days[late] = breach_days(rng, int(late.sum()), limit, mean_excess)
    return days


def dates_in_months(rng: np.random.Generator, month_starts: np.ndarray, month: np.ndarray) -> np.ndarray:
    """A weekday-weighted day number within each record's month (`month` indexes `month_starts`,
    an array of datetime64[M])."""
    first = (month_starts.astype("datetime64[D]") - EPOCH).astype(np.int64)
    last = ((month_starts + 1).astype("datetime64[D]") - EPOCH).astype(np.int64)
    result = np.empty(len(month), dtype=np.int64)
    for m in range(len(month_starts)):
        rows = np.flatnonzero(month == m)
        if len(rows) == 0:
            continue
        days = np.arange(first[m], last[m])
        weights = WEEKDAY_WEIGHTS[(days + 3) % 7]  # 1970-01-01 was a Thursday
        result[rows] = days[categorical(rng, weights, rows)]
    return result


def month_of(days: np.ndarray, month_starts: np.ndarray) -> np.ndarray:
    """Index into `month_starts` of each day number's month; -1 outside them."""
    months = (days.astype("datetime64[D]")).astype("datetime64[M]")
    index = (months - month_starts[0]).astype(np.int64)
    return np.where((index >= 0) & (index < len(month_starts)), index, -1)


def stochastic_round(rng: np.random.Generator, values: np.ndarray) -> np.ndarray:
    """Round to integers, up with probability equal to the fraction, so expected totals are kept."""
    floor = np.floor(values)
    return (floor + (rng.random(np.shape(values)) < values - floor)).astype(np.int64)
