"""Bowel screening (FIT) endpoints: everything the bowel screening pages show, as JSON or CSV
(`?format=csv`). The public gets disclosure-controlled counts and rates worked out from them."""

from __future__ import annotations

from fastapi import APIRouter

from cancer_alliance.fit.metrics import OUTPUT_COLUMNS, interval_columns
from cancer_alliance.fit.planning import PLAN_COLUMNS
from cancer_alliance.fit.rules import COUNT_COLUMNS
from cancer_alliance.web.context import ContextDep, ViewerDep
from cancer_alliance.web.domain_queries.fit import (
    Thresholds,
    alliance_table,
    ccg_table,
    check_alliance,
    chosen_thresholds,
    month_table,
    plan_tables,
    slots_per_month,
)
from cancer_alliance.web.tables import Format, table_response

router = APIRouter(prefix="/bowel-screening", tags=["bowel screening"])

METRICS = [
    *OUTPUT_COLUMNS,
    *(f"{name}_suppressed" for name in COUNT_COLUMNS),
    *interval_columns(),
    "median_days_result_to_test",
]


@router.get("/alliances")
def fit_alliances(ctx: ContextDep, viewer: ViewerDep, format: Format = Format.json):
    """Each alliance's bowel screening metrics with Wilson 95% intervals."""
    table = alliance_table(ctx.results, viewer).sort_values("alliance_code")
    return table_response(table, ["alliance_code", "name", *METRICS], format, "bowel-screening-alliances.csv")


@router.get("/alliances/{code}")
def fit_alliance(code: str, ctx: ContextDep, viewer: ViewerDep, format: Format = Format.json):
    """One alliance's bowel screening metrics with Wilson 95% intervals."""
    check_alliance(code)
    table = alliance_table(ctx.results, viewer)
    table = table[table["alliance_code"] == code]
    return table_response(table, ["alliance_code", "name", *METRICS], format, f"bowel-screening-{code}.csv")


@router.get("/alliances/{code}/ccgs")
def fit_ccgs(code: str, ctx: ContextDep, viewer: ViewerDep, format: Format = Format.json):
    """The alliance's CCGs: metrics, and positivity against England's funnel (95% and 99.8% limits)."""
    check_alliance(code)
    table, _ = ccg_table(ctx.results, viewer)
    table = table[table["alliance_code"] == code].sort_values("ccg_code")
    funnel = ["lower_95", "upper_95", "lower_998", "upper_998", "funnel_flag"]
    columns = ["alliance_code", "ccg_code", "name", *METRICS, *funnel]
    return table_response(table, columns, format, f"bowel-screening-{code}-ccgs.csv")


@router.get("/alliances/{code}/months")
def fit_months(code: str, ctx: ContextDep, viewer: ViewerDep, format: Format = Format.json):
    """The alliance's metrics by month of invitation (the SPC charts' series)."""
    check_alliance(code)
    table = month_table(ctx.results, viewer, code)
    return table_response(
        table, ["alliance_code", "invitation_month", *METRICS], format, f"bowel-screening-{code}-months.csv"
    )


@router.get("/alliances/{code}/plan")
def fit_plan(
    code: str, ctx: ContextDep, viewer: ViewerDep, threshold: Thresholds = None, format: Format = Format.json
):
    """The threshold plan: per threshold, positives, positivity, colonoscopies, expected cancers and
    high-risk adenomas, and which yield estimate was used (`yield_source`)."""
    check_alliance(code)
    plan, _ = plan_tables(ctx.results, viewer, code, chosen_thresholds(threshold), None)
    return table_response(
        plan, [*PLAN_COLUMNS, "screened_suppressed", "positive_suppressed"], format, f"fit-plan-{code}.csv"
    )


@router.get("/alliances/{code}/demand")
def fit_demand(
    code: str,
    ctx: ContextDep,
    viewer: ViewerDep,
    threshold: Thresholds = None,
    slots: str | None = None,
    format: Format = Format.json,
):
    """Expected colonoscopies per threshold and month of result, against `slots` per month if given."""
    check_alliance(code)
    _, demand = plan_tables(ctx.results, viewer, code, chosen_thresholds(threshold), slots_per_month(slots))
    columns = ["threshold", "month", "colonoscopies", "slots", "shortfall"]
    return table_response(demand, columns, format, f"fit-demand-{code}.csv")
