"""Radiotherapy pages (issue #14): the 11 networks, and a page per network and per provider with the
compliance table and its evidence, the linac age chart, and the technique and fractionation mix over
time, each chart with its table. Data: the demo's radiotherapy results (`radiotherapy/results_files.py`),
worked out once per results file, page and audience."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fastapi import APIRouter, HTTPException, Request

from cancer_alliance.radiotherapy.compliance import in_force
from cancer_alliance.radiotherapy.published import published_compliance
from cancer_alliance.reference.radiotherapy_networks import (
    memberships_on,
    network_names,
    networks,
    requirements,
)
from cancer_alliance.results.reader import Results, ResultsMissing
from cancer_alliance.web.context import ContextDep, ViewerDep
from cancer_alliance.web.domain_queries.radiotherapy import (
    LEVELS,
    RESULTS,
    as_of,
    compliance_table,
    course_withheld_counts,
    known,
    trust_name,
    withheld_counts,
)
from cancer_alliance.web.pages.common import render
from cancer_alliance.web.presenters import radiotherapy as present
from cancer_alliance.web.queries import policy_for
from cancer_alliance.web.scope import Viewer

router = APIRouter()


def page_values(results: Results, viewer: Viewer, level: str, code: str) -> dict[str, Any] | None:
    day = as_of(results)
    if not known(level, code, day):
        return None
    return results.table_derived(
        RESULTS["compliance"],
        f"radiotherapy:{level}:{code}:{viewer.signed_in}",
        lambda _: _page_values(results, viewer, level, code, day),
    )


def _page_values(results: Results, viewer: Viewer, level: str, code: str, day: dt.date) -> dict[str, Any]:
    chosen = in_force(day, requirements())
    members = memberships_on(day)
    providers = [m.provider_code for m in members if m.network_code == code] if level == "network" else [code]
    table = compliance_table(results, viewer, level, code)
    linacs = results.table(RESULTS["linacs"])
    linacs = linacs[linacs["provider_code"].isin(providers)]
    replacement = next((r.parameter for r in chosen if r.requirement_id == "linac_replacement_due"), None)
    linac_rows = present.linac_rows(linacs)
    techniques = present.technique_table(
        results.table(RESULTS["techniques"]).query("provider_code in @providers"),
        policy_for(viewer),
        course_withheld_counts(results),
        level,
        code,
    )
    fractionation = present.fractionation_table(
        results.table(RESULTS["fractionation"]).query("provider_code in @providers"),
        policy_for(viewer),
        course_withheld_counts(results),
        level,
        code,
    )
    name = network_names()[code] if level == "network" else trust_name(code)
    network = next((m.network_code for m in members if m.provider_code == code), None)
    return {
        "level": level,
        "code": code,
        "name": name,
        "as_of": day,
        "rows": present.compliance_rows(table, chosen),
        "counts": present.status_counts(table),
        "providers": [
            {
                "code": p,
                "name": trust_name(p),
                "lead": any(m.role == "lead" and m.provider_code == p for m in members),
            }
            for p in providers
        ]
        if level == "network"
        else [],
        "network": {"code": network, "name": network_names()[network]} if network else None,
        "linacs": linac_rows,
        "linac_spec": json.dumps(present.linac_chart(linac_rows, replacement, f"Linac ages, {name}"))
        if linac_rows
        else None,
        "replacement_years": replacement,
        "techniques": present.mix_rows(techniques, "technique"),
        "technique_spec": json.dumps(
            present.mix_chart(techniques, "technique", f"Courses by technique, {name}")
        )
        if techniques["courses"].notna().any()
        else None,
        "fractionation": present.mix_rows(fractionation, "schedule"),
        "fractionation_spec": json.dumps(
            present.mix_chart(fractionation, "schedule", f"Radical breast and prostate schedules, {name}")
        )
        if fractionation["courses"].notna().any()
        else None,
        "api": f"/api/radiotherapy/{'networks' if level == 'network' else 'providers'}/{code}/compliance",
    }


@router.get("/radiotherapy", name="radiotherapy_index")
async def radiotherapy_index(request: Request, ctx: ContextDep, viewer: ViewerDep):
    try:
        day = as_of(ctx.results)
        table = ctx.results.table(RESULTS["compliance"])
    except ResultsMissing:
        raise HTTPException(
            status_code=503, detail="Radiotherapy results have not been computed yet."
        ) from None
    members = memberships_on(day)
    rows = []
    for network in networks():
        mine = published_compliance(
            table[(table["level"] == "network") & (table["code"] == network.code)],
            policy_for(viewer),
            withheld_counts(ctx.results),
        )
        lead = next(
            (m.provider_code for m in members if m.network_code == network.code and m.role == "lead"), None
        )
        rows.append(
            {
                "code": network.code,
                "name": network.name,
                "verified": network.verified,
                "lead": trust_name(lead) if lead else "none",
                "providers": sum(1 for m in members if m.network_code == network.code),
                "counts": present.status_counts(mine),
            }
        )
    return render(request, "radiotherapy.jinja", as_of=day, networks=rows)


@router.get("/radiotherapy/{kind}/{code}", name="radiotherapy_page")
async def radiotherapy_page(kind: str, code: str, request: Request, ctx: ContextDep, viewer: ViewerDep):
    if kind not in LEVELS:
        raise HTTPException(status_code=404, detail="Not found.")
    try:
        values = page_values(ctx.results, viewer, LEVELS[kind], code)
    except ResultsMissing:
        raise HTTPException(
            status_code=503, detail="Radiotherapy results have not been computed yet."
        ) from None
    if values is None:
        raise HTTPException(status_code=404, detail=f"No radiotherapy {LEVELS[kind]} with that code.")
    return render(request, "radiotherapy_organisation.jinja", **values)
