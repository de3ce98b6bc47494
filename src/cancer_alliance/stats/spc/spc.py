"""XmR statistical process control with the Making Data Count rules, matching NHSRplotthedots
(`ptd_spc`): names, defaults and results. Many series are computed at once (one numpy pass), so the
same call serves one chart and every trust x standard of the CWT tables.

Differences from NHSRplotthedots, each deliberate (stats/README.md, "Deviations"):
- a rebase value that is not one of the x values is an error (NHSRplotthedots ignores it silently);
- duplicate x values within a series are an error, as there (`ptd_validate_spc_options`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cancer_alliance.errors import InputError
from cancer_alliance.stats.spc import rules
from cancer_alliance.stats.spc.assurance import (
    ImprovementDirection,
    PointType,
    assurance_type,
    variation_icon,
)
from cancer_alliance.stats.spc.limits import limits

#: `fix_after_n_points` must be at least 12 (`ptd_spc_options`: "greater than or equal to 12").
MINIMUM_FIX_AFTER_N_POINTS = 12

#: Fewer points than this in a segment gets `short_group_warning` (`ptd_add_short_group_warnings`,
#: warning_threshold = 12; vignette "number-of-points-required").
SHORT_GROUP_POINTS = 12

POINT_COLUMNS = ("mean", "lpl", "upl", "point_type", "rebase_group", "short_group_warning")


@dataclass(frozen=True)
class SpcOptions:
    """The `ptd_spc` arguments that change the calculation, with its defaults."""

    improvement_direction: ImprovementDirection = ImprovementDirection.increase
    target: float | None = None
    rebase: tuple[Any, ...] = field(default=())
    fix_after_n_points: int | None = None
    screen_outliers: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "improvement_direction", ImprovementDirection(self.improvement_direction))
        object.__setattr__(self, "rebase", tuple(self.rebase))
        n = self.fix_after_n_points
        if n is not None and n < MINIMUM_FIX_AFTER_N_POINTS:
            raise InputError(f"fix_after_n_points must be {MINIMUM_FIX_AFTER_N_POINTS} or more (got {n})")


def _show(value: Any) -> str:
    """An x value as a user typed it (dates as YYYY-MM-DD, numbers without a trailing .0)."""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _validate(frame: pd.DataFrame, x: str, y: str, series: list[str]) -> None:
    for column in [*series, x, y]:
        if column not in frame.columns:
            raise InputError(f"column {column!r} is missing (columns: {', '.join(map(str, frame.columns))})")
    if not pd.api.types.is_numeric_dtype(frame[y]):
        raise InputError(f"column {y!r} must be numeric")
    for column in (x, y):
        missing = frame[column].isna().to_numpy()
        if missing.any():
            raise InputError(f"row {int(np.argmax(missing)) + 1}, {column}: value missing")
    duplicated = frame.duplicated([*series, x]).to_numpy()
    if duplicated.any():
        row = int(np.argmax(duplicated))
        raise InputError(f"row {row + 1}, {x}: duplicate value {_show(frame[x].iloc[row])}")


def _special_cause_direction(y: np.ndarray, lim: Any) -> np.ndarray:
    """+1 / -1 for points that are part of a signal (high / low side), 0 for common cause. Precedence as
    `ptd_special_cause_type`: beyond a limit, trend, two of three near a limit, shift."""
    outside = rules.outside_limits(y, lim.lpl, lim.upl)
    side = rules.relative_to_mean(y, lim.mean)
    near = rules.near_limits(y, lim.near_lower, lim.near_upper, outside)
    trend = rules.trend(y)
    two_of_three = rules.two_of_three_near_limit(near, side)
    shift = rules.shift(side)
    beyond = np.where(side == 1, 1, -1)
    direction = np.where(shift, side, 0)
    direction = np.where(two_of_three, side, direction)
    direction = np.where(trend != 0, trend, direction)
    return np.where(outside, beyond, direction).astype(np.int8)


def point_types(direction: np.ndarray, improvement: ImprovementDirection) -> pd.Categorical:
    """`ptd_point_type`: orient signal sides by the improvement direction (categorical, for speed)."""
    if improvement is ImprovementDirection.neutral:
        high, low = PointType.special_cause_neutral_high.value, PointType.special_cause_neutral_low.value
    else:
        direction = direction * improvement.sign
        high, low = PointType.special_cause_improvement.value, PointType.special_cause_concern.value
    codes = np.sign(direction).astype(np.int8) + 1  # 0 low, 1 common cause, 2 high
    return pd.Categorical.from_codes(codes, categories=[low, PointType.common_cause.value, high])


def spc(
    table: pd.DataFrame,
    options: SpcOptions | None = None,
    *,
    x: str = "x",
    y: str = "y",
    series: Sequence[str] = (),
) -> pd.DataFrame:
    """One row per point, sorted by series and x: the input columns plus mean, lpl, upl, point_type,
    rebase_group (0, then +1 at each rebase point) and short_group_warning. Each series (one per
    combination of the `series` columns) and each of its rebased segments gets its own limits."""
    options = options or SpcOptions()
    series = list(series)
    _validate(table, x, y, series)
    frame = table.sort_values([*series, x], kind="stable").reset_index(drop=True)
    n = len(frame)
    if n == 0:
        return frame.assign(**{c: pd.Series(dtype=float) for c in POINT_COLUMNS})
    series_id = (
        frame.groupby(series, sort=False).ngroup().to_numpy() if series else np.zeros(n, dtype=np.int64)
    )
    if options.rebase:
        unknown = [value for value in options.rebase if not (frame[x] == value).any()]
        if unknown:
            raise InputError(f"rebase {_show(unknown[0])} is not one of the x values")
    rebase = frame[x].isin(list(options.rebase)).to_numpy() if options.rebase else np.zeros(n, dtype=bool)
    new_series = np.r_[True, series_id[1:] != series_id[:-1]]
    segment = np.cumsum(new_series | rebase) - 1
    starts = np.flatnonzero(new_series | rebase)
    position = np.arange(n) - starts[segment]
    lengths = np.diff(np.r_[starts, n])

    values = np.full((len(starts), int(lengths.max())), np.nan)
    values[segment, position] = frame[y].to_numpy(dtype=float)
    lim = limits(values, options.fix_after_n_points, options.screen_outliers)
    direction = _special_cause_direction(values, lim)[segment, position]

    rebase_group = pd.Series(rebase.astype(np.int64)).groupby(series_id).cumsum().to_numpy()
    return frame.assign(
        mean=lim.mean[segment],
        lpl=lim.lpl[segment],
        upl=lim.upl[segment],
        point_type=point_types(direction, options.improvement_direction),
        rebase_group=rebase_group,
        short_group_warning=lengths[segment] < SHORT_GROUP_POINTS,
    )


def summary(
    points: pd.DataFrame,
    options: SpcOptions | None = None,
    *,
    series: Sequence[str] = (),
    target_column: str | None = None,
) -> pd.DataFrame:
    """One row per series from `spc()` output: variation_type (the latest point's point_type, as
    `summary.ptd_spc_df`), variation_icon and assurance_type (null without a target). The target is
    `options.target`, or per series the latest value of `target_column`."""
    options = options or SpcOptions()
    series = list(series)
    latest = points.groupby(series, sort=False).tail(1) if series else points.tail(1)
    direction = options.improvement_direction
    types = latest["point_type"].astype(str)
    icons = {kind.value: variation_icon(kind, direction) for kind in PointType}
    if target_column:
        targets = latest[target_column].astype(float).to_numpy()
    else:
        targets = np.full(len(latest), np.nan if options.target is None else float(options.target))
    assurance = [
        None if kind is None else kind.value
        for kind in (
            assurance_type(None if np.isnan(target) else target, lpl, upl, direction)
            for target, lpl, upl in zip(
                targets, latest["lpl"].to_numpy(), latest["upl"].to_numpy(), strict=True
            )
        )
    ]
    result = latest.loc[:, series].reset_index(drop=True)
    return result.assign(
        variation_type=types.to_numpy(), variation_icon=types.map(icons).to_numpy(), assurance_type=assurance
    )
