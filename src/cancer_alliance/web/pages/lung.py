"""Lung health checks (issue #10 item 6): the clinic calculator and the programme dashboard.

The calculator: anyone may use it; it stores nothing and reads no patient-level data, so it needs no
scope or audit. The form posts back to the same page (with the CSRF token) and works without
JavaScript; bad answers get the NHS.UK error summary. The dashboard: the journey metrics by alliance
(and by CCG within one), aggregates only, disclosure-controlled for the public, and the CCGs chosen
by targeting on the CCG map (drawn by the home map's code over the 2018/19 CCG boundaries)."""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter, Depends, HTTPException, Request

from cancer_alliance import reference
from cancer_alliance.results.reader import ResultsMissing
from cancer_alliance.web.context import ContextDep
from cancer_alliance.web.domain_queries.lung import lung_table
from cancer_alliance.web.pages.common import render, render_error
from cancer_alliance.web.presenters.england_map import map_shapes
from cancer_alliance.web.presenters.lung import (
    DASHBOARD_RATES,
    QUESTIONS,
    CalculatorForm,
    calculate,
    dashboard_rows,
    form_items,
    targeting_map,
)
from cancer_alliance.web.queries import ALLIANCE_VERSION, alliance_names
from cancer_alliance.web.security.csrf import require_csrf

router = APIRouter()


def _page(request: Request, form: CalculatorForm, result, status_code: int = 200):
    return render(
        request,
        "lung_calculator.jinja",
        status_code=status_code,
        questions=QUESTIONS,
        items=form_items(form.values),
        form=form,
        field_errors=form.errors,
        errors=form.error_list,
        result=result,
    )


@router.get("/lung/calculator", name="lung_calculator")
def calculator(request: Request):
    return _page(request, CalculatorForm(), None)


@router.post("/lung/calculator", name="lung_calculate", dependencies=[Depends(require_csrf)])
async def calculate_risk(request: Request):
    submitted = await request.form()
    form, result = calculate({name: str(submitted.get(name, "")) for name, *_ in QUESTIONS})
    return _page(request, form, result, status_code=400 if form.errors else 200)


@lru_cache(maxsize=1)
def ccg_shapes() -> dict[str, str]:
    """The 2018/19 CCG outlines as SVG paths (the home map's projection code), once per process."""
    return map_shapes(reference.ccg_boundaries(ALLIANCE_VERSION), code_property="ccg19cd")


@router.get("/lung/programme", name="lung_programme")
def programme(request: Request, ctx: ContextDep, alliance: str | None = None):
    viewer = request.state.viewer
    names = alliance_names()
    alliance = alliance or None  # the form's "All alliances" option sends an empty value
    if alliance is not None and alliance not in names:
        raise HTTPException(status_code=404, detail="No such Cancer Alliance.")
    try:
        alliances = lung_table(ctx, "alliance", viewer)
        ccgs = lung_table(ctx, "ccg", viewer)
        targeting = lung_table(ctx, "targeting", viewer)
    except (ResultsMissing, FileNotFoundError):
        return render_error(
            request, 503, "Lung health check results not computed", "Run `alliance results refresh` first."
        )
    ccg_names = {ccg.ons_code: ccg.name for ccg in reference.ccgs(ALLIANCE_VERSION)}
    if alliance:
        ccgs = ccgs[ccgs["alliance_code"] == alliance]
        alliances = alliances[alliances["alliance"] == alliance]
    return render(
        request,
        "lung_programme.jinja",
        alliance=alliance,
        alliance_name=names.get(alliance or "", ""),
        alliance_options=[{"value": "", "text": "All alliances", "selected": not alliance}]
        + [
            {"value": code, "text": name, "selected": code == alliance}
            for code, name in sorted(names.items(), key=lambda i: i[1])
        ],
        headings=[heading for _, heading in DASHBOARD_RATES],
        alliance_rows=dashboard_rows(alliances, names, "alliance"),
        ccg_rows=dashboard_rows(ccgs, ccg_names, "ccg") if alliance else [],
        map=targeting_map(ccg_shapes(), targeting, alliance),
        public=not viewer.signed_in,
    )
