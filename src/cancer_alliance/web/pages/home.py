"""Home: the map of the 19 alliances coloured by a chosen standard, with the same figures as a table."""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter, HTTPException, Request

from cancer_alliance import reference
from cancer_alliance.web.context import ContextDep, ViewerDep
from cancer_alliance.web.pages.common import render
from cancer_alliance.web.presenters.england_map import england_map, map_shapes
from cancer_alliance.web.presenters.formatting import count, percent
from cancer_alliance.web.presenters.performance import DEFAULT_STANDARD, HEADLINE_STANDARDS, met_tag
from cancer_alliance.web.queries import ALLIANCE_VERSION, alliance_names, alliance_overview

router = APIRouter()


@lru_cache(maxsize=1)
def shapes() -> dict[str, str]:
    """The 2018/19 alliance outlines as SVG paths, projected once per process."""
    return map_shapes(reference.boundaries(ALLIANCE_VERSION))


@router.get("/", name="home")
def home(request: Request, ctx: ContextDep, viewer: ViewerDep, metric: str = DEFAULT_STANDARD):
    if metric not in HEADLINE_STANDARDS:
        raise HTTPException(status_code=404, detail="Unknown metric.")
    table = alliance_overview(ctx.results, viewer, metric)
    values = dict(zip(table["alliance"], table["performance"], strict=True))
    drawn = england_map(shapes(), alliance_names(), values, HEADLINE_STANDARDS[metric])
    rows = [
        {
            "code": row["alliance"],
            "name": row["name"],
            "map_number": row["map_number"],
            "total": count(row["total"]) or _missing(row),
            "performance": percent(row["performance"]) or _missing(row),
            "tag": met_tag(row["performance"], row["threshold"]),
        }
        for row in table.to_dict("records")
    ]
    return render(
        request,
        "home.jinja",
        map=drawn,
        rows=rows,
        metric=metric,
        metrics=HEADLINE_STANDARDS,
        metric_label=HEADLINE_STANDARDS[metric],
        months=ctx.results.months(),
        reference_date=ctx.results.reference_date(),
    )


def _missing(row: dict) -> str:
    """Why a figure is absent: withheld by disclosure control, or no patients at all."""
    return "withheld" if row.get("total_suppressed") or row.get("within_suppressed") else "no patients"
