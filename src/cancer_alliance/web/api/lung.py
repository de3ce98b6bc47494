"""Lung health check aggregates (issue #10): the programme metrics by alliance or CCG and the CCG
targeting, as on /lung/programme; the public gets them after disclosure control."""

from __future__ import annotations

from enum import StrEnum

from fastapi import APIRouter, HTTPException

from cancer_alliance.results.reader import ResultsMissing
from cancer_alliance.web.context import ContextDep, ViewerDep
from cancer_alliance.web.domain_queries.lung import lung_table
from cancer_alliance.web.tables import Format, table_response

router = APIRouter(tags=["aggregates"])


class LungGrouping(StrEnum):
    alliance = "alliance"
    ccg = "ccg"


@router.get("/lung/programme")
def lung_programme(
    ctx: ContextDep, viewer: ViewerDep, by: LungGrouping = LungGrouping.alliance, format: Format = Format.json
):
    """Lung health check journey counts and rates with Wilson 95% limits, by alliance or CCG."""
    try:
        table = lung_table(ctx, by.value, viewer)
    except (ResultsMissing, FileNotFoundError):
        raise HTTPException(status_code=503, detail="Lung results not computed yet.") from None
    return table_response(table, list(table.columns), format, f"lung-programme-{by.value}.csv")


@router.get("/lung/targeting")
def lung_targeting(ctx: ContextDep, viewer: ViewerDep, format: Format = Format.json):
    """CCGs ranked for the programme, lowest first, and the ones chosen: by one-year lung cancer survival
    (`basis` survival) or, without a survival table, by the early-stage proxy (`basis` early_stage_proxy)."""
    try:
        table = lung_table(ctx, "targeting", viewer)
    except (ResultsMissing, FileNotFoundError):
        raise HTTPException(status_code=503, detail="Lung results not computed yet.") from None
    survival = "lung_survival_1y_pct" in table.columns
    value = ["lung_survival_1y_pct", "diagnosis_year"] if survival else ["lung_early_stage_share"]
    columns = ["rank", "ccg_code", "name", "alliance_code", *value, "chosen", "basis"]
    if viewer.signed_in and not survival:
        columns += ["stage_early", "stage_staged"]
    return table_response(table, columns, format, "lung-targeting.csv")
