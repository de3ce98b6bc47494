"""Aggregate endpoints: the map table, organisation scorecards, trends with their SPC columns, trust
rankings, funnels comparing trusts, early diagnosis (NDRS), the explorer. The public gets them after
disclosure control (`queries.visible`, `early_diagnosis.published`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException

from cancer_alliance.cwt.published import SPC_COLUMNS
from cancer_alliance.web.context import ContextDep, ViewerDep
from cancer_alliance.web.domain_queries.cwt import FiltersDep
from cancer_alliance.web.presenters.early_diagnosis import EARLY_STAGE
from cancer_alliance.web.presenters.performance import DEFAULT_STANDARD, england_rate
from cancer_alliance.web.queries import (
    NDRS_COUNTS,
    OrganisationSummary,
    alliance_names,
    alliance_overview,
    alliance_summary,
    early_diagnosis,
    early_stage_overview,
    explore,
    funnel_members,
    organisation_spc,
    trust_funnel,
    trust_names,
    trust_summary,
)
from cancer_alliance.web.tables import Format, table_response

router = APIRouter(tags=["aggregates"])

COUNTS = ["total", "within", "breaches", "performance", "threshold"]
FLAGS = ["total_suppressed", "within_suppressed", "breaches_suppressed"]
EARLY = [
    *(column for name in NDRS_COUNTS for column in (name, f"{name}_suppressed")),
    "early_stage_proportion",
    "early_stage_lower_95",
    "early_stage_upper_95",
    "stage_completeness",
]


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
    """Each 2018/19 alliance with its performance on `metric` over the results period (the map's table;
    for the public the latest complete month, as the public tables are monthly: `first_month` and
    `last_month` say which);
    `metric=early_stage`: its % of staged cancers diagnosed at stage 1-2 in the latest NDRS year."""
    if metric == EARLY_STAGE:
        columns = ["alliance", "name", "map_number", "ndrs_name", "ndrs_note", "year", *EARLY]
        return table_response(early_stage_overview(viewer), columns, format, "alliances-early_stage.csv")
    try:
        table = alliance_overview(ctx.results, viewer, metric)
    except ValueError as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    columns = ["alliance", "name", "map_number", "standard_id", "first_month", "last_month", *COUNTS, *FLAGS]
    return table_response(table, columns, format, f"alliances-{metric}.csv")


def _summary(kind: str, code: str, ctx, viewer, standard: str, month: str = "") -> OrganisationSummary:
    find = alliance_summary if kind == "alliance" else trust_summary
    try:
        return _checked(find(ctx.results, viewer, code, standard, month))
    except ValueError as error:
        raise HTTPException(status_code=404, detail=str(error)) from None


StandardDep = Annotated[str, Depends(_standard)]


def _with_england(summary: OrganisationSummary):
    """The summary's scorecard rows with England's rate on each standard in the same month."""
    table = summary.per_standard
    return table.assign(
        england_performance=table["standard_id"].map(lambda s: england_rate(summary.england, s))
    )


def _trend(kind: str, code: str, ctx, viewer, standard: str):
    try:
        spc = organisation_spc(ctx.results, viewer, kind, code, standard)
    except ValueError as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    if spc is None:
        raise HTTPException(status_code=404, detail="No organisation with that code.")
    return spc.table.assign(spc_withheld=spc.withheld_reason)


def _early(code: str, viewer):
    found = early_diagnosis(viewer, code)
    if found is None:
        raise HTTPException(status_code=404, detail="No alliance with that code.")
    if found.ndrs_name is None:
        raise HTTPException(status_code=404, detail=found.reason)
    return found


@router.get("/alliances/{code}/early-diagnosis")
def alliance_early_diagnosis(code: str, viewer: ViewerDep, format: Format = Format.json):
    """The alliance's cancers by year of diagnosis from the NDRS stage counts: % diagnosed at stage 1-2
    of those staged with its Wilson 95% interval, and stage completeness. 404 when NDRS does not report
    the alliance's 2018/19 footprint."""
    found = _early(code, viewer)
    columns = ["alliance", "ndrs_name", "ndrs_note", "year", *EARLY]
    table = found.years.assign(ndrs_name=found.ndrs_name)
    return table_response(table, columns, format, f"early-diagnosis-{code}.csv")


@router.get("/alliances/{code}/early-diagnosis/ambitions")
def alliance_early_diagnosis_ambitions(code: str, viewer: ViewerDep, format: Format = Format.json):
    """The alliance's latest NDRS year against each early-stage ambition (62% by 2020/21, 75% by 2028):
    the gap in percentage points and whether it is met."""
    found = _early(code, viewer)
    columns = [
        "alliance",
        "year",
        "ambition_id",
        "by_period",
        "target_proportion",
        "early_stage_proportion",
        "gap_pp",
        "met",
        "ambition_source",
    ]
    return table_response(found.ambitions, columns, format, f"early-diagnosis-ambitions-{code}.csv")


@router.get("/alliances/{code}/scorecard")
def alliance_scorecard(
    code: str, ctx: ContextDep, viewer: ViewerDep, month: str = "", format: Format = Format.json
):
    """Every standard for the alliance in `month` (YYYY-MM; default the latest complete month) against
    its threshold, with England's rate in the same month (`england_performance`)."""
    summary = _summary("alliance", code, ctx, viewer, DEFAULT_STANDARD, month)
    table = _with_england(summary).assign(reporting_month=summary.month, alliance=code)
    columns = ["alliance", "reporting_month", "standard_id", *COUNTS, "england_performance", *FLAGS]
    return table_response(table, columns, format, f"scorecard-{code}-{summary.month}.csv")


@router.get("/alliances/{code}/trend")
def alliance_trend(
    code: str, ctx: ContextDep, viewer: ViewerDep, standard: StandardDep, format: Format = Format.json
):
    """The alliance's performance on one standard, month by month, with the SPC mean, process limits
    (lpl, upl) and point type (Making Data Count XmR, higher is better); over published counts no SPC,
    and `spc_withheld` says why."""
    table = _trend("alliance", code, ctx, viewer, standard).assign(alliance=code, standard_id=standard)
    columns = ["alliance", "standard_id", "reporting_month", *COUNTS, *SPC_COLUMNS, "spc_withheld", *FLAGS]
    return table_response(table, columns, format, f"trend-{code}-{standard}.csv")


@router.get("/alliances/{code}/trusts")
def alliance_trusts(
    code: str,
    ctx: ContextDep,
    viewer: ViewerDep,
    standard: StandardDep,
    month: str = "",
    format: Format = Format.json,
):
    """The alliance's trusts with their performance on one standard over the results period (for the
    public the latest complete month: the public tables are monthly), best first; with `month`
    (YYYY-MM, a complete month), in that month only, lowest first as the page
    ranks them, with England's rate in that month as `england_performance`."""
    summary = _summary("alliance", code, ctx, viewer, standard, month)
    names = trust_names()
    trusts = summary.trusts_in_month if month else summary.trusts
    table = trusts.assign(name=trusts["provider"].map(lambda c: names.get(c, c)), standard_id=standard)
    columns = ["provider", "name", "standard_id", *COUNTS, *FLAGS]
    if month:
        table = table.assign(
            reporting_month=summary.month, england_performance=england_rate(summary.england, standard)
        )
        table = table.sort_values(["performance", "name"], na_position="last")
        columns = [
            "provider",
            "name",
            "standard_id",
            "reporting_month",
            *COUNTS,
            "england_performance",
            *FLAGS,
        ]
        return table_response(table, columns, format, f"trusts-{code}-{standard}-{summary.month}.csv")
    table = table.sort_values("performance", ascending=False, na_position="last")
    return table_response(table, columns, format, f"trusts-{code}-{standard}.csv")


@router.get("/trusts/{code}/scorecard")
def trust_scorecard(
    code: str, ctx: ContextDep, viewer: ViewerDep, month: str = "", format: Format = Format.json
):
    """Every standard for the trust in `month` (YYYY-MM; default the latest complete month) against
    its threshold, with England's rate in the same month (`england_performance`)."""
    summary = _summary("trust", code, ctx, viewer, DEFAULT_STANDARD, month)
    table = _with_england(summary).assign(reporting_month=summary.month, provider=code)
    columns = ["provider", "reporting_month", "standard_id", *COUNTS, "england_performance", *FLAGS]
    return table_response(table, columns, format, f"scorecard-{code}-{summary.month}.csv")


@router.get("/trusts/{code}/trend")
def trust_trend(
    code: str, ctx: ContextDep, viewer: ViewerDep, standard: StandardDep, format: Format = Format.json
):
    """The trust's performance on one standard, month by month, with the SPC mean, process limits
    (lpl, upl) and point type (Making Data Count XmR, higher is better)."""
    table = _trend("trust", code, ctx, viewer, standard).assign(provider=code, standard_id=standard)
    columns = ["provider", "standard_id", "reporting_month", *COUNTS, *SPC_COLUMNS, "spc_withheld", *FLAGS]
    return table_response(table, columns, format, f"trend-{code}-{standard}.csv")


FUNNEL_COLUMNS = [
    "provider",
    "name",
    "alliance",
    "standard_id",
    "first_month",
    "last_month",
    "total",
    "within",
    "proportion",
    "overall_rate",
    "lower_95",
    "upper_95",
    "lower_998",
    "upper_998",
    "funnel_flag",
    "total_suppressed",
    "within_suppressed",
]


def _funnel(kind: str, code: str, ctx, viewer, standard: str, fmt: Format):
    known = alliance_names() if kind == "alliance" else trust_names()
    if code not in known:
        raise HTTPException(status_code=404, detail="No organisation with that code.")
    try:
        found = trust_funnel(ctx.results, viewer, standard)
    except ValueError as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    table = funnel_members(found, kind, code)
    return table_response(table, FUNNEL_COLUMNS, fmt, f"funnel-{code}-{standard}.csv")


@router.get("/alliances/{code}/funnel")
def alliance_funnel(
    code: str, ctx: ContextDep, viewer: ViewerDep, standard: StandardDep, format: Format = Format.json
):
    """The alliance's trusts against the funnel of every trust in England on one standard, summed over
    the latest 3 reporting months: % within (`proportion`), England's rate (`overall_rate`), the 95% and
    99.8% limits at the trust's patients and `funnel_flag` (above_99.8, above_95, within_95, below_95,
    below_99.8; null without a published rate). Spiegelhalter 2005, normal approximation."""
    return _funnel("alliance", code, ctx, viewer, standard, format)


@router.get("/trusts/{code}/funnel")
def trust_funnel_endpoint(
    code: str, ctx: ContextDep, viewer: ViewerDep, standard: StandardDep, format: Format = Format.json
):
    """The trust against the funnel of every trust in England on one standard, summed over the latest 3
    reporting months (columns as `/api/alliances/{code}/funnel`)."""
    return _funnel("trust", code, ctx, viewer, standard, format)


@router.get("/performance")
def performance(ctx: ContextDep, viewer: ViewerDep, filters: FiltersDep, format: Format = Format.json):
    """The performance explorer's selection, month by month."""
    table = explore(ctx.results, viewer, filters).assign(standard_id=filters.standard)
    columns = ["standard_id", "reporting_month", *COUNTS, *FLAGS]
    return table_response(table, columns, format, f"performance-{filters.standard}.csv")
