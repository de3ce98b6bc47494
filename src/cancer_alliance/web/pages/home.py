"""Home: the map of the 19 alliances coloured by a chosen standard or by early diagnosis (% stage 1-2 of
staged cancers, latest NDRS year), with the same figures as a table.

The map, rows and legend are worked out once per results file, metric and audience (`Results.derived`),
so a request costs a dict lookup and the template (issue 6, "Speed").
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fastapi import APIRouter, HTTPException, Request

from cancer_alliance import reference
from cancer_alliance.results.reader import Results
from cancer_alliance.web.context import ContextDep, ViewerDep
from cancer_alliance.web.pages.common import render
from cancer_alliance.web.presenters.early_diagnosis import (
    EARLY_STAGE,
    EARLY_STAGE_LABEL,
    ambition_tag,
    ambition_targets,
    interval,
    source_note,
)
from cancer_alliance.web.presenters.england_map import ambition_scale, england_map, map_shapes
from cancer_alliance.web.presenters.formatting import count, percent
from cancer_alliance.web.presenters.performance import DEFAULT_STANDARD, HEADLINE_STANDARDS, met_tag
from cancer_alliance.web.queries import (
    ALLIANCE_VERSION,
    alliance_names,
    alliance_overview,
    early_stage_overview,
    map_months,
)
from cancer_alliance.web.scope import Viewer

router = APIRouter()

#: What the map can be coloured by: the CWT standards, then early diagnosis.
MAP_METRICS = {**HEADLINE_STANDARDS, EARLY_STAGE: EARLY_STAGE_LABEL}


@lru_cache(maxsize=1)
def shapes() -> dict[str, str]:
    """The 2018/19 alliance outlines as SVG paths, projected once per process."""
    return map_shapes(reference.boundaries(ALLIANCE_VERSION))


def home_values(results: Results, viewer: Viewer, metric: str) -> dict[str, Any]:
    """The template values of the home page for one metric, cached per results file and audience."""
    return results.derived(
        "month_alliance",
        f"home:{metric}:{viewer.signed_in}",
        lambda _: _home_values(results, viewer, metric),
    )


def _home_values(results: Results, viewer: Viewer, metric: str) -> dict[str, Any]:
    label = MAP_METRICS[metric]
    common = {
        "metric": metric,
        "metrics": MAP_METRICS,
        "metric_label": label,
        "months": results.months(),
        "reference_date": results.reference_date(),
    }
    if metric == EARLY_STAGE:
        return {**common, **_early_stage(viewer, label)}
    table = alliance_overview(results, viewer, metric)
    common["map_months"] = map_months(results, viewer)
    values = dict(zip(table["alliance"], table["performance"], strict=True))
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
    return {
        **common,
        "map": england_map(shapes(), alliance_names(), values, label),
        "rows": rows,
        "early_stage": False,
    }


def _early_stage(viewer: Viewer, label: str) -> dict[str, Any]:
    table = early_stage_overview(viewer)
    targets = ambition_targets()
    values = dict(zip(table["alliance"], table["early_stage_proportion"], strict=True))
    years = table["year"].dropna()
    rows = [
        {
            "code": row["alliance"],
            "name": row["name"],
            "map_number": row["map_number"],
            "total": count(row["stage_staged"]) or "not reported",
            "performance": percent(row["early_stage_proportion"]) or "not reported",
            "interval": interval(row["early_stage_lower_95"], row["early_stage_upper_95"]),
            "tag": ambition_tag(row["early_stage_proportion"], targets),
            "note": source_note(row["ndrs_relation"], row["ndrs_name"]),
        }
        for row in table.to_dict("records")
    ]
    notes = {row["code"]: row["note"] for row in rows}
    scale = ambition_scale(targets)
    return {
        "map": england_map(shapes(), alliance_names(), values, label, scale=scale, notes=notes),
        "rows": rows,
        "early_stage": True,
        "early_year": int(years.max()) if not years.empty else None,
        "ambitions": " and ".join(label for _, label in targets),
        "from_successors": sum(1 for note in notes.values() if note),
    }


@router.get("/", name="home")
def home(request: Request, ctx: ContextDep, viewer: ViewerDep, metric: str = DEFAULT_STANDARD):
    if metric not in MAP_METRICS:
        raise HTTPException(status_code=404, detail="Unknown metric.")
    return render(request, "home.jinja", **home_values(ctx.results, viewer, metric))


def _missing(row: dict) -> str:
    """Why a figure is absent: withheld by disclosure control, or no patients at all."""
    return "withheld" if row.get("total_suppressed") or row.get("within_suppressed") else "no patients"
