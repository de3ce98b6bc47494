"""Aggregate endpoints: the map table, organisation scorecards, trends, trust rankings, the explorer.
The public gets them after disclosure control (`queries.visible`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException

from cancer_alliance.web.context import ContextDep, ViewerDep
from cancer_alliance.web.pages.explorer import FiltersDep
from cancer_alliance.web.presenters.performance import DEFAULT_STANDARD
from cancer_alliance.web.queries import (
    OrganisationSummary,
    alliance_overview,
    alliance_summary,
    explore,
    trust_names,
    trust_summary,
)
from cancer_alliance.web.tables import Format, table_response

router = APIRouter(tags=["aggregates"])

COUNTS = ["total", "within", "breaches", "performance", "threshold"]
FLAGS = ["total_suppressed", "within_suppressed", "breaches_suppressed"]


def _standard(standard: str = DEFAULT_STANDARD) -> str:
    return standard


def _checked(summary: OrganisationSummary | None) -> OrganisationSummary:
    if summary is None:
        raise HTTPException(status_code=404, detail="No organisation with that code.")
    return summary


@router.get("/alliances")
def alliances(
    ctx: ContextDep, viewer: ViewerDep, metric: str = DEFAULT_STANDARD, format: Format = Format.json
):
    """Each 2018/19 alliance with its performance on `metric` over the results period (the map's table)."""
    try:
        table = alliance_overview(ctx.results, viewer, metric)
    except ValueError as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    columns = ["alliance", "name", "map_number", "standard_id", *COUNTS, *FLAGS]
    return table_response(table, columns, format, f"alliances-{metric}.csv")


def _summary(kind: str, code: str, ctx, viewer, standard: str) -> OrganisationSummary:
    find = alliance_summary if kind == "alliance" else trust_summary
    try:
        return _checked(find(ctx.results, viewer, code, standard))
    except ValueError as error:
        raise HTTPException(status_code=404, detail=str(error)) from None


StandardDep = Annotated[str, Depends(_standard)]


@router.get("/alliances/{code}/scorecard")
def alliance_scorecard(code: str, ctx: ContextDep, viewer: ViewerDep, format: Format = Format.json):
    """Every standard for the alliance's latest month against its threshold."""
    summary = _summary("alliance", code, ctx, viewer, DEFAULT_STANDARD)
    table = summary.per_standard.assign(reporting_month=summary.month, alliance=code)
    columns = ["alliance", "reporting_month", "standard_id", *COUNTS, *FLAGS]
    return table_response(table, columns, format, f"scorecard-{code}.csv")


@router.get("/alliances/{code}/trend")
def alliance_trend(
    code: str, ctx: ContextDep, viewer: ViewerDep, standard: StandardDep, format: Format = Format.json
):
    """The alliance's performance on one standard, month by month."""
    summary = _summary("alliance", code, ctx, viewer, standard)
    table = summary.trend.assign(alliance=code, standard_id=standard)
    columns = ["alliance", "standard_id", "reporting_month", *COUNTS, *FLAGS]
    return table_response(table, columns, format, f"trend-{code}-{standard}.csv")


@router.get("/alliances/{code}/trusts")
def alliance_trusts(
    code: str, ctx: ContextDep, viewer: ViewerDep, standard: StandardDep, format: Format = Format.json
):
    """The alliance's trusts with their performance on one standard over the results period."""
    summary = _summary("alliance", code, ctx, viewer, standard)
    names = trust_names()
    table = summary.trusts.assign(
        name=summary.trusts["provider"].map(lambda c: names.get(c, c)), standard_id=standard
    )
    table = table.sort_values("performance", ascending=False, na_position="last")
    columns = ["provider", "name", "standard_id", *COUNTS, *FLAGS]
    return table_response(table, columns, format, f"trusts-{code}-{standard}.csv")


@router.get("/trusts/{code}/scorecard")
def trust_scorecard(code: str, ctx: ContextDep, viewer: ViewerDep, format: Format = Format.json):
    """Every standard for the trust's latest month against its threshold."""
    summary = _summary("trust", code, ctx, viewer, DEFAULT_STANDARD)
    table = summary.per_standard.assign(reporting_month=summary.month, provider=code)
    columns = ["provider", "reporting_month", "standard_id", *COUNTS, *FLAGS]
    return table_response(table, columns, format, f"scorecard-{code}.csv")


@router.get("/trusts/{code}/trend")
def trust_trend(
    code: str, ctx: ContextDep, viewer: ViewerDep, standard: StandardDep, format: Format = Format.json
):
    """The trust's performance on one standard, month by month."""
    summary = _summary("trust", code, ctx, viewer, standard)
    table = summary.trend.assign(provider=code, standard_id=standard)
    columns = ["provider", "standard_id", "reporting_month", *COUNTS, *FLAGS]
    return table_response(table, columns, format, f"trend-{code}-{standard}.csv")


@router.get("/performance")
def performance(ctx: ContextDep, viewer: ViewerDep, filters: FiltersDep, format: Format = Format.json):
    """The performance explorer's selection, month by month."""
    table = explore(ctx.results, viewer, filters).assign(standard_id=filters.standard)
    columns = ["standard_id", "reporting_month", *COUNTS, *FLAGS]
    return table_response(table, columns, format, f"performance-{filters.standard}.csv")
