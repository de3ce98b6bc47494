"""Alliance and trust pages: scorecard for the latest month, monthly trend (chart and table), trusts."""

from __future__ import annotations

import json

from fastapi import APIRouter, HTTPException, Request

from cancer_alliance.web.context import ContextDep, ViewerDep
from cancer_alliance.web.pages.common import render
from cancer_alliance.web.presenters.charts import performance_trend
from cancer_alliance.web.presenters.performance import (
    DEFAULT_STANDARD,
    HEADLINE_STANDARDS,
    month_rows,
    ranked,
    scorecard,
)
from cancer_alliance.web.queries import (
    OrganisationSummary,
    alliance_summary,
    standard_infos,
    trust_names,
    trust_summary,
)

router = APIRouter()


def _page(request: Request, summary: OrganisationSummary | None, kind: str, standard: str):
    if summary is None:
        raise HTTPException(status_code=404, detail=f"No {kind} with that code.")
    title = HEADLINE_STANDARDS.get(standard, standard)
    return render(
        request,
        "organisation.jinja",
        kind=kind,
        api=f"/api/{kind}s/{summary.code}" if kind == "alliance" else f"/api/trusts/{summary.code}",
        summary=summary,
        scorecard=scorecard(summary.per_standard, standard_infos()),
        trend_rows=month_rows(summary.trend),
        trend_spec=json.dumps(performance_trend(summary.trend, title)),
        trend_title=title,
        standard=standard,
        metrics=HEADLINE_STANDARDS,
        trusts=ranked(summary.trusts, "provider", trust_names()) if summary.trusts is not None else None,
    )


@router.get("/alliances/{code}", name="alliance_page")
def alliance_page(
    request: Request, code: str, ctx: ContextDep, viewer: ViewerDep, standard: str = DEFAULT_STANDARD
):
    if standard not in HEADLINE_STANDARDS:
        raise HTTPException(status_code=404, detail="Unknown standard.")
    return _page(request, alliance_summary(ctx.results, viewer, code, standard), "alliance", standard)


@router.get("/trusts/{code}", name="trust_page")
def trust_page(
    request: Request, code: str, ctx: ContextDep, viewer: ViewerDep, standard: str = DEFAULT_STANDARD
):
    if standard not in HEADLINE_STANDARDS:
        raise HTTPException(status_code=404, detail="Unknown standard.")
    return _page(request, trust_summary(ctx.results, viewer, code, standard), "trust", standard)
