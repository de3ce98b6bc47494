"""Published CWT standards, planning objectives, the 62-day allocation table and the PTL bands,
all kept as dated data under `cwt/` (NHS England CWT statistics [S30], breach allocation [S6, S40], CWT
reporting conventions [S1, S31])."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from cancer_alliance.reference._files import (
    Dated,
    boolean,
    optional_date,
    optional_float,
    optional_int,
    parse_rows,
    words,
)

FRAMEWORKS = ("2018", "2023", "fds")


@dataclass(frozen=True)
class Standard(Dated):
    """A published standard: a selection over per-record facts (measure, routes, treatment stage,
    modality groups; empty = any), a threshold (a fraction; None = no set standard) and the dates
    it applies. A standard whose threshold changed has one row per dated threshold."""

    standard_id: str
    framework: str
    title: str
    measure: str
    routes: tuple[str, ...]
    treatment_stage: str | None
    modality_groups: tuple[str, ...]
    threshold: float | None
    effective_from: date | None
    effective_to: date | None
    source: str


def _standard(row: dict[str, str]) -> Standard:
    framework = row["framework"]
    if framework not in FRAMEWORKS:
        raise ValueError(f"framework {framework!r} is not one of {', '.join(FRAMEWORKS)}")
    return Standard(
        standard_id=row["standard_id"],
        framework=framework,
        title=row["title"],
        measure=row["measure"],
        routes=words(row["routes"]),
        treatment_stage=row["treatment_stage"] or None,
        modality_groups=words(row["modality_groups"]),
        threshold=optional_float(row["threshold"]),
        effective_from=optional_date(row["effective_from"]),
        effective_to=optional_date(row["effective_to"]),
        source=row["source"],
    )


@cache
def _standards() -> tuple[Standard, ...]:
    return tuple(parse_rows("cwt/standards.csv", _standard))


def standards(framework: str | None = None) -> list[Standard]:
    """Every standard row, or those of one framework ('2018', '2023' or 'fds')."""
    if framework is not None and framework not in FRAMEWORKS:
        raise ValueError(f"unknown framework {framework!r}; known frameworks: {', '.join(FRAMEWORKS)}")
    return [s for s in _standards() if framework is None or s.framework == framework]


def threshold_on(standard_id: str, day: date) -> float | None:
    """The threshold of `standard_id` in force on `day`: None when the standard has no set
    threshold (62d_upgrade) or is not in force that day (e.g. 2ww after 2023-09-30)."""
    rows = [s for s in _standards() if s.standard_id == standard_id]
    if not rows:
        known = sorted({s.standard_id for s in _standards()})
        raise KeyError(f"unknown standard {standard_id!r}; known standards: {', '.join(known)}")
    current = [s for s in rows if s.in_force(day)]
    if not current:
        return None
    return max(current, key=lambda s: s.effective_from or date.min).threshold


@dataclass(frozen=True)
class PlanningObjective:
    """A time-bound operational-planning objective, kept apart from the standards (October 2023 standards
    [S9, S11]).
    `standard_id` is the standard it is measured on (None for the PTL backlog objective);
    `target` is a fraction, None where no number was set."""

    objective_id: str
    standard_id: str | None
    description: str
    target: float | None
    due: date
    source: str


@cache
def _objectives() -> tuple[PlanningObjective, ...]:
    return tuple(
        parse_rows(
            "cwt/planning_objectives.csv",
            lambda r: PlanningObjective(
                objective_id=r["objective_id"],
                standard_id=r["standard_id"] or None,
                description=r["description"],
                target=optional_float(r["target"]),
                due=date.fromisoformat(r["due"]),
                source=r["source"],
            ),
        )
    )


def planning_objectives() -> list[PlanningObjective]:
    """The interim operational-planning objectives (NHS England operational planning guidance)."""
    return list(_objectives())


@dataclass(frozen=True)
class AllocationScenario:
    """One row of the six-scenario 38/24-day allocation of a shared 62-day pathway (breach allocation [S6,
    S40])."""

    met_62: bool
    met_38: bool
    met_24: bool
    scenario: int
    investigating_share: float
    treating_share: float
    source: str


@cache
def _scenarios() -> tuple[AllocationScenario, ...]:
    return tuple(
        parse_rows(
            "cwt/allocation_scenarios.csv",
            lambda r: AllocationScenario(
                met_62=boolean(r["met_62"]),
                met_38=boolean(r["met_38"]),
                met_24=boolean(r["met_24"]),
                scenario=int(r["scenario"]),
                investigating_share=float(r["investigating_share"]),
                treating_share=float(r["treating_share"]),
                source=r["source"],
            ),
        )
    )


def allocation_scenarios() -> list[AllocationScenario]:
    """The six allocation scenarios, in scenario order."""
    return list(_scenarios())


@dataclass(frozen=True)
class PtlBand(Dated):
    """A CANPTL days-waited band, [min_days, max_days] (max None = open), with the dates it was used
    (bands changed on 30 May 2022; CWT reporting conventions [S1, S31] [OFFICIAL S14])."""

    band: str
    min_days: int
    max_days: int | None
    effective_from: date | None
    effective_to: date | None
    source: str

    def contains(self, days: int) -> bool:
        return self.min_days <= days and (self.max_days is None or days <= self.max_days)


@cache
def _bands() -> tuple[PtlBand, ...]:
    return tuple(
        parse_rows(
            "cwt/ptl_bands.csv",
            lambda r: PtlBand(
                band=r["band"],
                min_days=int(r["min_days"]),
                max_days=optional_int(r["max_days"]),
                effective_from=optional_date(r["effective_from"]),
                effective_to=optional_date(r["effective_to"]),
                source=r["source"],
            ),
        )
    )


def ptl_bands(on: date | None = None) -> list[PtlBand]:
    """Every PTL band set, or only the bands in use on census date `on`."""
    return [b for b in _bands() if on is None or b.in_force(on)]


@dataclass(frozen=True)
class SuspectedTumourType(Dated):
    """The tumour type a PTL shows for a pathway with no diagnosis yet, from the suspected cancer type
    of its two-week-wait referral (`referral_type`, the referral_type code list). Where one referral
    type covers several treated cancer types, the group name stands (e.g. Urological)."""

    referral_type: str
    tumour_type: str
    effective_from: date | None
    effective_to: date | None
    source: str


@cache
def _suspected_tumour_types() -> tuple[SuspectedTumourType, ...]:
    return tuple(
        parse_rows(
            "cwt/suspected_tumour_types.csv",
            lambda r: SuspectedTumourType(
                referral_type=r["referral_type"],
                tumour_type=r["tumour_type"],
                effective_from=optional_date(r["effective_from"]),
                effective_to=optional_date(r["effective_to"]),
                source=r["source"],
            ),
        )
    )


def suspected_tumour_types(on: date) -> dict[str, str]:
    """Referral type code -> tumour type, for the mapping rows in force on `on`."""
    return {row.referral_type: row.tumour_type for row in _suspected_tumour_types() if row.in_force(on)}


@dataclass(frozen=True)
class TumourSiteTeam(Dated):
    """The tumour site team (site-specific MDT) a trust tracks a PTL tumour type with, e.g. Upper GI for
    "Upper Gastrointestinal - Hepatobiliary" and for a suspected upper GI referral alike, so one team's
    PTL holds its pathways before and after diagnosis (docs/decisions/0036)."""

    tumour_type: str
    team: str
    effective_from: date | None
    effective_to: date | None
    source: str


@cache
def _tumour_site_teams() -> tuple[TumourSiteTeam, ...]:
    return tuple(
        parse_rows(
            "cwt/tumour_site_teams.csv",
            lambda r: TumourSiteTeam(
                tumour_type=r["tumour_type"],
                team=r["team"],
                effective_from=optional_date(r["effective_from"]),
                effective_to=optional_date(r["effective_to"]),
                source=r["source"],
            ),
        )
    )


def tumour_site_teams(on: date) -> dict[str, str]:
    """PTL tumour type -> tumour site team, for the rows in force on `on`."""
    return {row.tumour_type: row.team for row in _tumour_site_teams() if row.in_force(on)}
