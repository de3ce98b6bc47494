"""BTS 2015 pulmonary nodule management (BTS 2015, Callister et al., Thorax 2015), as one function that
explains its
decision: `manage(nodule)` returns the next action and every step of the reasoning, with the volume
change, the volume doubling time and the Brock risk it used. Thresholds are data
(`data/bts2015.toml`); the Brock risk is `models.risk("brock", ...)` (Model 2b, Brock, McWilliams et al.,
NEJM 2013).

    VDT = ln(2) * days / ln(V2 / V1)          (modified Schwartz formula)

A volume change below 25% is not growth (the nodule is stable), even though the formula still gives a
number. Plain Python: one nodule at a time, for the clinic and for the worklist.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from cancer_alliance.lung.coefficients import data_file
from cancer_alliance.lung.models import risk


class Action(StrEnum):
    """The next step for a nodule (BTS 2015, BTS 2015, Callister et al., Thorax 2015)."""

    discharge = "discharge"
    ct_3_months = "ct_3_months"
    ct_12_months = "ct_12_months"
    ct_surveillance = "ct_surveillance"  # Brock < 10%: CT surveillance (3-month CT first)
    pet_ct = "pet_ct"  # Brock >= 10%: PET-CT, then the Herder model
    subsolid_surveillance = "subsolid_surveillance"  # CT at 1, 2 and 4 years
    discuss_subsolid = "discuss_subsolid"  # surveillance, image-guided biopsy or treatment
    investigate = "investigate"  # VDT < 400 days: biopsy or resection
    biopsy_or_surveillance = "biopsy_or_surveillance"  # VDT 400-600 days, by patient preference
    consider_discharge = "consider_discharge"  # VDT > 600 days on volumetry, or surveillance


ACTION_TEXT = {
    Action.discharge: "Discharge: no nodule follow-up",
    Action.ct_3_months: "CT at 3 months",
    Action.ct_12_months: "CT at 12 months",
    Action.ct_surveillance: "CT surveillance",
    Action.pet_ct: "PET-CT, then the Herder model",
    Action.subsolid_surveillance: "CT at 1, 2 and 4 years",
    Action.discuss_subsolid: "Discuss surveillance, image-guided biopsy or treatment",
    Action.investigate: "Further investigation: biopsy or resection",
    Action.biopsy_or_surveillance: "Consider biopsy or continued surveillance, by patient preference",
    Action.consider_discharge: "Consider discharge (volumetry), or continued surveillance if preferred",
}


@dataclass(frozen=True)
class Nodule:
    """What is known about one nodule. `brock` holds the Brock inputs (age, sex, ...) when the risk
    is to be computed here; `brock_risk` gives it directly."""

    nodule_type: str  # solid | part_solid | non_solid
    diameter_mm: float | None = None
    volume_mm3: float | None = None
    benign_features: bool = False  # benign calcification, macroscopic fat, typical perifissural
    previous_volume_mm3: float | None = None
    days_since_previous: float | None = None
    brock: Mapping[str, Any] | None = None
    brock_risk: float | None = None


@dataclass(frozen=True)
class NoduleDecision:
    action: Action
    reasons: tuple[str, ...]
    volume_change: float | None = None
    vdt_days: float | None = None
    brock_risk: float | None = None
    source: str = field(default_factory=lambda: data_file("bts2015.toml")["source"])

    @property
    def text(self) -> str:
        return ACTION_TEXT[self.action]


def volume_doubling_time(v1: float, v2: float, days: float) -> float:
    """ln(2) * days / ln(V2 / V1); infinite when the volume did not change, negative when it shrank."""
    if v1 <= 0 or v2 <= 0 or days <= 0:
        raise ValueError("volumes and the interval must be positive")
    ratio = math.log(v2 / v1)
    return math.inf if ratio == 0 else math.log(2) * days / ratio


def manage(nodule: Nodule) -> NoduleDecision:
    """The BTS 2015 next action for `nodule`, with the reasons in order."""
    bts = data_file("bts2015.toml")
    reasons: list[str] = []
    if nodule.nodule_type not in ("solid", "part_solid", "non_solid"):
        raise ValueError("nodule_type: must be one of solid, part_solid, non_solid")
    if nodule.benign_features:
        reasons.append("Benign features (calcification, fat or typical perifissural): no follow-up")
        return NoduleDecision(Action.discharge, tuple(reasons))
    if nodule.previous_volume_mm3 is not None and nodule.days_since_previous is not None:
        return _growth(nodule, bts, reasons)
    if nodule.nodule_type != "solid":
        reasons.append("Subsolid nodule at baseline: CT at 3 months to see whether it persists")
        return NoduleDecision(Action.ct_3_months, tuple(reasons))
    return _solid_baseline(nodule, bts, reasons)


def _solid_baseline(nodule: Nodule, bts: Mapping[str, Any], reasons: list[str]) -> NoduleDecision:
    solid = bts["solid"]
    if nodule.volume_mm3 is not None:
        volume = nodule.volume_mm3
        if volume < solid["discharge_below_mm3"]:
            reasons.append(f"Solid, {volume:g} mm³: below {solid['discharge_below_mm3']} mm³")
            return NoduleDecision(Action.discharge, tuple(reasons))
        if volume < solid["ct_3_months_below_mm3"]:
            reasons.append(
                f"Solid, {volume:g} mm³: {solid['discharge_below_mm3']} to under "
                f"{solid['ct_3_months_below_mm3']} mm³"
            )
            return NoduleDecision(Action.ct_3_months, tuple(reasons))
        reasons.append(f"Solid, {volume:g} mm³: at least {solid['ct_3_months_below_mm3']} mm³, so Brock risk")
        return _brock(nodule, bts, reasons)
    if nodule.diameter_mm is None:
        raise ValueError("diameter_mm or volume_mm3: give the nodule's size")
    size = nodule.diameter_mm
    if size < solid["discharge_below_mm"]:
        reasons.append(f"Solid, {size:g} mm: under {solid['discharge_below_mm']} mm")
        return NoduleDecision(Action.discharge, tuple(reasons))
    if size < solid["ct_12_months_below_mm"]:
        reasons.append(
            f"Solid, {size:g} mm: {solid['discharge_below_mm']} to under {solid['ct_12_months_below_mm']} mm"
            " (if stable on volumetry then, discharge; stable on diameter only, repeat at 24 months)"
        )
        return NoduleDecision(Action.ct_12_months, tuple(reasons))
    if size < solid["ct_3_months_below_mm"]:
        reasons.append(
            f"Solid, {size:g} mm: {solid['ct_12_months_below_mm']} to under "
            f"{solid['ct_3_months_below_mm']} mm"
        )
        return NoduleDecision(Action.ct_3_months, tuple(reasons))
    reasons.append(f"Solid, {size:g} mm: at least {solid['ct_3_months_below_mm']} mm, so Brock risk")
    return _brock(nodule, bts, reasons)


def _brock_risk(nodule: Nodule) -> float:
    if nodule.brock_risk is not None:
        return nodule.brock_risk
    if nodule.brock is None:
        raise ValueError("brock: the Brock model inputs (or brock_risk) are needed for this nodule")
    return risk("brock", nodule.brock)


def _brock(nodule: Nodule, bts: Mapping[str, Any], reasons: list[str]) -> NoduleDecision:
    p, threshold = _brock_risk(nodule), bts["brock"]["pet_ct_from"]
    if p >= threshold:
        reasons.append(f"Brock risk {p * 100:.2f}%: at least {threshold * 100:g}%")
        return NoduleDecision(Action.pet_ct, tuple(reasons), brock_risk=p)
    reasons.append(f"Brock risk {p * 100:.2f}%: under {threshold * 100:g}%")
    return NoduleDecision(Action.ct_surveillance, tuple(reasons), brock_risk=p)


def _growth(nodule: Nodule, bts: Mapping[str, Any], reasons: list[str]) -> NoduleDecision:
    growth = bts["growth"]
    v1, v2, days = nodule.previous_volume_mm3, nodule.volume_mm3, nodule.days_since_previous
    if v2 is None:
        raise ValueError("volume_mm3: the current volume is needed to assess growth")
    change = v2 / v1 - 1
    vdt = volume_doubling_time(v1, v2, days)
    if change < growth["significant_volume_change"]:
        reasons.append(
            f"Volume change {change * 100:+.1f}% over {days:g} days: under "
            f"{growth['significant_volume_change'] * 100:g}%, not growth (stable)"
        )
        if nodule.nodule_type != "solid":
            reasons.append("Persistent subsolid nodule: Brock risk")
            p = _brock_risk(nodule)
            pet = p >= bts["brock"]["pet_ct_from"]
            reasons.append(f"Brock risk {p * 100:.2f}%: {'at least' if pet else 'under'} 10%")
            action = Action.discuss_subsolid if pet else Action.subsolid_surveillance
            return NoduleDecision(action, tuple(reasons), change, vdt, p)
        if days >= growth["stable_discharge_after_days"]:
            reasons.append("Solid and stable on volumetry for at least a year: discharge")
            return NoduleDecision(Action.discharge, tuple(reasons), change, vdt)
        reasons.append("Solid and stable: repeat CT at 12 months")
        return NoduleDecision(Action.ct_12_months, tuple(reasons), change, vdt)
    reasons.append(
        f"Volume change {change * 100:+.1f}% over {days:g} days: significant growth; VDT {vdt:.0f} days"
    )
    if vdt < growth["investigate_below_days"]:
        reasons.append(f"VDT under {growth['investigate_below_days']} days")
        return NoduleDecision(Action.investigate, tuple(reasons), change, vdt)
    if vdt <= growth["surveillance_below_days"]:
        reasons.append(f"VDT {growth['investigate_below_days']} to {growth['surveillance_below_days']} days")
        return NoduleDecision(Action.biopsy_or_surveillance, tuple(reasons), change, vdt)
    reasons.append(f"VDT over {growth['surveillance_below_days']} days")
    return NoduleDecision(Action.consider_discharge, tuple(reasons), change, vdt)
