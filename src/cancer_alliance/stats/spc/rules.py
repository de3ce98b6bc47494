"""The Making Data Count special-cause rules, one small function each, over segments (rows of a 2-D
array padded with NaN). Each follows NHSRplotthedots `R/ptd_calculate_point_type.R` (latest) and
`R/ptd_spc_standard.R`; padding never joins a run, trend or two-in-three window.

Every rule returns, per point, whether the point is part of a signal (and, for trends, its direction).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

#: A shift is 7 or more consecutive points on the same side of the mean; a trend is 7 or more
#: consecutive points each higher (or each lower) than the one before (NHS England, "Making Data Count:
#: strengthening your decisions", 2019, p. 12; `ptd_seven_point_one_side_mean`, `ptd_seven_point_trend`).
RUN_LENGTH = 7
TREND_LENGTH = 7

#: Two of three consecutive points beyond two sigma, all three on the same side of the mean
#: (`ptd_two_in_three`; the same-side condition is the fix for NHSRplotthedots issue #143).
TWO_OF_THREE_WINDOW = 3
TWO_OF_THREE_NEEDED = 2


def outside_limits(y: np.ndarray, lpl: np.ndarray, upl: np.ndarray) -> np.ndarray:
    """Single point strictly beyond a process limit (`y > upl | y < lpl`). Undefined limits (a constant
    baseline) flag nothing."""
    with np.errstate(invalid="ignore"):
        return (y > upl[:, None]) | (y < lpl[:, None])


def relative_to_mean(y: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """+1 above the mean, -1 below, 0 on it or for padding (`sign(y - mean)`)."""
    with np.errstate(invalid="ignore"):
        side = np.sign(y - mean[:, None])
    return np.nan_to_num(side, nan=0.0).astype(np.int8)


def near_limits(
    y: np.ndarray, near_lower: np.ndarray, near_upper: np.ndarray, outside: np.ndarray
) -> np.ndarray:
    """Beyond two sigma but not beyond the process limit (`close_to_limits`)."""
    with np.errstate(invalid="ignore"):
        return ~outside & ((y < near_lower[:, None]) | (y > near_upper[:, None]))


def _part_of_window(ends: np.ndarray, length: int) -> np.ndarray:
    """Mark every point of each window of `length` points whose last point is flagged in `ends`
    (`ptd_part_of_seven_trend`)."""
    if ends.shape[1] == 0:
        return ends
    padded = np.concatenate([ends, np.zeros((ends.shape[0], length - 1), dtype=bool)], axis=1)
    return sliding_window_view(padded, length, axis=1).any(axis=2)


def shift(side: np.ndarray, length: int = RUN_LENGTH) -> np.ndarray:
    """Part of a run of `length` or more points on one side of the mean; a point on the mean breaks
    the run."""
    n_points = side.shape[1]
    ends = np.zeros(side.shape, dtype=bool)
    if n_points >= length:
        windows = sliding_window_view(side, length, axis=1)
        ends[:, length - 1 :] = (windows != 0).all(axis=2) & (windows == windows[:, :, :1]).all(axis=2)
    return _part_of_window(ends, length)


def trend(y: np.ndarray, length: int = TREND_LENGTH) -> np.ndarray:
    """Direction (+1 rising, -1 falling) of points that are part of `length` or more points each strictly
    higher (lower) than the one before; 0 elsewhere. A point shared by two trends, or any point whose
    next point is also in a trend, takes the direction of the step to its right, otherwise of the step
    from its left (`ptd_special_cause_type`, "if a point is part of a trend either side, use right side")."""
    n_series, n_points = y.shape
    steps = np.zeros((n_series, max(n_points - 1, 0)))
    if n_points > 1:
        with np.errstate(invalid="ignore"):
            steps = np.nan_to_num(np.sign(np.diff(y, axis=1)), nan=0.0)
    ends = np.zeros(y.shape, dtype=bool)
    if n_points >= length:
        windows = sliding_window_view(steps, length - 1, axis=1)
        ends[:, length - 1 :] = (windows == 1).all(axis=2) | (windows == -1).all(axis=2)
    part = _part_of_window(ends, length)
    right = np.concatenate([steps, steps[:, -1:]], axis=1) if n_points > 1 else np.zeros(y.shape)
    left = np.concatenate([np.zeros((n_series, 1)), steps], axis=1)
    next_in_trend = np.concatenate([part[:, 1:], np.zeros((n_series, 1), dtype=bool)], axis=1)
    step = np.where(part & next_in_trend, right, left)
    return np.where(part, np.where(step == 1, 1, -1), 0).astype(np.int8)


def two_of_three_near_limit(near: np.ndarray, side: np.ndarray) -> np.ndarray:
    """Points near a limit that are one of at least two such points among three consecutive points all
    on the same side of the mean. Only the near points are flagged, not the third point."""
    n_series, n_points = near.shape
    pad = np.zeros((n_series, TWO_OF_THREE_WINDOW - 1))
    near_padded = np.concatenate([pad, near.astype(float), pad], axis=1)
    side_padded = np.concatenate([pad, side.astype(float), pad], axis=1)
    near_windows = sliding_window_view(near_padded, TWO_OF_THREE_WINDOW, axis=1).sum(axis=2)
    side_windows = np.abs(sliding_window_view(side_padded, TWO_OF_THREE_WINDOW, axis=1).sum(axis=2))
    signal = (near_windows >= TWO_OF_THREE_NEEDED) & (side_windows == TWO_OF_THREE_WINDOW)
    in_signal = signal[:, :n_points] | signal[:, 1 : n_points + 1] | signal[:, 2 : n_points + 2]
    return in_signal & near
