"""XmR centre line and process limits, the way NHSRplotthedots computes them
(`nhs-r-community/NHSRplotthedots:R/ptd_spc_standard.R`), over many segments at once.

A segment is one series between rebase points; segments arrive as rows of a 2-D array padded with
NaN. The mean and the moving ranges use only the first `fix_after_n_points` points of a segment when
that is set (the baseline is fixed); the limits then apply to every point of the segment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Bias-correction constant d2 for moving ranges of two consecutive points (ASTM / Montgomery,
#: "Introduction to Statistical Quality Control", Appendix VI): sigma = mean moving range / d2.
D2_PAIRS = 1.128

#: Process limits sit 3 sigma from the mean: 3 / d2 = 2.6596, which NHSRplotthedots and the Making
#: Data Count tools round to 2.66 (`limit <- 2.66` in ptd_spc_standard.R). Kept rounded to match them.
PROCESS_LIMIT_MR = 2.66

#: "Near a limit" starts at 2 sigma: two thirds of the 3-sigma distance (`limitclose <- 2 * (limit / 3)`).
NEAR_LIMIT_MR = 2 * PROCESS_LIMIT_MR / 3

#: Upper range limit for moving ranges of two points, D4 = 1 + 3 d3 / d2 = 3.267 (d3 = 0.8525). Moving
#: ranges at or above 3.267 times the mean moving range are screened out before the limits are
#: computed (Nelson 1982; Provost & Murray 2011, pp. 155, 192; NHSRplotthedots vignette "deviations" §1).
MR_SCREEN_LIMIT = 3.267


@dataclass(frozen=True)
class Limits:
    """Per-segment centre line and limits (1-D arrays, one value per segment)."""

    mean: np.ndarray
    mean_moving_range: np.ndarray
    lpl: np.ndarray
    upl: np.ndarray
    near_lower: np.ndarray
    near_upper: np.ndarray


def _nanmean(values: np.ndarray) -> np.ndarray:
    """Row means ignoring NaN; NaN (not a warning) for a row with no values, as R's mean(na.rm = TRUE)."""
    present = ~np.isnan(values)
    count = present.sum(axis=1)
    total = np.where(present, values, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def baseline(y: np.ndarray, fix_after_n_points: int | None) -> np.ndarray:
    """The values the limits are computed from: the first n points of each segment, NaN after."""
    if fix_after_n_points is None:
        return y
    fixed = y.copy()
    fixed[:, fix_after_n_points:] = np.nan
    return fixed


def moving_ranges(values: np.ndarray) -> np.ndarray:
    """|y[i] - y[i-1]| per segment; the first point of a segment has none (NaN)."""
    ranges = np.full(values.shape, np.nan)
    ranges[:, 1:] = np.abs(np.diff(values, axis=1))
    return ranges


def screen_outliers(ranges: np.ndarray) -> np.ndarray:
    """Drop moving ranges that are not below MR_SCREEN_LIMIT x the mean moving range (strictly below
    is kept, as `mr < 3.267 * amr` in ptd_spc_standard.R). A constant segment has a mean moving range
    of 0, so every range is screened out and the limits are undefined (NaN), as in NHSRplotthedots."""
    mean_range = _nanmean(ranges)[:, None]
    with np.errstate(invalid="ignore"):
        keep = ranges < MR_SCREEN_LIMIT * mean_range
    return np.where(keep, ranges, np.nan)


def limits(y: np.ndarray, fix_after_n_points: int | None = None, screen: bool = True) -> Limits:
    """Mean and limits of each segment (row) of `y`: mean +/- 2.66 mean moving ranges."""
    base = baseline(y, fix_after_n_points)
    ranges = moving_ranges(base)
    if screen:
        ranges = screen_outliers(ranges)
    mean = _nanmean(base)
    amr = _nanmean(ranges)
    return Limits(
        mean=mean,
        mean_moving_range=amr,
        lpl=mean - PROCESS_LIMIT_MR * amr,
        upl=mean + PROCESS_LIMIT_MR * amr,
        near_lower=mean - NEAR_LIMIT_MR * amr,
        near_upper=mean + NEAR_LIMIT_MR * amr,
    )
