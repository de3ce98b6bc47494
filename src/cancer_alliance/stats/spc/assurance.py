"""Assurance against a target and the summary icons, as NHSRplotthedots names them
(`R/ptd_calculate_assurance_type.R`, `R/geom_ptd_icon.R` `ptd_get_icons`; Making Data Count,
"Strengthening your decisions", 2019, the assurance and variation icons)."""

from __future__ import annotations

import math
from enum import StrEnum


class ImprovementDirection(StrEnum):
    """Which way is better (`improvement_direction` of `ptd_spc`; default "increase")."""

    increase = "increase"
    decrease = "decrease"
    neutral = "neutral"

    @property
    def sign(self) -> int:
        return {"increase": 1, "decrease": -1, "neutral": 0}[self.value]


class PointType(StrEnum):
    """`point_type` values of NHSRplotthedots."""

    common_cause = "common_cause"
    special_cause_improvement = "special_cause_improvement"
    special_cause_concern = "special_cause_concern"
    special_cause_neutral_high = "special_cause_neutral_high"
    special_cause_neutral_low = "special_cause_neutral_low"


class AssuranceType(StrEnum):
    consistent_pass = "consistent_pass"
    consistent_fail = "consistent_fail"
    inconsistent = "inconsistent"


def assurance_type(
    target: float | None, lpl: float, upl: float, direction: ImprovementDirection
) -> AssuranceType | None:
    """Whether the process will consistently meet the target, judged on the limits of the latest point:
    a target beyond the upper limit is a consistent fail when higher is better (a pass when lower is
    better), one beyond the lower limit the reverse, anything else inconsistent. None without a target or
    for a neutral direction. Undefined limits (NaN) give "inconsistent", as NA comparisons do in R."""
    if (
        target is None
        or (isinstance(target, float) and math.isnan(target))
        or direction is ImprovementDirection.neutral
    ):
        return None
    increasing = direction is ImprovementDirection.increase
    if target > upl:
        return AssuranceType.consistent_fail if increasing else AssuranceType.consistent_pass
    if target < lpl:
        return AssuranceType.consistent_pass if increasing else AssuranceType.consistent_fail
    return AssuranceType.inconsistent


def variation_icon(point_type: PointType | str, direction: ImprovementDirection) -> str:
    """The Making Data Count variation icon for a point type, named as NHSRplotthedots' icon files
    (`inst/icons/variation/*.svg`): common_cause, improvement_high/low, concern_high/low, neutral_high/low.
    Improvement is "high" when higher is better; concern is the other side."""
    point_type = PointType(point_type)
    up = direction is ImprovementDirection.increase
    return {
        PointType.common_cause: "common_cause",
        PointType.special_cause_neutral_high: "neutral_high",
        PointType.special_cause_neutral_low: "neutral_low",
        PointType.special_cause_improvement: "improvement_high" if up else "improvement_low",
        PointType.special_cause_concern: "concern_low" if up else "concern_high",
    }[point_type]
