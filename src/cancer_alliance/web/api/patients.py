"""Patient-level endpoints: the PTL in the caller's scope, one pathway with its timeline and notes,
and adding a note. Each is reached through `Scope` and writes one audit event (style.md §2)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import pandas as pd
from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field

from cancer_alliance.store import ObjectRef, PtlNote
from cancer_alliance.web.context import AuditorDep, ContextDep, ScopeDep, SignedInDep, StoreDep
from cancer_alliance.web.domain_queries.ptl import PTL_CSV_COLUMNS, FiltersDep, note_errors
from cancer_alliance.web.presenters import ptl as present
from cancer_alliance.web.presenters.formatting import is_missing
from cancer_alliance.web.security.csrf import require_csrf
from cancer_alliance.web.tables import Format, table_response

router = APIRouter(prefix="/ptl", tags=["patient-level"])
DEFAULT_PAGE = 1000
MAX_PAGE = 10000


class NoteIn(BaseModel):
    text: str = Field(max_length=2000)
    next_action: str = Field(default="", max_length=500)
    next_action_due: dt.date | None = None


@router.get("")
def ptl(
    ctx: ContextDep,
    scope: ScopeDep,
    auditor: AuditorDep,
    filters: FiltersDep,
    format: Format = Format.json,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
):
    """Open 62-day pathways in the caller's scope at the census date, filtered and sorted; JSON pages
    through them (`offset`, `limit`), CSV has them all."""
    census = ctx.results.reference_date()
    if format is Format.csv:
        listed, total = scope.listed(filters, census)
        auditor.exported(ObjectRef("ptl"), {"rows": total, "filters": filters.as_query(), "format": "csv"})
        return table_response(_with_rag(listed, census, ctx), [*PTL_CSV_COLUMNS, "rag"], format, "ptl.csv")
    rows, total = scope.listed(filters, census, offset=offset, limit=limit)
    details = {"rows": total, "filters": filters.as_query(), "offset": offset, "limit": limit}
    auditor.viewed(ObjectRef("ptl"), details)
    body = table_response(_with_rag(rows, census, ctx), [*PTL_CSV_COLUMNS, "rag"], format, "ptl.csv").body
    return Response(
        b'{"total":%d,"offset":%d,"limit":%d,' % (total, offset, limit) + body[1:],
        media_type="application/json",
    )


def _with_rag(rows, census, ctx):
    warn = ctx.settings.warn_within_days
    return rows.assign(rag=[present.rag(b, census, warn)["text"] for b in rows["breach_date_62d"]])


@router.get("/summary")
def ptl_summary(
    ctx: ContextDep, scope: ScopeDep, auditor: AuditorDep, filters: FiltersDep, format: Format = Format.json
):
    """Open pathways, the 62-day backlog and 104+ day waits by responsible provider in the caller's
    scope (filtered as the list), largest backlog first; counts only, but of scoped pathways."""
    census = ctx.results.reference_date()
    table = scope.backlog(filters, census)
    auditor.viewed(ObjectRef("ptl_summary"), {"providers": len(table), "filters": filters.as_query()})
    response = table_response(table, present.BACKLOG_COLUMNS, format, "ptl-backlog.csv")
    if format is Format.csv:
        return response
    totals = {k: int(v) for k, v in table[list(present.BACKLOG_COUNTS)].sum().items()}
    return Response(
        b'{"census_date":"%s","totals":%s,' % (census.isoformat().encode(), json.dumps(totals).encode())
        + response.body[1:],
        media_type="application/json",
    )


@router.get("/{record_id}")
def pathway(record_id: str, ctx: ContextDep, scope: ScopeDep, auditor: AuditorDep):
    """One open pathway: its PTL row, timeline, notes and access log (the views and notes before this
    call, newest first)."""
    row = scope.open_pathway(record_id)
    census = ctx.results.reference_date()
    events = present.timeline(row, scope.timeline(record_id), census)
    notes = scope.notes(auditor.session, record_id)
    access = scope.access_log(auditor.session, record_id)
    auditor.viewed(ObjectRef("cwt_pathway", record_id))  # last: see pages/ptl.py
    return {
        "pathway": {
            k: None
            if is_missing(v) or v is pd.NaT or v is pd.NA
            else (v.isoformat() if hasattr(v, "isoformat") else v)
            for k, v in row.items()
        },
        "rag": present.rag(row["breach_date_62d"], census, ctx.settings.warn_within_days)["text"],
        "timeline": [{"date": e.day.isoformat(), "event": e.text, "provider": e.provider} for e in events],
        "notes": [_note(note, author) for note, author in notes],
        "access_log": [{"when": a.when.isoformat(), "who": a.who, "what": a.what} for a in access],
    }


@router.post("/{record_id}/notes", status_code=201, dependencies=[Depends(require_csrf)])
def add_note(
    record_id: str,
    note_in: NoteIn,
    request: Request,
    viewer: SignedInDep,
    scope: ScopeDep,
    auditor: AuditorDep,
    session: StoreDep,
):
    """Add a note and next action to a pathway in scope (send the session's CSRF token in X-CSRF-Token)."""
    row = scope.open_pathway(record_id)
    errors, _ = note_errors(note_in.text, note_in.next_action, None)
    if errors:
        raise HTTPException(status_code=422, detail=[e["text"] for e in errors])
    note = PtlNote(
        record_id=record_id,
        provider=row["provider"],
        author_id=viewer.user_id,
        text=note_in.text.strip(),
        next_action=note_in.next_action.strip() or None,
        next_action_due=note_in.next_action_due,
    )
    session.add(note)
    auditor.created(note)
    return _note(note, viewer.display_name)


def _note(note: PtlNote, author: str) -> dict:
    return {
        "id": note.id,
        "created_at": note.created_at.isoformat() if note.created_at else None,
        "author_id": note.author_id,
        "author": author,
        "text": note.text,
        "next_action": note.next_action,
        "next_action_due": note.next_action_due.isoformat() if note.next_action_due else None,
    }
