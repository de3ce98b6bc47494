"""Radiotherapy compliance as JSON or CSV (`?format=csv`): one provider's or network's rows, with the
public getting patient counts after disclosure control (issue #14)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from cancer_alliance.radiotherapy.files import COLUMNS
from cancer_alliance.results.reader import ResultsMissing
from cancer_alliance.web.context import ContextDep, ViewerDep
from cancer_alliance.web.domain_queries.radiotherapy import LEVELS, as_of, compliance_table, known
from cancer_alliance.web.tables import Format, table_response

router = APIRouter(tags=["aggregates"])


@router.get("/radiotherapy/{kind}/{code}/compliance")
def radiotherapy_compliance(
    kind: str, code: str, ctx: ContextDep, viewer: ViewerDep, format: Format = Format.json
):
    """The compliance rows of a network (`networks/RTN06`) or provider (`providers/RM1`): level, code,
    requirement_id, numerator, denominator, value, threshold, status, ci_lower, ci_upper."""
    if kind not in LEVELS:
        raise HTTPException(status_code=404, detail="Not found.")
    try:
        day = as_of(ctx.results)
        if not known(LEVELS[kind], code, day):
            raise HTTPException(status_code=404, detail=f"No radiotherapy {LEVELS[kind]} with that code.")
        table = compliance_table(ctx.results, viewer, LEVELS[kind], code)
    except ResultsMissing:
        raise HTTPException(
            status_code=503, detail="Radiotherapy results have not been computed yet."
        ) from None
    columns = [*COLUMNS, *(c for c in ("numerator_suppressed", "denominator_suppressed") if c in table)]
    return table_response(table, columns, format, f"radiotherapy-{code}.csv")
