"""Timed-pathway reads shared by the timed-pathways pages and `/api/.../timed-pathways`."""

from __future__ import annotations

import pandas as pd

from cancer_alliance.pathways.published import (
    COMPLEMENTS,
    published_bottleneck,
    published_compliance,
    published_steps,
    published_trend,
)
from cancer_alliance.results.reader import Results
from cancer_alliance.stats.disclosure import DisclosurePolicy
from cancer_alliance.web.queries import alliance_names, policy_for, trust_names
from cancer_alliance.web.scope import Viewer


def tables(results: Results, viewer: Viewer, level: str, code: str) -> dict[str, object]:
    """The page's tables for one organisation, as the viewer may see them (cached per file and key)."""

    def mine(name: str):
        def compute(frame):
            return frame[(frame["level"] == level) & (frame["code"] == code)].reset_index(drop=True)

        return results.table_derived(f"pathway_{name}", f"{level}:{code}", compute)

    policy = policy_for(viewer)
    chosen = withheld(results) if policy is not None and policy.enabled else None
    compliance = published_compliance(mine("compliance"), policy, chosen)
    steps = published_steps(mine("steps"), policy, chosen, compliance)
    trend = published_trend(mine("trend"), policy, chosen)
    column = "alliance_code" if level == "alliance" else "provider_code"
    bottleneck = results.table_derived(
        "pathway_bottleneck",
        f"{level}:{code}",
        lambda frame: frame[frame[column] == code].reset_index(drop=True),
    )
    trust_steps = (
        _trust_steps(results, policy, chosen, bottleneck["provider_code"]) if chosen is not None else None
    )
    bottleneck = published_bottleneck(bottleneck, policy, trust_steps)
    return {"compliance": compliance, "steps": steps, "trend": trend, "bottleneck": bottleneck}


def _trust_steps(
    results: Results, policy: DisclosurePolicy | None, chosen: pd.DataFrame, trusts: pd.Series
) -> pd.DataFrame:
    """The public step rows of `trusts`, as each trust's page shows them (a bottleneck is one of them)."""
    codes = set(trusts)

    def of_trusts(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[(frame["level"] == "trust") & frame["code"].isin(codes)].reset_index(drop=True)

    compliance = published_compliance(of_trusts(results.table("pathway_compliance")), policy, chosen)
    return published_steps(of_trusts(results.table("pathway_steps")), policy, chosen, compliance)


def withheld(results: Results) -> pd.DataFrame:
    """The complements (`pathways.published.COMPLEMENTS`) of the generation served."""
    return COMPLEMENTS.served(results)


def organisation_name(level: str, code: str) -> str | None:
    return (alliance_names() if level == "alliance" else trust_names()).get(code)
