"""Alliance and trust pages: scorecard for the latest month, the chosen standard's monthly performance
as a Making Data Count SPC chart with its icons and table, trusts ranked, (alliances) early
diagnosis from the NDRS stage counts, early diagnosis from the registrations in the lake beside it
(stage 1-2 and emergency presentation, each labelled with its source), and a funnel plot comparing
the alliance's trusts (or the trust) with every trust in England over the latest months
(`queries.trust_funnel`).

Everything a page shows is worked out once per results file, organisation, standard and audience
(`Results.derived`), including the chart specs as JSON text, so a request costs a dict lookup and the
template (issue 6, "Speed").
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, HTTPException, Request

from cancer_alliance.results.reader import Results
from cancer_alliance.web.context import ContextDep, ViewerDep
from cancer_alliance.web.pages.common import render
from cancer_alliance.web.presenters.charts import (
    early_stage_trend,
    funnel_flag_label,
    spc_trend,
    trust_funnel_chart,
)
from cancer_alliance.web.presenters.early_diagnosis import (
    ambition_rows,
    ambition_targets,
    interval,
    lake_values,
    year_rows,
)
from cancer_alliance.web.presenters.formatting import count, format_month, percent
from cancer_alliance.web.presenters.performance import (
    DEFAULT_STANDARD,
    HEADLINE_STANDARDS,
    england_rate,
    month_ranking,
    ranked,
    scorecard,
    spc_icons,
    spc_rows,
)
from cancer_alliance.web.queries import (
    EarlyDiagnosis,
    alliance_names,
    alliance_summary,
    chosen_month,
    early_diagnosis,
    funnel_members,
    incomplete_months,
    lake_early_diagnosis,
    organisation_spc,
    standard_infos,
    trust_funnel,
    trust_names,
    trust_summary,
)
from cancer_alliance.web.scope import Viewer

router = APIRouter()

GROUPING = {"alliance": "month_alliance", "trust": "month_provider"}


def page_values(
    results: Results, viewer: Viewer, kind: str, code: str, standard: str, month: str = ""
) -> dict | None:
    """The template values of an alliance or trust page for `month` (blank: the latest complete one;
    None for an unknown code), cached; ValueError for a month the results do not hold complete."""
    if code not in (alliance_names() if kind == "alliance" else trust_names()):
        return None  # not cached, so made-up codes cannot fill the cache
    month = chosen_month(results, month)
    return results.derived(
        GROUPING[kind],
        f"page:{kind}:{code}:{standard}:{month}:{viewer.signed_in}",
        lambda _: _page_values(results, viewer, kind, code, standard, month),
    )


def _page_values(
    results: Results, viewer: Viewer, kind: str, code: str, standard: str, month: str
) -> dict | None:
    find = alliance_summary if kind == "alliance" else trust_summary
    summary = find(results, viewer, code, standard, month)
    if summary is None:
        return None
    title = HEADLINE_STANDARDS.get(standard, standard)
    england = england_rate(summary.england, standard)
    spc = organisation_spc(results, viewer, kind, code, standard)
    has_points = not spc.points.empty
    return {
        "kind": kind,
        "api": f"/api/alliances/{code}" if kind == "alliance" else f"/api/trusts/{code}",
        "summary": summary,
        "scorecard": scorecard(summary.per_standard, standard_infos(), summary.england),
        "month_options": [
            {"value": m, "text": format_month(m), "selected": m == summary.month}
            for m in reversed(summary.months)
        ],
        "england": percent(england),
        "ranking": month_ranking(summary.trusts_in_month, trust_names(), england)
        if summary.trusts_in_month is not None
        else None,
        "trend_rows": spc_rows(spc.table),
        "trend_spec": json.dumps(
            spc_trend(spc.points, spc.variation_icon, spc.assurance_type, f"{title} by month", spc.threshold)
        )
        if has_points
        else None,
        "spc_icons": spc_icons(spc.variation_icon, spc.assurance_type),
        "spc_threshold": percent(spc.threshold),
        "spc_points": len(spc.points),
        "spc_withheld": spc.withheld_reason,
        "spc_caution": spc.caution,
        "left_out": [format_month(m) for m in incomplete_months(results)],
        "trend_title": title,
        "standard": standard,
        "metrics": HEADLINE_STANDARDS,
        "trusts": ranked(summary.trusts, "provider", trust_names()) if summary.trusts is not None else None,
        "early": _early_values(early_diagnosis(viewer, code)) if kind == "alliance" else None,
        "lake_early": lake_values(lake_early_diagnosis(results, viewer, kind, code)),
        "funnel": _funnel_values(results, viewer, kind, code, standard, title),
    }


def _funnel_values(results: Results, viewer: Viewer, kind: str, code: str, standard: str, title: str) -> dict:
    """The funnel of every trust in England with this alliance's trusts (or this trust) highlighted, and
    the highlighted trusts' rows for the table."""
    found = trust_funnel(results, viewer, standard)
    rows = funnel_members(found, kind, code)
    months = f"{format_month(found.months[0])} to {format_month(found.months[-1])}" if found.months else ""
    chart_title = f"{title}, {months}: every trust in England"
    has_points = bool(found.table["proportion"].notna().any())
    return {
        "months": months,
        "overall": percent(found.overall_rate),
        "trusts": int(found.table["proportion"].notna().sum()),
        "spec": json.dumps(trust_funnel_chart(found.table, found.overall_rate, rows["provider"], chart_title))
        if has_points
        else None,
        "rows": [
            {
                "code": row["provider"],
                "name": row["name"],
                "total": count(row["total"]),
                "performance": percent(row["proportion"]),
                "flag": funnel_flag_label(row["funnel_flag"]),
            }
            for row in rows.to_dict("records")
        ],
    }


def _early_values(found: EarlyDiagnosis | None) -> dict[str, Any] | None:
    if found is None:
        return None
    latest = found.latest
    england = found.england_latest
    if latest is None:
        return {"available": False, "reason": found.reason}
    targets = ambition_targets()
    return {
        "available": True,
        "ndrs_name": found.ndrs_name,
        "ndrs_note": found.ndrs_note,
        "year": int(latest["year"]),
        "first_year": int(found.years["year"].iloc[0]),
        "early_stage": percent(latest["early_stage_proportion"]),
        "interval": interval(latest["early_stage_lower_95"], latest["early_stage_upper_95"]),
        "staged": count(latest["stage_staged"]),
        "early": count(latest["stage_early"]),
        "completeness": percent(latest["stage_completeness"]),
        "emergency": percent(latest["emergency_proportion"]),
        "england": percent(england["early_stage_proportion"]) if england else "",
        "ambitions": ambition_rows(found.ambitions),
        "rows": year_rows(found.years),
        "spec": json.dumps(early_stage_trend(found.years, targets, "Cancers diagnosed at stage 1 or 2")),
    }


def _page(
    request: Request, results: Results, viewer: Viewer, kind: str, code: str, standard: str, month: str
):
    if standard not in HEADLINE_STANDARDS:
        raise HTTPException(status_code=404, detail="Unknown standard.")
    try:
        values = page_values(results, viewer, kind, code, standard, month)
    except ValueError:
        raise HTTPException(status_code=404, detail="No complete month like that in the results.") from None
    if values is None:
        raise HTTPException(status_code=404, detail=f"No {kind} with that code.")
    return render(request, "organisation.jinja", **values)


@router.get("/alliances/{code}", name="alliance_page")
def alliance_page(
    request: Request,
    code: str,
    ctx: ContextDep,
    viewer: ViewerDep,
    standard: str = DEFAULT_STANDARD,
    month: str = "",
):
    return _page(request, ctx.results, viewer, "alliance", code, standard, month)


@router.get("/trusts/{code}", name="trust_page")
def trust_page(
    request: Request,
    code: str,
    ctx: ContextDep,
    viewer: ViewerDep,
    standard: str = DEFAULT_STANDARD,
    month: str = "",
):
    return _page(request, ctx.results, viewer, "trust", code, standard, month)
