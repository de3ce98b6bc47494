"""About the data: what each metric on the pages means, its threshold or ambition, and its source
(issue 6 item 2, "About: what each metric means and its source")."""

from __future__ import annotations

from fastapi import APIRouter, Request

from cancer_alliance import reference
from cancer_alliance.early_diagnosis.definitions import ambitions
from cancer_alliance.results.reader import ResultsMissing
from cancer_alliance.stats.icons import ICON_LABELS, icon_data_uri
from cancer_alliance.web.context import ContextDep
from cancer_alliance.web.pages.common import render

router = APIRouter()

#: The standards frameworks in the order the page explains them.
FRAMEWORKS = (
    ("2018", "The 2018/19 standards"),
    ("fds", "The Faster Diagnosis Standard"),
    ("2023", "The standards from October 2023"),
)


@router.get("/about", name="about")
async def about(request: Request, ctx: ContextDep):
    try:
        reference_date = ctx.results.reference_date()
    except ResultsMissing:
        reference_date = None
    standards = reference.standards()
    return render(
        request,
        "about.jinja",
        frameworks=[
            (title, [s for s in standards if s.framework == framework]) for framework, title in FRAMEWORKS
        ],
        ambitions=ambitions(),
        icons=[(name, label, icon_data_uri(name)) for name, label in ICON_LABELS.items()],
        reference_date=reference_date,
    )
