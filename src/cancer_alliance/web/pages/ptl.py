"""Patient tracking list pages: the list in the viewer's scope, one pathway with its timeline and
notes, adding a note, and the CSV export. Every one is patient-level: reached through `Scope` and
audited in the same transaction as any change (style.md §2)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse

from cancer_alliance.store import ObjectRef, PtlNote
from cancer_alliance.web.context import AuditorDep, ContextDep, ScopeDep, SignedInDep, StoreDep
from cancer_alliance.web.date_input import read_date
from cancer_alliance.web.domain_queries.ptl import FiltersDep, note_errors
from cancer_alliance.web.pages.common import render
from cancer_alliance.web.presenters import ptl as present
from cancer_alliance.web.presenters import ptl_grid
from cancer_alliance.web.presenters.paging import pagination
from cancer_alliance.web.queries import organisation_name
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
    offset = (page - 1) * PAGE_ROWS
    shown, total, notes = _listed(scope, auditor.session, filters, census, offset, PAGE_ROWS)
    rows = ptl_grid.grid_rows(shown, notes, census)
    backlog = scope.backlog(filters, census)
    choices = scope.choices()
    auditor.viewed(ObjectRef("ptl"), {"rows": len(rows), "page": page, "filters": filters.as_query()})
    return render(
        request,
        "ptl_list.jinja",
        rows=rows,
        total=total,
        first=(page - 1) * PAGE_ROWS + 1,
        pagination=pagination("/ptl", filters.as_query(), page, PAGE_ROWS, total),
        census=census,
        filters=filters,
        **choices,
        headers=ptl_grid.header_links(filters.sort, filters.direction),
        sort_choices=ptl_grid.SORT_CHOICES,
        sort_text=ptl_grid.sort_text(filters.sort, filters.direction),
        provider_choices=[(code, organisation_name(code, short=True)) for code in choices["providers"]],
        sort_query={k: v for k, v in filters.as_query().items() if k not in ("sort", "dir")},
        query=filters.as_query(),
        backlog_totals=backlog[list(present.BACKLOG_COUNTS)].sum().to_dict(),
        passed_days=present.PASSED_DAYS,
        passed_column=present.passed_column,
        narrowed=any(key not in ("sort", "dir") for key in filters.as_query()),
        unknown_provider=present.UNKNOWN_PROVIDER,
        backlog_rows=backlog.head(BACKLOG_ROWS).to_dict("records"),
        backlog_providers=len(backlog),
    )


@router.get("/ptl.csv", name="ptl_csv")
def ptl_csv(ctx: ContextDep, scope: ScopeDep, auditor: AuditorDep, filters: FiltersDep):
    """The grid's rows, filters and order with every column in full (`ptl_grid.CSV_COLUMNS`)."""
    listed, total, notes = _listed(scope, auditor.session, filters, ctx.results.reference_date())
    names = {code: organisation_name(code) for code in listed["provider"].dropna().unique()}
    rows = ptl_grid.csv_rows(listed, notes, names)
    auditor.exported(ObjectRef("ptl"), {"rows": total, "filters": filters.as_query(), "format": "csv"})
    return csv_response(rows, ptl_grid.CSV_COLUMNS, "patient-tracking-list.csv")


def _listed(scope, session, filters: present.PtlFilters, census, offset: int = 0, limit: int | None = None):
    """(rows, how many pass the filters, the latest note of each row shown) in the filters' order; a
    sort by the notes orders every row that passes before taking the page."""
    if not present.SORTS[filters.sort].from_notes:
        shown, total = scope.listed(filters, census, offset=offset, limit=limit)
        return shown, total, scope.notes_for(session, shown)
    every, total = scope.listed(filters, census)
    notes = scope.notes_for(session, every)
    ordered = ptl_grid.sorted_by_notes(
        every, notes, filters.sort, ptl_grid.ascending(filters.sort, filters.direction)
    )
    shown = ordered.iloc[offset : None if limit is None else offset + limit]
    return shown, total, {rid: notes[rid] for rid in shown["record_id"] if rid in notes}


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
        summary_rows=present.summary_rows(pathway, organisation_name(pathway["provider"])),
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
    next_action_due_day: Annotated[str, Form()] = "",
    next_action_due_month: Annotated[str, Form()] = "",
    next_action_due_year: Annotated[str, Form()] = "",
):
    pathway = scope.open_pathway(record_id)
    typed = read_date("Next action date", next_action_due_day, next_action_due_month, next_action_due_year)
    errors, due = note_errors(text, next_action, typed)
    if errors:
        form = {"text": text, "next_action": next_action, "next_action_due": typed.values()}
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
