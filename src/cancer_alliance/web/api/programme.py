"""Programme endpoints (issue 15): an alliance's deliverables with their RAG in a month (signed-in
users), and the best-practice library search (the public gets published summaries only). JSON, or
CSV with `?format=csv`."""

from __future__ import annotations

from typing import Annotated

import pandas as pd
from fastapi import APIRouter, HTTPException, Query

from cancer_alliance.programme import case_studies as library
from cancer_alliance.programme import deliverables as tracker
from cancer_alliance.programme.board import financial_year
from cancer_alliance.web.context import ContextDep, SignedInDep, StoreDep, ViewerDep
from cancer_alliance.web.domain_queries.programme import PAGE_ROWS, chosen_alliance, chosen_month
from cancer_alliance.web.tables import Format, table_response

router = APIRouter(tags=["programme"])

DELIVERABLE_COLUMNS = [
    "deliverable_id",
    "version",
    "alliance_code",
    "financial_year",
    "title",
    "owner",
    "due_date",
    "funding",
    "metric_key",
    "rag",
    "rag_month",
    "actual",
    "target",
    "manual",
    "reason",
]
PUBLIC_STUDY_COLUMNS = ["case_study_id", "alliance_code", "title", "summary", "priorities", "published_at"]
STUDY_COLUMNS = [
    *PUBLIC_STUDY_COLUMNS,
    "status",
    "intervention",
    "start_date",
    "end_date",
    "metric_key",
    "change_month",
]


@router.get("/programme/deliverables")
def deliverables(
    ctx: ContextDep,
    viewer: SignedInDep,
    session: StoreDep,
    alliance: str = "",
    month: str = "",
    format: Format = Format.json,
):
    """The alliance's deliverables in the financial year holding `month` (default: the latest month
    with results) and their RAG in that month."""
    code = chosen_alliance(alliance, viewer, ctx)
    if not code:
        raise HTTPException(status_code=400, detail="Choose an alliance (ONS code).")
    month = chosen_month(month, ctx)
    rows, cache = [], {}
    for d in tracker.list_deliverables(session, code, financial_year(month)):
        result = tracker.rag_of(d, ctx.settings.home, month, cache=cache)
        rows.append(
            {
                "deliverable_id": d.id,
                "version": d.version,
                "alliance_code": code,
                "financial_year": d.financial_year,
                "title": d.title,
                "owner": d.owner,
                "due_date": d.due_date.isoformat(),
                "funding": None if d.funding is None else float(d.funding),
                "metric_key": d.metric_key,
                "rag": result.rag.value if result.rag else None,
                "rag_month": result.month,
                "actual": result.actual,
                "target": result.target,
                "manual": result.manual,
                "reason": result.reason,
            }
        )
    return table_response(
        pd.DataFrame(rows, columns=DELIVERABLE_COLUMNS),
        DELIVERABLE_COLUMNS,
        format,
        f"deliverables-{code}-{month}.csv",
    )


@router.get("/library")
def case_studies(
    viewer: ViewerDep,
    session: StoreDep,
    q: Annotated[str, Query(max_length=200)] = "",
    priority: str = "",
    format: Format = Format.json,
):
    """Case studies matching `q` that the viewer may see, newest first (at most 100); the public gets
    the summaries of published ones."""
    found = library.search(
        session,
        q,
        role=viewer.role,
        organisation_code=viewer.organisation_code,
        priority=priority or None,
        limit=PAGE_ROWS,
    )
    rows = [
        {
            "case_study_id": s.id,
            "alliance_code": s.alliance_code,
            "title": s.title,
            "summary": s.summary,
            "priorities": ";".join(s.priorities),
            "published_at": s.published_at.isoformat() if s.published_at else None,
            "status": s.status.value,
            "intervention": s.intervention,
            "start_date": s.start_date.isoformat() if s.start_date else None,
            "end_date": s.end_date.isoformat() if s.end_date else None,
            "metric_key": s.metric_key,
            "change_month": s.change_month,
        }
        for s in found
    ]
    columns = STUDY_COLUMNS if viewer.signed_in else PUBLIC_STUDY_COLUMNS
    return table_response(pd.DataFrame(rows, columns=STUDY_COLUMNS), columns, format, "case-studies.csv")
