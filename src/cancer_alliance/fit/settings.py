"""Settings of the FIT rules, each named and cited: the programme's referral thresholds with their
effective dates, the uptake window, the standards, the planning thresholds and the yield assumptions
used where a result band was never referred. Dated values are data (`data/*.csv`); the rest are
fields of `FitSettings` so that a local method can be restored without touching the rules."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

#: Uptake counts a result no more than this many days after the invitation ("adequately screened
#: within 6 months of invitation", BCSP programme metric definitions; 183 days as issue #13 item 1 defines
#: it).
UPTAKE_WINDOW_DAYS = 183

#: Thresholds for `alliance fit thresholds` when none are given: the programme (120), England from
#: February 2026 (80), and steps down to the UK NSC's recommended 20 µg/g (NHS Bowel Cancer Screening
#: Programme FIT thresholds).
PLANNING_THRESHOLDS: tuple[float, ...] = (120.0, 80.0, 40.0, 20.0)

#: A result band's yield counts as observed when at least this many of its referred episodes were
#: investigated (DERIVED choice; raise it to demand more evidence before trusting a band).
OBSERVED_YIELD_MIN_INVESTIGATED = 1

#: NICE DG56 (2023, replacing DG30 of 2017 at the same cut-off): a FIT result of at least 10 µg Hb/g in
#: primary care means a suspected cancer referral for colorectal cancer (NICE DG56).
SYMPTOMATIC_REFERRAL_UG_G = 10.0
SYMPTOMATIC_SOURCE = "NICE DG56 (2023): refer if FIT >= 10 µg Hb/g (NICE DG56)"


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files(__package__).joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@dataclass(frozen=True)
class ProgrammeThreshold:
    """The referral threshold applied where an episode does not record one, for results dated in
    [effective_from, effective_to] (a blank end is open)."""

    threshold_ug_g: float
    effective_from: dt.date | None
    effective_to: dt.date | None
    source: str


@dataclass(frozen=True)
class FitStandard:
    """A programme standard on a metric (a fraction), with its level and dates."""

    standard_id: str
    metric: str
    comparison: str  # "at_least"
    target: float
    level: str
    effective_from: dt.date | None
    effective_to: dt.date | None
    source: str
    reliability: str

    def met(self, value: float) -> bool:
        return value >= self.target if self.comparison == "at_least" else value <= self.target


@dataclass(frozen=True)
class YieldAssumption:
    """What a never-referred result band [band_lower, band_upper) is assumed to yield, relative to the
    band above it: `cancer_increase` x the cancers at band_upper and above, `hra_per_extra_cancer`
    high-risk adenomas per extra cancer. `colonoscopy_increase` is the stated demand effect, shown beside
    the observed one (demand itself is always observed: every screened kit has its µg/g)."""

    assumption_id: str
    band_lower: float
    band_upper: float
    cancer_increase: float
    hra_per_extra_cancer: float
    colonoscopy_increase: float
    source: str
    reliability: str


@cache
def programme_thresholds() -> tuple[ProgrammeThreshold, ...]:
    return tuple(
        ProgrammeThreshold(
            float(r["threshold_ug_g"]), _date(r["effective_from"]), _date(r["effective_to"]), r["source"]
        )
        for r in _rows("programme_thresholds.csv")
    )


@cache
def standards() -> tuple[FitStandard, ...]:
    return tuple(
        FitStandard(
            r["standard_id"],
            r["metric"],
            r["comparison"],
            float(r["target"]),
            r["level"],
            _date(r["effective_from"]),
            _date(r["effective_to"]),
            r["source"],
            r["reliability"],
        )
        for r in _rows("standards.csv")
    )


@cache
def yield_assumptions() -> tuple[YieldAssumption, ...]:
    return tuple(
        YieldAssumption(
            r["assumption_id"],
            float(r["band_lower_ug_g"]),
            float(r["band_upper_ug_g"]),
            float(r["cancer_increase"]),
            float(r["hra_per_extra_cancer"]),
            float(r["colonoscopy_increase"]),
            r["source"],
            r["reliability"],
        )
        for r in _rows("yield_assumptions.csv")
    )


@dataclass(frozen=True)
class FitSettings:
    """Every parameter of the FIT rules; the defaults are the cited values above."""

    uptake_window_days: int = UPTAKE_WINDOW_DAYS
    programme_thresholds: tuple[ProgrammeThreshold, ...] = field(default_factory=programme_thresholds)
    planning_thresholds: tuple[float, ...] = PLANNING_THRESHOLDS
    yield_assumptions: tuple[YieldAssumption, ...] = field(default_factory=yield_assumptions)
    observed_yield_min_investigated: int = OBSERVED_YIELD_MIN_INVESTIGATED
    symptomatic_referral_ug_g: float = SYMPTOMATIC_REFERRAL_UG_G

    def __post_init__(self) -> None:
        if self.uptake_window_days < 0:
            raise ValueError("uptake_window_days must be >= 0")
        starts = [t.effective_from or dt.date.min for t in self.programme_thresholds]
        if not starts or starts != sorted(starts):
            raise ValueError("programme_thresholds must be non-empty and in date order")
        for a in self.yield_assumptions:
            if not a.band_lower < a.band_upper:
                raise ValueError(f"yield assumption {a.assumption_id}: band_lower must be below band_upper")

    def standard(self, standard_id: str, on: dt.date) -> FitStandard | None:
        """The standard in force on `on`, if any."""
        for s in standards():
            if s.standard_id == standard_id and (s.effective_from or dt.date.min) <= on <= (
                s.effective_to or dt.date.max
            ):
                return s
        return None


DEFAULT_SETTINGS = FitSettings()
