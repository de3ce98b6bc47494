"""Breast follow-up pages (issue 11, item 5): the nurse's worklist and a patient's timeline with the
actions (trust clinical role only, through `FollowupScope`, every view and action audited in the
request's transaction; the alliance metrics page is `followup_metrics`). An action on an item someone
else changed since the page was drawn is refused with a 409 page carrying an NHS.UK error summary."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.exc import IntegrityError

from cancer_alliance.followup import actions
from cancer_alliance.followup.worklist import COLUMNS, counts
from cancer_alliance.reference import code_list
from cancer_alliance.store import Auditor, ObjectRef, Role
from cancer_alliance.store.followup import CARE_RECORDS, MAX_SUMMARY
from cancer_alliance.web.context import AuditorDep, ContextDep, SignedInDep, StoreDep
from cancer_alliance.web.domain_queries.followup import as_of_date, protocol
from cancer_alliance.web.followup_scope import FollowupScope, NotClinical, PatientNotInScope, is_clinical
from cancer_alliance.web.free_text import NHS_NUMBER_MESSAGE, has_nhs_number
from cancer_alliance.web.pages.common import render
from cancer_alliance.web.presenters import followup as present
from cancer_alliance.web.security.csrf import require_csrf
from cancer_alliance.web.tables import csv_response

router = APIRouter()
PATIENT_LEVEL = ["patient-level"]
RESULTS = {"normal": "Normal", "abnormal": "Abnormal: recall for assessment"}
NO_ROLE = (
    "The follow-up worklist and patient records are for breast care nurses and other clinical staff. "
    "Ask your trust's platform administrator to give your account the clinical role."
)
DATED = {
    "record_result": "Test date",
    "book": "Booked for",
    "reaccess": "Clinic date",
    "record_care": "Date done",
}
#: The choices a concern and care-record form offer, and the message when one is not chosen.
CHOICES = {
    "route": ("followup_concern_route", "Select how the patient reported the concern"),
    "category": ("followup_concern_category", "Select what the concern is about"),
    "outcome": ("followup_concern_outcome", "Select the outcome of the triage"),
}
NEEDS = {"report_concern": ("route", "category"), "triage_concern": ("outcome",), "record_care": ("record",)}


def _scope(session, viewer) -> FollowupScope:
    try:
        return FollowupScope(session, viewer)
    except NotClinical as error:
        raise HTTPException(status_code=403, detail=str(error)) from None


@router.get("/followup", name="followup_worklist", tags=PATIENT_LEVEL)
def followup_worklist(
    request: Request,
    ctx: ContextDep,
    viewer: SignedInDep,
    auditor: AuditorDep,
    as_of: Annotated[str | None, Query(description="yyyy-mm-dd; default the demo's reference date")] = None,
):
    day = as_of_date(ctx, as_of)
    if viewer.role is Role.trust and not is_clinical(auditor.session, viewer):
        return render(request, "error.jinja", title="You need the clinical role", detail=NO_ROLE)
    scope = _scope(auditor.session, viewer)
    items = scope.worklist(protocol(), day)
    auditor.viewed(ObjectRef("followup_worklist", scope.trust_code), {"as_of": day, "items": len(items)})
    return render(
        request,
        "followup_worklist.jinja",
        trust=scope.trust_code,
        as_of=day,
        sections=present.worklist_sections(items),
        counts=counts(items),
        protocol=protocol(),
    )


@router.get("/followup.csv", name="followup_worklist_csv", tags=PATIENT_LEVEL)
def followup_worklist_csv(
    ctx: ContextDep,
    viewer: SignedInDep,
    auditor: AuditorDep,
    as_of: Annotated[str | None, Query(description="yyyy-mm-dd; default the demo's reference date")] = None,
):
    """The worklist as CSV (the columns of `alliance followup worklist -o`); audited as an export."""
    day = as_of_date(ctx, as_of)
    scope = _scope(auditor.session, viewer)
    items = scope.worklist(protocol(), day)
    details = {"as_of": day, "items": len(items), "format": "csv"}
    auditor.exported(ObjectRef("followup_worklist", scope.trust_code), details)
    return csv_response(
        [i.as_row() for i in items], COLUMNS, f"followup-worklist-{scope.trust_code}-{day}.csv"
    )


def _patient_page(request, ctx, scope, auditor, patient_id, day, *, done="", errors=None, status_code=200):
    try:
        record = scope.record(patient_id)
    except PatientNotInScope as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    auditor.viewed(ObjectRef("followup_patient", patient_id))
    return render(
        request,
        "followup_patient.jinja",
        status_code=status_code,
        record=record,
        as_of=day,
        summary_rows=present.summary_rows(record),
        timeline=present.timeline(record, day),
        history=present.history_rows(record),
        forms=present.action_forms(record),
        results=RESULTS,
        dated=DATED,
        choices={name: code_list(codes) for name, (codes, _) in CHOICES.items()} | {"record": CARE_RECORDS},
        max_summary=MAX_SUMMARY,
        done=present.ACTION_TEXT.get(done, ""),
        errors=errors or [],
    )


@router.get("/followup/patients/{patient_id}", name="followup_patient", tags=PATIENT_LEVEL)
def followup_patient(
    request: Request,
    patient_id: int,
    ctx: ContextDep,
    viewer: SignedInDep,
    auditor: AuditorDep,
    as_of: str | None = None,
    done: str = "",
):
    day = as_of_date(ctx, as_of)
    return _patient_page(request, ctx, _scope(auditor.session, viewer), auditor, patient_id, day, done=done)


@router.post(
    "/followup/patients/{patient_id}/actions",
    name="followup_action",
    tags=PATIENT_LEVEL,
    dependencies=[Depends(require_csrf)],
)
def followup_action(
    request: Request,
    patient_id: int,
    ctx: ContextDep,
    viewer: SignedInDep,
    auditor: AuditorDep,
    session: StoreDep,
    action: Annotated[str, Form()],
    item_id: Annotated[int, Form()],
    version: Annotated[int, Form()],
    action_key: Annotated[str, Form(min_length=8, max_length=64)],
    result: Annotated[str, Form()] = "",
    date: Annotated[str, Form()] = "",
    note: Annotated[str, Form(max_length=actions.MAX_NOTE)] = "",
    as_of: Annotated[str, Form()] = "",
    route: Annotated[str, Form()] = "",
    category: Annotated[str, Form()] = "",
    summary: Annotated[str, Form()] = "",
    outcome: Annotated[str, Form()] = "",
    record: Annotated[str, Form()] = "",
):
    day = as_of_date(ctx, as_of or None)
    scope = _scope(session, viewer)
    try:
        patient = scope.patient(patient_id)
    except PatientNotInScope as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    anchor = f"#{action.replace('_', '-')}-{item_id}"
    when = None
    if date.strip():
        try:
            when = dt.date.fromisoformat(date.strip())
        except ValueError:
            when = None
    needs_date = action in DATED and action != "record_result"
    chosen = {"route": route, "category": category, "outcome": outcome, "record": record}
    problem = None
    if date.strip() and when is None or needs_date and when is None:
        problem = f"{DATED.get(action, 'Date')} must be a real date, for example 2019-04-05"
    elif action == "record_result" and result not in RESULTS:
        problem = "Select the result"
    elif unchosen := [name for name in NEEDS.get(action, ()) if not chosen[name]]:
        problem = CHOICES[unchosen[0]][1] if unchosen[0] in CHOICES else "Select what was done"
    elif len(summary.strip()) > MAX_SUMMARY:
        problem = f"The summary must be {MAX_SUMMARY} characters or fewer"
    elif has_nhs_number(note) or has_nhs_number(summary):
        problem = NHS_NUMBER_MESSAGE
    if problem:
        return _patient_page(
            request,
            ctx,
            scope,
            auditor,
            patient_id,
            day,
            errors=[{"text": problem, "href": anchor}],
            status_code=400,
        )
    common = {
        "action_key": action_key,
        "expected_version": version,
        "trust_code": scope.trust_code,
        "note": note.strip() or None,
    }
    try:
        if action in ("record_result", "review", "book"):
            _owned_test(scope, patient.id, item_id)
        elif action == "triage_concern":
            _owned_concern(scope, patient.id, item_id)
        elif action == "reaccess":
            _owned_request(scope, patient.id, item_id)
        elif action in (*actions.PATIENT_ACTIONS, "report_concern", "record_care"):
            if item_id != patient.id:
                raise actions.NotFound(f"item {item_id} is not this patient")
        else:
            raise actions.ActionError(f"unknown action {action!r}")
        # The action and its audit event commit together in their own transaction: if the item
        # changed meanwhile, all of it rolls back and the page is drawn afresh in the request's.
        with ctx.store.begin() as own:
            chosen["summary"] = summary.strip() or None
            _do(own, _auditor(own, auditor), action, item_id, patient.id, result, when, day, common, chosen)
    except IntegrityError:
        # A double submit racing its twin: both passed the action-key check, the twin committed first
        # and the key's uniqueness refused this one. Done once is what was asked (issue 21).
        if not _recorded(ctx, action_key):
            raise
    except actions.ChangedByAnotherUser:
        return _conflict(request, ctx, scope, auditor, patient_id, day, anchor)
    except (actions.ActionError, actions.NotFound) as error:
        errors = [{"text": str(error)[:1].upper() + str(error)[1:], "href": anchor}]
        return _patient_page(request, ctx, scope, auditor, patient_id, day, errors=errors, status_code=400)
    url = request.url_for("followup_patient", patient_id=patient_id).include_query_params(done=action)
    if as_of:
        url = url.include_query_params(as_of=as_of)
    return RedirectResponse(str(url), status_code=303)


def _auditor(session, auditor: Auditor) -> Auditor:
    return Auditor(session, actor_id=auditor.actor_id, request_id=auditor.request_id)


def _do(session, auditor, action, item_id, patient_id, result, when, day, common, chosen) -> None:
    if action == "record_result":
        actions.record_result(
            session, auditor, item_id, result=result, performed_date=when or day, reported_date=day, **common
        )
    elif action == "review":
        actions.review(session, auditor, item_id, on=day, **common)
    elif action == "book":
        actions.book(session, auditor, item_id, booked_date=when, on=day, **common)
    elif action == "reaccess":
        actions.reaccess(session, auditor, item_id, clinic_date=when, on=day, **common)
    elif action in actions.PATIENT_ACTIONS:
        actions.patient_action(session, auditor, patient_id, action, on=day, **common)
    elif action == "report_concern":
        concern = {name: chosen[name] for name in ("route", "category", "summary")}
        actions.report_concern(session, auditor, patient_id, on=day, **concern, **common)
    elif action == "triage_concern":
        actions.triage_concern(session, auditor, item_id, outcome=chosen["outcome"], on=day, **common)
    elif action == "record_care":
        actions.record_care(
            session, auditor, patient_id, record=chosen["record"], done_on=when, on=day, **common
        )
    else:
        raise actions.ActionError(f"unknown action {action!r}")


def _owned_test(scope: FollowupScope, patient_id: int, test_id: int) -> int:
    if not any(test.id == test_id for test in scope.record(patient_id).tests):
        raise actions.NotFound(f"test {test_id} is not this patient's")
    return test_id


def _owned_request(scope: FollowupScope, patient_id: int, request_id: int) -> int:
    if not any(request.id == request_id for request in scope.record(patient_id).requests):
        raise actions.NotFound(f"re-access request {request_id} is not this patient's")
    return request_id


def _recorded(ctx, action_key: str) -> bool:
    """Whether an action is recorded under `action_key`, read in a new session (after the twin's commit)."""
    with ctx.store.session() as session:
        return actions.recorded(session, action_key)


def _owned_concern(scope: FollowupScope, patient_id: int, concern_id: int) -> int:
    if not any(concern.id == concern_id for concern in scope.record(patient_id).concerns):
        raise actions.NotFound(f"concern {concern_id} is not this patient's")
    return concern_id


def _conflict(request, ctx, scope, auditor, patient_id, day, anchor):
    text = (
        "Someone else changed this patient's follow-up since you opened the page. "
        "Nothing was saved: check the record below, then try again."
    )
    return _patient_page(
        request,
        ctx,
        scope,
        auditor,
        patient_id,
        day,
        errors=[{"text": text, "href": anchor}],
        status_code=409,
    )
