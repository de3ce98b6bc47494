"""The audit log page: an information governance lead reads who viewed, noted or exported what, and
when (issue 6: "An audit record for every patient-level page view, note and export (who, what,
when)"), filtered, 100 events a page, and downloads every matching event as CSV.

National users only: the log names pathways and people across every organisation, so both routes are
tagged `patient-level`, and reading them is audited like any patient-level read. The rows are read
before the read is recorded (web/README.md, "Audit writes last").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from cancer_alliance.errors import InputError
from cancer_alliance.store import (
    AUDIT_COLUMNS,
    AuditAction,
    AuditQuery,
    AuditRow,
    ObjectRef,
    Role,
    audit_rows,
)
from cancer_alliance.web.context import AuditorDep, SignedInDep
from cancer_alliance.web.date_input import read_date
from cancer_alliance.web.pages.common import render
from cancer_alliance.web.presenters import audit as audit_words
from cancer_alliance.web.presenters.paging import pagination
from cancer_alliance.web.scope import Viewer
from cancer_alliance.web.tables import csv_response

router = APIRouter(tags=["patient-level"])

#: Events on one page; the CSV download has them all.
PAGE_ROWS = 100
#: The highest page number accepted (beyond it the page would be empty anyway).
MAX_PAGE = 100_000
#: Who may read the audit log.
READERS = frozenset({Role.national})
#: The action select's options: stored value -> text.
ACTIONS = {
    AuditAction.view.value: "Viewed",
    AuditAction.create.value: "Created",
    AuditAction.update.value: "Changed",
    AuditAction.delete.value: "Deleted",
    AuditAction.export.value: "Exported",
    AuditAction.login.value: "Signed in",
    AuditAction.login_failed.value: "Sign-in refused",
    AuditAction.logout.value: "Signed out",
}
#: The form's labels, used to name a field in an error message.
LABELS = {
    "username": "Username or job",
    "action": "Action",
    "object_type": "Object type",
    "object_id": "Object id",
    "since": "From",
    "until": "To",
}
#: Longest text a filter accepts (the audit table's columns are 64 characters).
MAX_FILTER = 64


async def audit_reader(viewer: SignedInDep) -> Viewer:
    """National users only; the public is sent to sign in first (`SignedInDep`)."""
    if viewer.role not in READERS:
        raise HTTPException(status_code=403, detail="Only national users can read the audit log.")
    return viewer


ReaderDep = Annotated[Viewer, Depends(audit_reader)]


async def audit_query(
    username: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    since: Annotated[str, Query(description="YYYY-MM-DD (UTC), inclusive")] = "",
    until: Annotated[str, Query(description="YYYY-MM-DD (UTC), inclusive")] = "",
    since_day: str = "",
    since_month: str = "",
    since_year: str = "",
    until_day: str = "",
    until_month: str = "",
    until_year: str = "",
) -> AuditQuery:
    """The filters from the query string; a bad value is a 400 naming the field. The form sends From
    and To as the NHS.UK date input's three boxes (`since_day`, ...); links and the CSV carry them as
    `since`/`until` days, which the boxes override when typed."""
    texts = {"username": username, "object_type": object_type, "object_id": object_id}
    for name, value in texts.items():
        if len(value.strip()) > MAX_FILTER:
            raise HTTPException(
                status_code=400, detail=f"{LABELS[name]} must be {MAX_FILTER} characters or fewer."
            )
    since = _typed_day("since", since_day, since_month, since_year) or since
    until = _typed_day("until", until_day, until_month, until_year) or until
    try:
        return AuditQuery(
            username=username,
            action=action,
            object_type=object_type,
            object_id=object_id,
            since=since,
            until=until,
        )
    except InputError as error:
        name, _, message = str(error).partition(": ")
        raise HTTPException(status_code=400, detail=f"{LABELS.get(name, name)}: {message}.") from None


QueryDep = Annotated[AuditQuery, Depends(audit_query)]


def _typed_day(name: str, day: str, month: str, year: str) -> str:
    """The day typed into `name`'s date input as YYYY-MM-DD, or "" when left blank; a part missing or
    not a real date is a 400 in the design system's words ("From must be a real date")."""
    answer = read_date(LABELS[name], day, month, year)
    if answer.error:
        raise HTTPException(status_code=400, detail=f"{answer.error}.")
    return answer.date.isoformat() if answer.date else ""


async def page_number(page: str = "1") -> int:
    """The page from the query string; not a whole number from 1 to `MAX_PAGE` is a 400."""
    text = page.strip()
    if not (text.isdigit() and 1 <= int(text) <= MAX_PAGE):
        raise HTTPException(status_code=400, detail=f"Page must be a whole number from 1 to {MAX_PAGE}.")
    return int(text)


@dataclass(frozen=True)
class EventRow:
    """One line of the page's table."""

    when: str
    who: str
    who_href: str
    job: bool
    job_id: str
    action: str
    object_type: str
    object_id: str
    object_href: str | None
    request_id: str
    details: str
    folded: bool


def event_rows(rows: list[AuditRow]) -> list[EventRow]:
    """The page's table rows; who and what link to the log filtered by them."""
    shown = []
    for row in rows:
        details = json.loads(row.details)
        object_href = None
        if row.object_type and row.object_id:
            object_href = "/audit?" + urlencode({"object_type": row.object_type, "object_id": row.object_id})
        job = row.username is None
        text = audit_words.details_in_words(details) if details else ""
        shown.append(
            EventRow(
                when=audit_words.when_in_words(row.occurred_at),
                who=audit_words.job_in_words(row.actor) if job else row.display_name or row.actor,
                who_href="/audit?" + urlencode({"username": row.actor}),
                job=job,
                job_id=row.actor if job else "",
                action=ACTIONS.get(row.action, row.action),
                object_type=audit_words.object_in_words(row.object_type),
                object_id=row.object_id or "",
                object_href=object_href,
                request_id=row.request_id or "",
                details=text,
                folded=audit_words.folded(text),
            )
        )
    return shown


@router.get("/audit", name="audit_log")
def audit_log(
    request: Request,
    viewer: ReaderDep,
    query: QueryDep,
    auditor: AuditorDep,
    page: Annotated[int, Depends(page_number)],
):
    rows, total = audit_rows(auditor.session, query, offset=(page - 1) * PAGE_ROWS, limit=PAGE_ROWS)
    filters = query.as_filters()
    # Read first, record last: a query after `viewed` would flush the insert and hold the write lock.
    auditor.viewed(
        ObjectRef("audit_log"), {"filters": filters, "page": page, "rows": len(rows), "total": total}
    )
    return render(
        request,
        "audit.jinja",
        rows=event_rows(rows),
        total=total,
        first=(page - 1) * PAGE_ROWS + 1,
        page_rows=PAGE_ROWS,
        pagination=pagination("/audit", filters, page, PAGE_ROWS, total),
        query=query,
        filters=filters,
        actions=ACTIONS,
        objects=audit_words.OBJECTS,
    )


@router.get("/audit.csv", name="audit_csv")
def audit_csv(viewer: ReaderDep, query: QueryDep, auditor: AuditorDep):
    rows, total = audit_rows(auditor.session, query)
    auditor.exported(ObjectRef("audit_log"), {"filters": query.as_filters(), "rows": total, "format": "csv"})
    return csv_response([row.as_record() for row in rows], AUDIT_COLUMNS, "audit-log.csv")
