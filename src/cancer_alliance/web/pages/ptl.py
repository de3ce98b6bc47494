"""Patient tracking list pages: the list in the viewer's scope, one pathway with its timeline and
notes, adding a note, and the CSV export. Every one is patient-level: reached through `Scope` and
audited in the same transaction as any change (style.md §2)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse

from cancer_alliance.store import ObjectRef, PtlNote
from cancer_alliance.web.context import AuditorDep, ContextDep, ScopeDep, SignedInDep, StoreDep
from cancer_alliance.web.free_text import NHS_NUMBER_MESSAGE, has_nhs_number
from cancer_alliance.web.pages.common import render
from cancer_alliance.web.presenters import ptl as present
from cancer_alliance.web.presenters import ptl_grid
from cancer_alliance.web.presenters.paging import pagination
from cancer_alliance.web.queries import organisation_name
from cancer_alliance.web.scope import ACCESS_LOG_ROWS
from cancer_alliance.web.security.csrf import require_csrf
from cancer_alliance.web.tables import csv_response

router = APIRouter(tags=["patient-level"])

PTL_CSV_COLUMNS = (
    "record_id",
    "provider",
    "alliance",
    "tumour_type",
    "route",
    "days_waited",
    "band",
    "over_62_backlog",
    "over_104",
    "passed_day_28_last_7_days",
    "passed_day_62_last_7_days",
    "passed_day_104_last_7_days",
    "breach_date_62d",
    "next_milestone",
    "next_milestone_date",
)
MAX_NOTE = 2000
#: Rows on one page of the list; the CSV download and the API have them all.
PAGE_ROWS = 100
MAX_ACTION = 500
#: Providers shown in the page's backlog table (largest backlog first); the API has them all.
BACKLOG_ROWS = 10


#: The largest "breaches within N days" a filter accepts (ten years).
MAX_BREACH_WITHIN = 3650


async def ptl_filters(
    tumour_type: str = "",
    band: str = "",
    breach_within: Annotated[str, Query(description="days, 0-3650; blank for all pathways")] = "",
    provider: str = "",
    sort: str = present.DEFAULT_SORT,
    passed_day: Annotated[str, Query(description="28, 62 or 104: passed that day in the last 7 days")] = "",
    milestone_overdue: Annotated[str, Query(description="1: a timed-pathway milestone is overdue")] = "",
    team: Annotated[str, Query(description="tumour site team, e.g. Upper GI")] = "",
    dir: Annotated[str, Query(description="asc or desc; blank for the column's usual order")] = "",
) -> present.PtlFilters:
    """The list's filters from the query; the form sends a blank `breach_within` when it is empty."""
    if sort not in present.SORTS:
        raise HTTPException(status_code=404, detail="Unknown sort order.")
    if dir not in ("", *ptl_grid.DIRECTIONS):
        raise HTTPException(status_code=400, detail="Sort direction must be asc or desc, or blank.")
    if passed_day and passed_day not in present.PASSED_DAYS:
        raise HTTPException(status_code=400, detail="Passed day must be 28, 62 or 104, or blank.")
    days = breach_within.strip()
    if days and not (days.isdigit() and int(days) <= MAX_BREACH_WITHIN):
        raise HTTPException(
            status_code=400,
            detail=f"Breaches 62 days within must be a whole number of days from 0 to {MAX_BREACH_WITHIN}, "
            "or blank for all pathways.",
        )
    if milestone_overdue not in ("", "1"):
        raise HTTPException(status_code=400, detail="Milestone overdue must be 1 or blank.")
    return present.PtlFilters(
        tumour_type,
        band,
        int(days) if days else None,
        provider,
        sort,
        passed_day,
        milestone_overdue == "1",
        team,
        dir,
    )


FiltersDep = Annotated[present.PtlFilters, Depends(ptl_filters)]


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


def note_errors(text: str, next_action: str, due: str) -> tuple[list[dict[str, str]], dt.date | None]:
    """Error-summary entries for a note form (NHS.UK error message style), and the parsed due date."""
    errors = []
    if not text.strip():
        errors.append({"text": "Enter a note", "href": "#text"})
    elif len(text) > MAX_NOTE:
        errors.append({"text": f"Note must be {MAX_NOTE} characters or fewer", "href": "#text"})
    elif has_nhs_number(text):
        errors.append({"text": NHS_NUMBER_MESSAGE, "href": "#text"})
    if len(next_action) > MAX_ACTION:
        errors.append(
            {"text": f"Next action must be {MAX_ACTION} characters or fewer", "href": "#next_action"}
        )
    elif has_nhs_number(next_action):
        errors.append({"text": NHS_NUMBER_MESSAGE, "href": "#next_action"})
    parsed = None
    if due.strip():
        try:
            parsed = dt.date.fromisoformat(due.strip())
        except ValueError:
            errors.append(
                {
                    "text": "Next action date must be a real date, for example 2019-04-05",
                    "href": "#next_action_due",
                }
            )
    return errors, parsed
