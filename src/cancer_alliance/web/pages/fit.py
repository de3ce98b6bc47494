"""Bowel screening (FIT) pages (issue #13 item 6): the alliances at a glance, one page per alliance
(programme metrics with intervals and the uptake standard, the map of its CCGs' uptake, the funnel of
CCG positivity against every CCG in England, monthly SPC trends) and a threshold planner (a GET form:
works without JavaScript) with positivity, demand by month against the slots given, expected yield and
the assumptions used. Everything is read from the FIT results (`fit.files.write_results`) and worked
out once per results file, alliance and audience (`Results.table_derived`)."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, HTTPException, Request

from cancer_alliance import reference
from cancer_alliance.fit import planning
from cancer_alliance.fit.files import BANDS_BY, PLANNER_THRESHOLDS
from cancer_alliance.fit.published import complete_invitation_months, monthly_spc
from cancer_alliance.fit.settings import DEFAULT_SETTINGS
from cancer_alliance.results.reader import Results, ResultsMissing
from cancer_alliance.web.context import ContextDep, ViewerDep
from cancer_alliance.web.domain_queries.fit import (
    Thresholds,
    alliance_table,
    ccg_names,
    ccg_table,
    check_alliance,
    chosen_thresholds,
    month_table,
    plan_tables,
    slots_per_month,
)
from cancer_alliance.web.pages.common import render
from cancer_alliance.web.presenters import fit as present
from cancer_alliance.web.presenters.england_map import england_map, map_shapes
from cancer_alliance.web.presenters.formatting import WITHHELD, count, format_month, percent
from cancer_alliance.web.queries import ALLIANCE_VERSION, alliance_names, policy_for
from cancer_alliance.web.scope import Viewer

router = APIRouter()


@lru_cache(maxsize=1)
def _ccg_boundaries() -> dict[str, Any]:
    return reference.ccg_boundaries(ALLIANCE_VERSION)


@lru_cache(maxsize=32)
def ccg_shapes(alliance_code: str) -> dict[str, str]:
    """The outlines of the alliance's CCGs, projected to fill the map box."""
    members = {c.ons_code for c in reference.ccgs(ALLIANCE_VERSION) if c.alliance_code == alliance_code}
    boundaries = _ccg_boundaries()
    features = [f for f in boundaries["features"] if f["properties"]["ccg19cd"] in members]
    return map_shapes({**boundaries, "features": features}, code_property="ccg19cd") if features else {}


@lru_cache(maxsize=1)
def alliance_shapes() -> dict[str, str]:
    return map_shapes(reference.boundaries(ALLIANCE_VERSION))


# Pages.


@router.get("/bowel-screening", name="fit_index")
def fit_index(request: Request, ctx: ContextDep, viewer: ViewerDep):
    try:
        table = alliance_table(ctx.results, viewer)
    except ResultsMissing:  # a home computed before bowel screening was added: say so, link nowhere
        return render(request, "fit_index.jinja", map=None, rows=[])
    values = dict(zip(table["alliance_code"], table["uptake"], strict=True))
    return render(
        request,
        "fit_index.jinja",
        map=england_map(
            alliance_shapes(), alliance_names(), values, "uptake", href="/bowel-screening/{code}"
        ),
        rows=[
            {
                "code": row["alliance_code"],
                "name": row["name"],
                "invited": count(row["invited"]),
                "uptake": present.rate_text(row["uptake"]),
                "positivity": present.rate_text(row["positivity"]),
                "detection": present.rate_text(row["cancer_detection_per_1000"], per_1000=True),
            }
            for row in table.sort_values("name").to_dict("records")
        ],
    )


def alliance_values(results: Results, viewer: Viewer, code: str) -> dict[str, Any]:
    table = alliance_table(results, viewer)
    found = table[table["alliance_code"] == code]
    if found.empty:
        raise HTTPException(status_code=404, detail="No bowel screening results for that alliance.")
    row = found.iloc[0].to_dict()
    ccgs, p0 = ccg_table(results, viewer)
    members = ccgs[ccgs["alliance_code"] == code]
    name = alliance_names()[code]
    reference_date = results.reference_date()
    months, left_out = complete_invitation_months(
        month_table(results, viewer, code), reference_date, DEFAULT_SETTINGS.uptake_window_days
    )
    uptake_standard = DEFAULT_SETTINGS.standard("uptake_acceptable", reference_date)
    target = uptake_standard.target if uptake_standard else None
    policy = policy_for(viewer)
    uptake_points, uptake_summary, spc_withheld = monthly_spc(months, "uptake", target, policy)
    positivity_points, positivity_summary, _ = monthly_spc(months, "positivity", None, policy)
    shapes = ccg_shapes(code)
    uptake_by_ccg = dict(zip(members["ccg_code"], members["uptake"], strict=True))
    funnel_spec = present.ccg_funnel_spec(
        ccgs, p0, list(members["ccg_code"]), f"Positivity of every CCG in England, {name} highlighted"
    )
    return {
        "code": code,
        "name": name,
        "metrics": present.metric_rows(row),
        "standards": present.standard_tags(row, reference_date),
        "map": england_map(shapes, ccg_names(), uptake_by_ccg, "uptake", href="#ccg-{code}")
        if shapes
        else None,
        "ccgs": present.ccg_rows(members),
        "england_positivity": percent(p0),
        "funnel_spec": json.dumps(funnel_spec) if funnel_spec else None,
        "uptake_spec": _dumps(
            present.spc_spec(uptake_points, uptake_summary, "Uptake by month of invitation", "Uptake", target)
        ),
        "uptake_rows": present.spc_table_rows(uptake_points, months, "uptake"),
        "positivity_spec": _dumps(
            present.spc_spec(
                positivity_points, positivity_summary, "Positivity by month of invitation", "Positivity", None
            )
        ),
        "positivity_rows": present.spc_table_rows(positivity_points, months, "positivity"),
        "spc_withheld": spc_withheld,
        "last_month": format_month(months["invitation_month"].iloc[-1]) if len(months) else "",
        "window_days": DEFAULT_SETTINGS.uptake_window_days,
        "left_out": [format_month(month) for month in left_out],
    }


def _dumps(spec: dict | None) -> str | None:
    return json.dumps(spec) if spec else None


@router.get("/bowel-screening/{code}", name="fit_alliance")
def fit_alliance(request: Request, code: str, ctx: ContextDep, viewer: ViewerDep):
    check_alliance(code)
    values = ctx.results.table_derived(
        "fit_alliance",
        f"page:{code}:{viewer.signed_in}",
        lambda _: alliance_values(ctx.results, viewer, code),
    )
    return render(request, "fit_alliance.jinja", **values)


@router.get("/bowel-screening/{code}/planner", name="fit_planner")
def fit_planner(
    request: Request,
    code: str,
    ctx: ContextDep,
    viewer: ViewerDep,
    threshold: Thresholds = None,
    slots: str | None = None,
):
    check_alliance(code)
    chosen = chosen_thresholds(threshold)
    monthly = slots_per_month(slots)
    plan, demand = plan_tables(ctx.results, viewer, code, chosen, monthly)
    if policy_for(viewer) is None:
        conversion = percent(
            planning.conversion(ctx.results.table("fit_bands").pipe(lambda f: f[f["alliance_code"] == code]))
        )
    else:  # from the published counts, as on the alliance page (an exact rate would narrow them)
        table = alliance_table(ctx.results, viewer)
        conversion = percent(table.loc[table["alliance_code"] == code, "conversion"].iloc[0]) or WITHHELD
    query = "&".join(f"threshold={t:g}" for t in chosen) + (
        f"&slots={monthly:g}" if monthly is not None else ""
    )
    return render(
        request,
        "fit_planner.jinja",
        code=code,
        name=alliance_names()[code],
        choices=[
            {"value": f"{t:g}", "text": f"{t:g} µg/g", "checked": t in chosen} for t in PLANNER_THRESHOLDS
        ],
        slots=slots or "",
        plan=present.plan_rows(plan),
        demand=present.demand_rows(demand),
        demand_spec=_dumps(
            present.demand_spec(demand, monthly, f"Colonoscopy demand by month, {alliance_names()[code]}")
        ),
        conversion=conversion,
        assumptions=DEFAULT_SETTINGS.yield_assumptions,
        thresholds=DEFAULT_SETTINGS.programme_thresholds,
        query=query,
        bands_by=BANDS_BY,
    )
