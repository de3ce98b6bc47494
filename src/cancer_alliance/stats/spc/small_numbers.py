"""The small-number rule for SPC of a rate (issue 23, "Statistics presentation"; docs/decisions/0039).

A month's rate over a handful of patients moves by whole tens of points with one patient (1 of 4 is
25 points), so an XmR chart over such months marks special causes that are chance: a trust with 1-4
patients a month showed a signal nearly every month. Below `min_patients` patients in a month, the
month is still drawn and kept in the limits, but claims no signal: its point type is common cause, so
neither the chart, its table nor the variation icon (from the latest point) reports one, and the page
shows `caution` instead. The limits and the computed point types over all months are unchanged in
the XmR maths (`spc.spc`); this rule only withholds the claim.

`min_patients` is a setting: `ALLIANCE_SPC_MIN_PATIENTS` (default 20, the number at which one
patient moves the rate by 5 percentage points, the gap between an amber and a red RAG of the
programme's deliverables; 0 turns the rule off).
"""

from __future__ import annotations

import os

import pandas as pd

from cancer_alliance.errors import InputError
from cancer_alliance.stats.spc.assurance import PointType

SETTING = "ALLIANCE_SPC_MIN_PATIENTS"
DEFAULT_MIN_PATIENTS = 20


def min_patients() -> int:
    """The setting's value (`ALLIANCE_SPC_MIN_PATIENTS`, default 20); a clear error when not a count."""
    text = os.environ.get(SETTING, "").strip()
    if not text:
        return DEFAULT_MIN_PATIENTS
    try:
        value = int(text)
    except ValueError:
        raise InputError(f"{SETTING} must be a whole number of patients (got {text!r})") from None
    if value < 0:
        raise InputError(f"{SETTING} must not be negative (got {value})")
    return value


def small(totals: pd.Series, minimum: int) -> pd.Series:
    """Which months have fewer than `minimum` patients (a month with no count is not small: it has
    no rate, so no point)."""
    return totals.notna() & (totals.astype(float) < minimum)


def quieten(points: pd.DataFrame, total_column: str, minimum: int) -> pd.DataFrame:
    """`points` (from `spc.spc`) with the point type of each small month set to common cause."""
    if minimum <= 0 or total_column not in points or points.empty:
        return points
    mask = small(points[total_column], minimum).to_numpy()
    if not mask.any():
        return points
    types = points["point_type"].astype(str).where(~mask, PointType.common_cause.value)
    return points.assign(point_type=pd.Categorical(types))


def caution(totals: pd.Series, minimum: int) -> str | None:
    """What the page says when some months are small, else None."""
    if minimum <= 0:
        return None
    count = int(small(totals, minimum).sum())
    if not count:
        return None
    months = "month has" if count == 1 else "months have"
    return (
        f"Small numbers: {count} of {int(totals.notna().sum())} {months} fewer than {minimum} patients. "
        "One patient moves such a month's rate by 5 percentage points or more, so no special cause is "
        "claimed for those months; read them as chance unless the pattern lasts."
    )
