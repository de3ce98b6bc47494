"""Bowel screening (FIT) reads shared by the `/bowel-screening` pages and `/api/bowel-screening/...`:
the results files as the viewer may see them (`fit.published` under `queries.policy_for`), worked out
once per results file, alliance and audience (`Results.table_derived`), and the planner's parameters."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Annotated

import pandas as pd
from fastapi import HTTPException, Query

from cancer_alliance import reference
from cancer_alliance.fit import planning
from cancer_alliance.fit.files import PLANNER_THRESHOLDS
from cancer_alliance.fit.published import (
    COMPLEMENTS,
    PLAN_REVEALS,
    demand_withheld,
    public_metrics,
    published_demand,
    published_plan,
)
from cancer_alliance.fit.settings import PLANNING_THRESHOLDS
from cancer_alliance.results.reader import Results
from cancer_alliance.stats.disclosure import DisclosurePolicy
from cancer_alliance.web.presenters import fit as present
from cancer_alliance.web.queries import ALLIANCE_VERSION, alliance_names, policy_for
from cancer_alliance.web.scope import Viewer

Thresholds = Annotated[list[float] | None, Query(alias="threshold")]


@lru_cache(maxsize=1)
def ccg_names() -> dict[str, str]:
    return {c.ons_code: c.name for c in reference.ccgs(ALLIANCE_VERSION)}


def check_alliance(code: str) -> str:
    if code not in alliance_names():
        raise HTTPException(status_code=404, detail="No alliance with that code.")
    return code


def withheld_rows(results: Results) -> pd.DataFrame:
    """The public tables' complements (`fit.published.COMPLEMENTS`) of the generation served."""
    return COMPLEMENTS.served(results)


def _seen(results: Results, viewer: Viewer, counts: pd.DataFrame, level: str) -> pd.DataFrame:
    policy = policy_for(viewer)
    return public_metrics(counts, policy, withheld_rows(results) if policy else pd.DataFrame(), level)


def alliance_table(results: Results, viewer: Viewer) -> pd.DataFrame:
    """Every alliance's counts, rates and intervals, as the viewer may see them."""
    return results.table_derived(
        "fit_alliance",
        f"alliances:{viewer.signed_in}",
        lambda frame: _seen(
            results, viewer, present.counts_only(frame, ["alliance_code"]), "alliance"
        ).assign(name=lambda t: t["alliance_code"].map(alliance_names())),
    )


def ccg_table(results: Results, viewer: Viewer) -> tuple[pd.DataFrame, float]:
    """Every CCG in England with rates, intervals and its funnel flag on positivity; England's rate."""

    def compute(frame: pd.DataFrame) -> tuple[pd.DataFrame, float]:
        shown = _seen(results, viewer, present.counts_only(frame, ["alliance_code", "ccg_code"]), "ccg")
        # a CCG with a withheld count has no point, no flag and no part in England's rate (a rate is
        # never shown for withheld counts); the table shows the counts withheld, not as 0
        both = shown["positive"].notna() & shown["screened"].notna()
        usable = shown.assign(
            positive=shown["positive"].where(both, 0), screened=shown["screened"].where(both, 0)
        )
        table, p0 = present.ccg_funnel(usable, ccg_names())
        return table.assign(positive=shown["positive"], screened=shown["screened"]), p0

    return results.table_derived("fit_ccg", f"ccgs:{viewer.signed_in}", compute)


def month_table(results: Results, viewer: Viewer, code: str) -> pd.DataFrame:
    return results.table_derived(
        "fit_month",
        f"months:{code}:{viewer.signed_in}",
        lambda frame: _seen(
            results,
            viewer,
            present.counts_only(frame[frame["alliance_code"] == code], ["alliance_code", "invitation_month"]),
            "month",
        ).sort_values("invitation_month"),
    )


def chosen_thresholds(values: list[float] | None) -> list[float]:
    """The planner's thresholds (default 120, 80, 40, 20), each one the results were prepared for."""
    chosen = sorted({float(v) for v in values}, reverse=True) if values else list(PLANNING_THRESHOLDS)
    unknown = [v for v in chosen if v not in PLANNER_THRESHOLDS]
    if unknown:
        offered = ", ".join(f"{t:g}" for t in PLANNER_THRESHOLDS)
        raise HTTPException(
            status_code=422, detail=f"Threshold {unknown[0]:g} is not offered; choose from {offered}."
        )
    return chosen


def plan_tables(
    results: Results, viewer: Viewer, code: str, thresholds: list[float], slots: float | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(plan, demand by month) for one alliance, as the viewer may see them."""

    def compute(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        bands = frame[frame["alliance_code"] == code].drop(columns=["alliance_code"])
        plan = planning.plan(bands, thresholds)
        demand = present.demand_by_month(planning.demand(bands, thresholds), slots)
        policy = policy_for(viewer)
        if policy is None:
            return published_plan(plan, policy), published_demand(demand, policy)
        chosen = withheld_rows(results)
        mine = frozenset(chosen[(chosen["alliance_code"] == code) & (chosen["level"] == "alliance")]["count"])
        months, positives = results.table_derived(
            "fit_bands", f"demand-audit:{code}", lambda _: _demand_audit(bands, policy, mine)
        )
        every_month = "colonoscopies" in {c for count in mine for c in PLAN_REVEALS.get(count, ())}
        return (
            published_plan(plan, policy, mine, positives),
            published_demand(demand, policy, months, every_month),
        )

    key = f"plan:{code}:{','.join(f'{t:g}' for t in thresholds)}:{slots}:{viewer.signed_in}"
    return results.table_derived("fit_bands", key, compute)


def _demand_audit(
    bands: pd.DataFrame, policy: DisclosurePolicy, withheld: frozenset[str]
) -> tuple[frozenset[tuple[float, str]], frozenset[float]]:
    """`fit.published.demand_withheld` over every threshold the planner offers (a visitor may ask for
    each, so they are audited together, once per results file and alliance: 0.1 to 0.2 s)."""
    offered = list(PLANNER_THRESHOLDS)
    return demand_withheld(planning.plan(bands, offered), planning.demand(bands, offered), policy, withheld)


def slots_per_month(text: str | None) -> float | None:
    """The planner's colonoscopy slots per month (blank: none)."""
    if text is None or not text.strip():
        return None
    try:
        value = float(text)
    except ValueError:
        raise HTTPException(status_code=422, detail="Colonoscopy slots per month must be a number.") from None
    if not math.isfinite(value) or value < 0:
        raise HTTPException(status_code=422, detail="Colonoscopy slots per month must be 0 or more.")
    return value
