"""About the data: what each standard measures, its threshold and where the rules come from."""

from __future__ import annotations

from fastapi import APIRouter, Request

from cancer_alliance import reference
from cancer_alliance.web.context import ContextDep
from cancer_alliance.web.pages.common import render
from cancer_alliance.web.results import ResultsMissing

router = APIRouter()


@router.get("/about", name="about")
def about(request: Request, ctx: ContextDep):
    standards = [s for s in reference.standards() if s.framework == "2018"]
    try:
        reference_date = ctx.results.reference_date()
    except ResultsMissing:
        reference_date = None
    return render(request, "about.jinja", standards=standards, reference_date=reference_date)
