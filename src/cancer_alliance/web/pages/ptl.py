"""Patient tracking list pages: the list in the viewer's scope, one pathway with its timeline and
notes, adding a note, and the CSV export. Every one is patient-level: reached through `Scope` and
audited in the same transaction as any change (style.md §2)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse

from cancer_alliance.store import ObjectRef, PtlNote
from cancer_alliance.web.context import AuditorDep, ContextDep, ScopeDep, SignedInDep, StoreDep
from cancer_alliance.web.domain_queries.ptl import PTL_CSV_COLUMNS, FiltersDep, note_errors
from cancer_alliance.web.pages.common import render
from cancer_alliance.web.presenters import ptl as present
from cancer_alliance.web.presenters.paging import pagination
from cancer_alliance.web.scope import ACCESS_LOG_ROWS
from cancer_alliance.web.security.csrf import require_csrf
from cancer_alliance.web.tables import csv_response

router = APIRouter(tags=["patient-level"])

#: Rows on one page of the list; the CSV download and the API have them all.
PAGE_ROWS = 100
#: Providers shown in the page's backlog table (largest backlog first); the API has them all.
BACKLOG_ROWS = 10


@router.get("/ptl", name="ptl_list")
def ptl_list(
    request: Request,
    ctx: ContextDep,
    scope: ScopeDep,
    auditor: AuditorDep,
    filters: FiltersDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
):
    census = ctx.results.reference_date()
    shown, total = scope.listed(filters, census, offset=(page - 1) * PAGE_ROWS, limit=PAGE_ROWS)
    notes = scope.notes_for(auditor.session, shown)
    rows = present.list_rows(
        shown, census, ctx.settings.warn_within_days, {k: n.next_action or "" for k, n in notes.items()}
    )
    auditor.viewed(ObjectRef("ptl"), {"rows": len(rows), "page": page, "filters": filters.as_query()})
    backlog = scope.backlog(filters, census)
    return render(
        request,
        "ptl_list.jinja",
        rows=rows,
        total=total,
        first=(page - 1) * PAGE_ROWS + 1,
        pagination=pagination("/ptl", filters.as_query(), page, PAGE_ROWS, total),
        census=census,
        filters=filters,
        **scope.choices(),
        sorts=present.SORTS,
        query=filters.as_query(),
        backlog_totals=backlog[list(present.BACKLOG_COUNTS)].sum().to_dict(),
        passed_days=present.PASSED_DAYS,
        passed_column=present.passed_column,
        narrowed=any(key != "sort" for key in filters.as_query()),
        unknown_provider=present.UNKNOWN_PROVIDER,
        backlog_rows=backlog.head(BACKLOG_ROWS).to_dict("records"),
        backlog_providers=len(backlog),
    )


@router.get("/ptl.csv", name="ptl_csv")
def ptl_csv(ctx: ContextDep, scope: ScopeDep, auditor: AuditorDep, filters: FiltersDep):
    listed, _ = scope.listed(filters, ctx.results.reference_date())
    rows = listed.loc[:, list(PTL_CSV_COLUMNS)].astype(object).where(listed.notna(), None).to_dict("records")
    auditor.exported(ObjectRef("ptl"), {"rows": len(rows), "filters": filters.as_query(), "format": "csv"})
    return csv_response(rows, PTL_CSV_COLUMNS, "patient-tracking-list.csv")


@router.get("/ptl/{record_id}", name="ptl_pathway")
def ptl_pathway(
    request: Request,
    record_id: str,
    ctx: ContextDep,
    scope: ScopeDep,
    auditor: AuditorDep,
    saved: bool = False,
):
    return _pathway_page(request, record_id, ctx, scope, auditor, saved=saved)


def _pathway_page(
    request, record_id, ctx, scope, auditor, saved=False, errors=None, form=None, status_code=200
):
    pathway = scope.open_pathway(record_id)
    census = ctx.results.reference_date()
    timeline = present.timeline(pathway, scope.timeline(record_id), census)
    notes = scope.notes(auditor.session, record_id)
    # Read everything before recording the view: a query after it would flush the audit insert and
    # hold the store's write lock (SQLite) while the page renders, queueing every other audited request.
    access = scope.access_log(auditor.session, record_id)
    auditor.viewed(ObjectRef("cwt_pathway", record_id))
    return render(
        request,
        "ptl_pathway.jinja",
        status_code=status_code,
        pathway=pathway,
        rag_tag=present.rag(pathway["breach_date_62d"], census, ctx.settings.warn_within_days),
        summary_rows=present.summary_rows(pathway),
        milestones=present.milestone_rows(scope.pathway_milestones(record_id)),
        timeline=timeline,
        notes=notes,
        access=access,
        access_limit=ACCESS_LOG_ROWS,
        census=census,
        saved=saved,
        errors=errors or [],
        form=form or {},
    )


@router.post("/ptl/{record_id}/notes", name="ptl_add_note", dependencies=[Depends(require_csrf)])
def ptl_add_note(
    request: Request,
    record_id: str,
    ctx: ContextDep,
    viewer: SignedInDep,
    scope: ScopeDep,
    auditor: AuditorDep,
    session: StoreDep,
    text: Annotated[str, Form()] = "",
    next_action: Annotated[str, Form()] = "",
    next_action_due: Annotated[str, Form()] = "",
):
    pathway = scope.open_pathway(record_id)
    errors, due = note_errors(text, next_action, next_action_due)
    if errors:
        form = {"text": text, "next_action": next_action, "next_action_due": next_action_due}
        return _pathway_page(
            request, record_id, ctx, scope, auditor, errors=errors, form=form, status_code=400
        )
    note = PtlNote(
        record_id=record_id,
        provider=pathway["provider"],
        author_id=viewer.user_id,
        text=text.strip(),
        next_action=next_action.strip() or None,
        next_action_due=due,
    )
    session.add(note)
    auditor.created(note)
    url = request.url_for("ptl_pathway", record_id=record_id).include_query_params(saved="1")
    return RedirectResponse(str(url), status_code=303)
