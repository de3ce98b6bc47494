"""Timed-pathways pages (issue 12 item 8): for an alliance or a trust, compliance by milestone, the
step chart of where days are lost, the bottleneck by trust and the monthly trend of a main milestone
with SPC. Aggregates only (precomputed by `alliance results refresh`); the public sees published counts."""

from __future__ import annotations

import json

from fastapi import APIRouter, HTTPException, Request

from cancer_alliance.cwt.published import SPC_WITHHELD
from cancer_alliance.results.reader import ResultsMissing
from cancer_alliance.web.context import ContextDep, ViewerDep
from cancer_alliance.web.domain_queries.pathways import organisation_name, tables
from cancer_alliance.web.pages.common import render
from cancer_alliance.web.presenters import pathways as present
from cancer_alliance.web.queries import policy_for, trust_names
from cancer_alliance.web.scope import Viewer

router = APIRouter()

LEVELS = {"alliance": "alliance", "trust": "trust"}
#: The milestones a trend can be drawn for (the verified targets; `pathways.metrics.MAIN_MILESTONES`).
TREND_MILESTONES = {
    "lung": ("ct", "diagnosis_communicated", "first_treatment"),
    "prostate": ("diagnosis_communicated",),
    "colorectal": ("diagnosis_communicated",),
}


def _page(request: Request, ctx, viewer: Viewer, level: str, code: str, tumour: str, milestone: str):
    name = organisation_name(level, code)
    if name is None:
        raise HTTPException(status_code=404, detail=f"No {level} with that code.")
    if tumour not in present.TUMOURS or milestone not in TREND_MILESTONES[tumour]:
        raise HTTPException(status_code=404, detail="Unknown tumour or milestone.")
    try:
        found = tables(ctx.results, viewer, level, code)
    except ResultsMissing:
        raise HTTPException(status_code=404, detail="No timed-pathway results yet.") from None
    trend = found["trend"]
    trend = trend[(trend["tumour"] == tumour) & (trend["milestone"] == milestone)]
    label = present.milestone_name(milestone)
    label = label[0].lower() + label[1:] if label[1:2].islower() else label  # CT and PET-CT keep capitals
    title = f"{present.TUMOURS[tumour]}: {label} within target"
    steps_spec = present.steps_chart(found["steps"], name)
    spc_withheld = SPC_WITHHELD if policy_for(viewer) is not None else None
    show_chart = not trend.empty and spc_withheld is None
    trend_spec = present.trend_chart(trend, f"{title}, by month of day 0") if show_chart else None
    api = f"/api/{'alliances' if level == 'alliance' else 'trusts'}/{code}/timed-pathways"
    return render(
        request,
        "pathways.jinja",
        level=level,
        code=code,
        name=name,
        api=api,
        compliance=present.compliance_rows(found["compliance"]),
        steps=present.step_rows(found["steps"]),
        steps_spec=json.dumps(steps_spec) if steps_spec else None,
        bottleneck=present.bottleneck_rows(found["bottleneck"], trust_names()),
        trend=present.trend_rows(trend) if not trend.empty else [],
        trend_spec=json.dumps(trend_spec) if trend_spec else None,
        trend_title=title,
        spc_withheld=spc_withheld,
        tumour=tumour,
        milestone=milestone,
        tumours=present.TUMOURS,
        trend_milestones={
            t: [(m, present.milestone_name(m)) for m in ms] for t, ms in TREND_MILESTONES.items()
        },
        organisation_href=f"/{'alliances' if level == 'alliance' else 'trusts'}/{code}",
    )


@router.get("/alliances/{code}/timed-pathways", name="alliance_pathways")
def alliance_pathways(
    request: Request,
    code: str,
    ctx: ContextDep,
    viewer: ViewerDep,
    tumour: str = "lung",
    milestone: str = "diagnosis_communicated",
):
    return _page(request, ctx, viewer, "alliance", code, tumour, milestone)


@router.get("/trusts/{code}/timed-pathways", name="trust_pathways")
def trust_pathways(
    request: Request,
    code: str,
    ctx: ContextDep,
    viewer: ViewerDep,
    tumour: str = "lung",
    milestone: str = "diagnosis_communicated",
):
    return _page(request, ctx, viewer, "trust", code, tumour, milestone)
