"""Threshold planning (issue #13 item 2) from the band counts of `rules.band_counts`, plain arithmetic
on a small table:

* positives at threshold T: screened episodes with a result >= T (observed directly: every screened
  kit has its µg/g); positivity = positives / screened;
* colonoscopies = positives x the observed conversion (investigated / referred over the whole input),
  per screening centre and month of result too, compared with a capacity table when given;
* expected cancers and high-risk adenomas = the sum over the result bands at or above T of each
  band's yield. A band's yield is observed where episodes in it were referred and investigated
  (centres already on a lower threshold): positives x conversion x the band's PPV. A band never
  referred takes a stated assumption (`settings.yield_assumptions`, e.g. NHS England's +11% cancers at
  80), applied to the cancers expected above the assumption's band and shared by positives; with
  neither, the band's yield is not estimated and the threshold's cancers are left blank.

`yield_source` says which was used for each threshold: `observed`, `assumed:<assumption ids>` or
`not_estimated`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cancer_alliance.fit.settings import DEFAULT_SETTINGS, FitSettings, YieldAssumption

PLAN_COLUMNS = (
    "threshold",
    "screened",
    "positive",
    "positivity",
    "colonoscopies",
    "cancers",
    "high_risk_adenomas",
    "yield_source",
)
DEMAND_COLUMNS = ("threshold", "screening_centre_code", "month", "positive", "colonoscopies")
CAPACITY_COLUMNS = ("slots", "shortfall")
OBSERVED = "observed"
NOT_ESTIMATED = "not_estimated"


def edges(thresholds: Sequence[float], settings: FitSettings = DEFAULT_SETTINGS) -> list[float]:
    """Band edges: the thresholds planned and the edges of every yield assumption."""
    found = {float(t) for t in thresholds}
    for assumption in settings.yield_assumptions:
        found |= {assumption.band_lower, assumption.band_upper}
    return sorted(found)


def check_thresholds(thresholds: Sequence[float]) -> list[float]:
    """The thresholds as floats; refuse an empty list, a negative or a non-finite value."""
    if not thresholds:
        raise ValueError("give at least one threshold")
    values = [float(t) for t in thresholds]
    for value in values:
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"threshold {value:g} is not a finite number >= 0")
    return values


@dataclass(frozen=True)
class Band:
    """One result band [lower, upper) and how its yield was estimated."""

    lower: float
    upper: float
    positives: float
    cancers: float | None
    high_risk_adenomas: float | None
    source: str  # OBSERVED, an assumption id, NOT_ESTIMATED, or "" for an empty band


def _bands(totals: pd.DataFrame, conversion: float, settings: FitSettings) -> list[Band]:
    """Every band from the top down, each with its expected yield (see the module docstring)."""
    rows = totals.sort_values("band_lower", ascending=False).to_dict("records")
    found: list[Band] = []
    upper = math.inf
    for row in rows:
        lower = float(row["band_lower"])
        positives = float(row["screened"])
        investigated = float(row["investigated"])
        if positives == 0:
            band = Band(lower, upper, 0.0, 0.0, 0.0, "")
        elif investigated >= max(settings.observed_yield_min_investigated, 1) and not math.isnan(conversion):
            expected = positives * conversion
            band = Band(
                lower,
                upper,
                positives,
                expected * row["cancers"] / investigated,
                expected * row["high_risk_adenomas"] / investigated,
                OBSERVED,
            )
        else:
            band = _assumed(lower, upper, positives, found, rows, settings)
        found.append(band)
        upper = lower
    return found


def _assumed(
    lower: float,
    upper: float,
    positives: float,
    above: list[Band],
    rows: list[dict],
    settings: FitSettings,
) -> Band:
    assumption = _assumption_for(lower, upper, settings.yield_assumptions)
    if assumption is None:
        return Band(lower, upper, positives, None, None, NOT_ESTIMATED)
    base = [b for b in above if b.lower >= assumption.band_upper]
    if not base or any(b.cancers is None for b in base):
        return Band(lower, upper, positives, None, None, NOT_ESTIMATED)
    cancers_above = sum(b.cancers or 0.0 for b in base)
    in_assumption = sum(
        float(r["screened"])
        for r in rows
        if assumption.band_lower <= float(r["band_lower"]) < assumption.band_upper
    )
    extra = assumption.cancer_increase * cancers_above * positives / in_assumption
    return Band(
        lower, upper, positives, extra, assumption.hra_per_extra_cancer * extra, assumption.assumption_id
    )


def _assumption_for(
    lower: float, upper: float, assumptions: Sequence[YieldAssumption]
) -> YieldAssumption | None:
    for assumption in assumptions:
        if assumption.band_lower <= lower and upper <= assumption.band_upper:
            return assumption
    return None


def conversion(bands: pd.DataFrame) -> float:
    """Observed conversion: investigated / referred over every band (NaN when nothing was referred)."""
    referred = float(bands["referred"].sum())
    return float(bands["investigated"].sum()) / referred if referred > 0 else math.nan


def plan(
    bands: pd.DataFrame, thresholds: Sequence[float], settings: FitSettings = DEFAULT_SETTINGS
) -> pd.DataFrame:
    """One row per threshold (PLAN_COLUMNS) from `band_counts` output (any grouping; summed here)."""
    thresholds = check_thresholds(thresholds)
    totals = bands.groupby("band_lower", as_index=False)[
        ["screened", "referred", "investigated", "cancers", "high_risk_adenomas"]
    ].sum()
    rate = conversion(bands)
    estimated = _bands(totals, rate, settings)
    screened = float(totals["screened"].sum())
    rows = []
    for threshold in thresholds:
        included = [b for b in estimated if b.lower >= threshold]
        positive = sum(b.positives for b in included)
        counted = [b for b in included if b.source]
        sources = {b.source for b in counted}
        if NOT_ESTIMATED in sources:
            cancers = hra = None
            source = NOT_ESTIMATED
        else:
            cancers = sum(b.cancers or 0.0 for b in included)
            hra = sum(b.high_risk_adenomas or 0.0 for b in included)
            assumed = sorted(sources - {OBSERVED})
            source = "assumed:" + "+".join(assumed) if assumed else OBSERVED
            if math.isnan(rate):
                cancers = hra = None
                source = NOT_ESTIMATED
        rows.append(
            {
                "threshold": threshold,
                "screened": int(screened),
                "positive": int(positive),
                "positivity": positive / screened if screened else math.nan,
                "colonoscopies": positive * rate if not math.isnan(rate) else math.nan,
                "cancers": math.nan if cancers is None else cancers,
                "high_risk_adenomas": math.nan if hra is None else hra,
                "yield_source": source,
            }
        )
    return pd.DataFrame(rows, columns=list(PLAN_COLUMNS))


def demand(
    bands: pd.DataFrame,
    thresholds: Sequence[float],
    capacity: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Colonoscopy demand per threshold, screening centre and month of result (DEMAND_COLUMNS), from
    `band_counts(..., by=["screening_centre_code", "result_month"])`; with `capacity` (columns
    screening_centre_code, month, slots) also `slots` and `shortfall` = colonoscopies - slots (a
    centre-month without capacity has blank slots)."""
    thresholds = check_thresholds(thresholds)
    rate = conversion(bands)
    frames = []
    keyed = bands.rename(columns={"result_month": "month"})
    for threshold in thresholds:
        at = keyed[keyed["band_lower"] >= threshold]
        grouped = at.groupby(["screening_centre_code", "month"], as_index=False, dropna=False)[
            "screened"
        ].sum()
        grouped = grouped.rename(columns={"screened": "positive"})
        grouped.insert(0, "threshold", threshold)
        grouped["colonoscopies"] = grouped["positive"] * rate
        frames.append(grouped)
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(DEMAND_COLUMNS))
    table = table[list(DEMAND_COLUMNS)]
    if capacity is not None:
        table = table.merge(capacity[["screening_centre_code", "month", "slots"]], how="left")
        table["shortfall"] = table["colonoscopies"] - table["slots"]
    return table.sort_values(
        ["threshold", "screening_centre_code", "month"], ascending=[False, True, True]
    ).reset_index(drop=True)


def observed_colonoscopy_increase(table: pd.DataFrame, lower: float, upper: float) -> float:
    """Colonoscopies at `lower` over those at `upper`, minus 1 (to set beside a stated assumption)."""
    at = table.set_index("threshold")["colonoscopies"]
    if lower not in at.index or upper not in at.index or not at[upper]:
        return float(np.nan)
    return float(at[lower] / at[upper] - 1)
