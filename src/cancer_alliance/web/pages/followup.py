"""Breast follow-up pages (issue 11, item 5): the nurse's worklist and a patient's timeline with the
actions (trust clinical role only, through `FollowupScope`, every view and action audited in the
request's transaction; the alliance metrics page is `followup_metrics`). An action on an item someone
else changed since the page was drawn is refused with a 409 page carrying an NHS.UK error summary."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.exc import IntegrityError

from cancer_alliance.followup import actions
from cancer_alliance.followup.worklist import COLUMNS, counts
from cancer_alliance.store import Auditor, ObjectRef, Role
from cancer_alliance.store.followup import MAX_SUMMARY
from cancer_alliance.web.context import AuditorDep, ContextDep, SignedInDep, StoreDep
from cancer_alliance.web.date_input import read_date
from cancer_alliance.web.domain_queries.followup import as_of_date, protocol
from cancer_alliance.web.followup_scope import FollowupScope, NotClinical, PatientNotInScope, is_clinical
from cancer_alliance.web.free_text import NHS_NUMBER_MESSAGE, has_nhs_number
from cancer_alliance.web.pages.common import render
from cancer_alliance.web.presenters import followup as present
from cancer_alliance.web.security.csrf import require_csrf
from cancer_alliance.web.tables import csv_response

router = APIRouter()
PATIENT_LEVEL = ["patient-level"]
NO_ROLE = (
    "The follow-up worklist and patient records are for breast care nurses and other clinical staff. "
    "Ask your trust's platform administrator to give your account the clinical role."
)
#: Where a target's items are in a patient's record (a patient action's item is the patient).
OWNED = {"test": "tests", "request": "requests", "concern": "concerns"}


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


def _patient_page(
    request,
    ctx,
    scope,
    auditor,
    patient_id,
    day,
    *,
    done="",
    chosen="",
    errors=None,
    typed=None,
    status_code=200,
):
    """The patient's timeline with the actions open now: their names to choose from, and the form of
    the chosen one only (`chosen`: its form id), drawn again with `typed` and `errors` after a refusal."""
    try:
        record = scope.record(patient_id)
    except PatientNotInScope as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    auditor.viewed(ObjectRef("followup_patient", patient_id))
    forms = present.action_forms(record)
    form = next((f for f in forms if f["id"] == chosen), None)
    errors = errors or []
    return render(
        request,
        "followup_patient.jinja",
        status_code=status_code,
        record=record,
        as_of=day,
        summary_rows=present.summary_rows(record, protocol()),
        timeline=present.timeline(record, day),
        history=present.history_rows(record),
        choose_items=[{"value": f["id"], "text": f["label"]} for f in forms],
        form=form,
        typed=typed or {},
        field_errors={e["field"]: e["text"] for e in errors if e.get("field")},
        max_summary=MAX_SUMMARY,
        done=present.ACTION_TEXT.get(done, ""),
        errors=[{"text": e["text"], "href": e["href"]} for e in errors],
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
    form: Annotated[str, Query(max_length=64, description="The action whose form to show")] = "",
):
    day = as_of_date(ctx, as_of)
    scope = _scope(auditor.session, viewer)
    return _patient_page(request, ctx, scope, auditor, patient_id, day, done=done, chosen=form)


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
    date_day: Annotated[str, Form(max_length=8)] = "",
    date_month: Annotated[str, Form(max_length=8)] = "",
    date_year: Annotated[str, Form(max_length=8)] = "",
    note: Annotated[str, Form(max_length=actions.MAX_NOTE)] = "",
    as_of: Annotated[str, Form()] = "",
    route: Annotated[str, Form()] = "",
    category: Annotated[str, Form()] = "",
    summary: Annotated[str, Form()] = "",
    outcome: Annotated[str, Form()] = "",
    record: Annotated[str, Form()] = "",
):
    """Do one action from the table (`followup.actions.ACTIONS`): its inputs are checked by the table's
    `prepare`, as the CLI's are, so a blank optional date is the action's day on both."""
    day = as_of_date(ctx, as_of or None)
    scope = _scope(session, viewer)
    try:
        patient = scope.patient(patient_id)
        spec = actions.spec(action)
    except PatientNotInScope as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    except actions.ActionError as error:
        raise HTTPException(status_code=400, detail=str(error)) from None
    form_id = f"{action.replace('_', '-')}-{item_id}"
    chosen = {"result": result, "route": route, "category": category, "outcome": outcome, "record": record}
    typed = {"date": {"day": date_day, "month": date_month, "year": date_year}, "note": note}
    typed |= chosen | {"summary": summary}

    def refuse(problems: list[dict[str, str]], status_code: int = 400):
        return _patient_page(
            request,
            ctx,
            scope,
            auditor,
            patient_id,
            day,
            chosen=form_id,
            errors=problems,
            typed=typed,
            status_code=status_code,
        )

    label = spec.date.label if spec.date else "Date"
    answer = read_date(label, date_day, date_month, date_year)
    problems = []
    if answer.error:
        problems.append(_problem(form_id, "date", answer.error, answer.wrong))
    try:
        inputs = actions.prepare(action, on=day, date=answer.date, chosen=chosen, summary=summary, note=note)
    except actions.InputProblems as refused:
        problems += [
            _problem(form_id, p.field, p.text)
            for p in refused.problems
            if not (p.field == "date" and answer.error)
        ]
    if not problems and (has_nhs_number(note) or has_nhs_number(summary)):
        field = "note" if has_nhs_number(note) else "summary"
        problems.append(_problem(form_id, field, NHS_NUMBER_MESSAGE))
    if problems:
        return refuse(problems)
    try:
        _owned(scope, patient.id, spec.target, item_id)
        # The action and its audit event commit together in their own transaction: if the item
        # changed meanwhile, all of it rolls back and the page is drawn afresh in the request's.
        with ctx.store.begin() as own:
            actions.do(
                own,
                _auditor(own, auditor),
                action,
                item_id,
                inputs,
                on=day,
                action_key=action_key,
                expected_version=version,
                trust_code=scope.trust_code,
            )
    except IntegrityError:
        # A double submit racing its twin: both passed the action-key check, the twin committed first
        # and the key's uniqueness refused this one. Done once is what was asked (issue 21).
        if not _recorded(ctx, action_key):
            raise
    except actions.ChangedByAnotherUser:
        return _conflict(request, ctx, scope, auditor, patient_id, day)
    except (actions.ActionError, actions.NotFound) as error:
        return refuse([{"text": str(error)[:1].upper() + str(error)[1:], "href": f"#{form_id}"}])
    url = request.url_for("followup_patient", patient_id=patient_id).include_query_params(done=action)
    if as_of:
        url = url.include_query_params(as_of=as_of)
    return RedirectResponse(str(url), status_code=303)


def _problem(form_id: str, field: str, text: str, wrong: tuple[str, ...] = ()) -> dict[str, str]:
    """An error for the summary and its field: the link goes to the field (a date's first wrong box)."""
    target = f"{form_id}-{field}" + (f"-{(wrong or ('day',))[0]}" if field == "date" else "")
    return {"field": field, "text": text, "href": f"#{target}"}


def _auditor(session, auditor: Auditor) -> Auditor:
    return Auditor(session, actor_id=auditor.actor_id, request_id=auditor.request_id)


def _owned(scope: FollowupScope, patient_id: int, target: str, item_id: int) -> None:
    """Refuse an item that is not this patient's (its target says where to look)."""
    if target == "patient":
        if item_id != patient_id:
            raise actions.NotFound(f"item {item_id} is not this patient")
        return
    if not any(item.id == item_id for item in getattr(scope.record(patient_id), OWNED[target])):
        raise actions.NotFound(f"{target} {item_id} is not this patient's")


def _recorded(ctx, action_key: str) -> bool:
    """Whether an action is recorded under `action_key`, read in a new session (after the twin's commit)."""
    with ctx.store.session() as session:
        return actions.recorded(session, action_key)


def _conflict(request, ctx, scope, auditor, patient_id, day):
    """A 409 page: the record as it is now, with the actions to choose from again."""
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
        errors=[{"text": text, "href": "#timeline"}],
        status_code=409,
    )
