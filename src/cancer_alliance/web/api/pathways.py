"""Timed-pathway aggregates for an alliance or a trust (issue 12 item 8): everything the
timed-pathways pages show, as JSON or `?format=csv`; the public gets published counts."""

from __future__ import annotations

from enum import StrEnum

from fastapi import APIRouter, HTTPException

from cancer_alliance.results.reader import ResultsMissing
from cancer_alliance.web.context import ContextDep, ViewerDep
from cancer_alliance.web.domain_queries.pathways import organisation_name, tables
from cancer_alliance.web.tables import Format, table_response

router = APIRouter(tags=["aggregates"])


class Table(StrEnum):
    compliance = "compliance"
    steps = "steps"
    trend = "trend"
    bottleneck = "bottleneck"


def _table(ctx, viewer, level: str, code: str, table: Table, format: Format):
    if organisation_name(level, code) is None:
        raise HTTPException(status_code=404, detail=f"No {level} with that code.")
    try:
        frame = tables(ctx.results, viewer, level, code)[table.value]
    except ResultsMissing:
        raise HTTPException(status_code=404, detail="No timed-pathway results yet.") from None
    return table_response(frame, list(frame.columns), format, f"timed-pathways-{table.value}-{code}.csv")


@router.get("/alliances/{code}/timed-pathways")
def alliance_timed_pathways(
    code: str,
    ctx: ContextDep,
    viewer: ViewerDep,
    table: Table = Table.compliance,
    format: Format = Format.json,
):
    """Timed-pathway compliance by milestone (or `table=steps|trend|bottleneck`) for one alliance."""
    return _table(ctx, viewer, "alliance", code, table, format)


@router.get("/trusts/{code}/timed-pathways")
def trust_timed_pathways(
    code: str,
    ctx: ContextDep,
    viewer: ViewerDep,
    table: Table = Table.compliance,
    format: Format = Format.json,
):
    """Timed-pathway compliance by milestone (or `table=steps|trend|bottleneck`) for one trust."""
    return _table(ctx, viewer, "trust", code, table, format)
