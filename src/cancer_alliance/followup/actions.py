"""The remote-monitoring actions: register a stratified patient, record and review results, contact,
book, suspend and reactivate, re-access to clinic, discharge to screening, record and triage a
patient-reported concern, record a personalised-care date (issue 11, item 2; stratified follow-up: NHS Long
Term Plan, NICE NG101).

Each action runs in the caller's transaction and, in it, writes a `FollowupAction` row and an audit
event (`Auditor`), so the change, the action log and the audit trail commit together or not at all.

Concurrency (docs/decisions/0013): the caller passes the `version` of the item it showed the nurse.
If the item has changed since, or changes between reading and writing (the UPDATE is guarded by the
version column), `ChangedByAnotherUser` is raised and nothing is written: one nurse wins, the other
is told. Every action carries an `action_key`; doing an action whose key is already recorded returns
the recorded action instead of doing it twice (a retried request after a lost connection).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from cancer_alliance.errors import AllianceError
from cancer_alliance.followup.protocol import Decision
from cancer_alliance.store import Auditor
from cancer_alliance.store.followup import (
    CARE_RECORDS,
    CONCERN_CATEGORIES,
    CONCERN_OUTCOMES,
    CONCERN_ROUTES,
    MAX_SUMMARY,
    FollowupAction,
    FollowupPatient,
    FollowupTest,
    PatientConcern,
    ReaccessRequest,
)

CHANGED = "changed by someone else since you opened it: reload to see the change, then try again"
MAX_NOTE = 1000


#: What belongs to one patient's follow-up and is acted on by id.
Owned = TypeVar("Owned", FollowupTest, ReaccessRequest, PatientConcern)


class ChangedByAnotherUser(AllianceError):
    """The item changed after the nurse saw it; nothing was written."""


class ActionError(AllianceError):
    """The action does not apply to the item (e.g. reviewing a test without a result)."""


class NotFound(AllianceError):
    """No such patient, test or request (or not in the caller's trust)."""


def _done(session: Session, action_key: str, note: str | None = None) -> FollowupAction | None:
    """The action already recorded under `action_key`; checks the note first, so nothing is
    changed before a refusal."""
    if note is not None and len(note) > MAX_NOTE:
        raise ActionError(f"note must be {MAX_NOTE} characters or fewer")
    return session.scalar(select(FollowupAction).where(FollowupAction.action_key == action_key))


def recorded(session: Session, action_key: str) -> bool:
    """Whether an action is recorded under `action_key` (a double submit's twin may have committed it)."""
    found = session.scalar(select(FollowupAction.id).where(FollowupAction.action_key == action_key))
    return found is not None


def _check(item: Any, expected_version: int | None, what: str) -> None:
    if expected_version is not None and item.version != expected_version:
        raise ChangedByAnotherUser(f"{what} {item.id} was {CHANGED}")


def _log(
    session: Session,
    auditor: Auditor,
    *,
    action: str,
    action_key: str,
    patient: FollowupPatient,
    action_date: dt.date,
    changed: list[Any],
    test: FollowupTest | None = None,
    request: ReaccessRequest | None = None,
    concern: PatientConcern | None = None,
    note: str | None = None,
    details: Mapping[str, Any] | None = None,
    flushed: tuple[Any, ...] = (),
) -> FollowupAction:
    """Audit the changed rows, write the action and flush, turning a lost race into ChangedByAnotherUser.
    `flushed`: rows of `changed` the action created and already flushed (to link them by id)."""
    new = [row in session.new or row in flushed for row in changed]  # an audit call may flush
    patient_id = patient.id
    try:
        for row, is_new in zip(changed, new, strict=True):
            if is_new:
                auditor.created(row, {"followup_action": action})
            else:
                auditor.updated(row, {"followup_action": action})
        session.flush()
    except StaleDataError:
        raise ChangedByAnotherUser(f"patient {patient_id}'s follow-up was {CHANGED}") from None
    logged = FollowupAction(
        action_key=action_key,
        patient_id=patient.id,
        test_id=test.id if test else None,
        request_id=request.id if request else None,
        concern_id=concern.id if concern else None,
        action=action,
        action_date=action_date,
        actor_id=auditor.actor_id,
        job_id=auditor.job_id,
        note=note or None,
    )
    session.add(logged)
    auditor.created(logged, dict(details or {}))
    return logged


def register(
    session: Session,
    auditor: Auditor,
    patient: Mapping[str, Any],
    decision: Decision,
    stratified_date: dt.date,
    *,
    action_key: str | None = None,
    recorded: Mapping[str, Any] | None = None,
) -> FollowupPatient:
    """Put a patient on follow-up as `decision` says, with its surveillance tests scheduled;
    `recorded` overrides columns with what a sending system recorded (status, last contact).
    Registering the same episode again returns the registered patient and changes nothing."""
    existing = session.scalar(
        select(FollowupPatient).where(FollowupPatient.episode_id == patient["episode_id"])
    )
    if existing is not None:
        return existing
    registered = new_patient(patient, decision, stratified_date, recorded)
    session.add(registered)
    session.flush()
    tests = [
        FollowupTest(patient_id=registered.id, test_type=decision.test, due_date=due)
        for due in decision.surveillance_due
    ]
    session.add_all(tests)
    _log(
        session,
        auditor,
        action="stratify",
        action_key=action_key or f"stratify:{registered.episode_id}",
        patient=registered,
        action_date=stratified_date,
        changed=[registered],
        details={
            "protocol": decision.protocol_id,
            "protocol_version": decision.protocol_version,
            "pathway": decision.pathway,
            "reasons": list(decision.reasons),
            "tests_scheduled": len(tests),
        },
    )
    return registered


def new_patient(
    patient: Mapping[str, Any],
    decision: Decision,
    stratified_date: dt.date,
    recorded: Mapping[str, Any] | None = None,
) -> FollowupPatient:
    """The store row for a patient put on follow-up as `decision` says (not yet added to a session)."""
    registered = FollowupPatient(
        episode_id=patient["episode_id"],
        patient_pseudonym=patient["nhs_number"],
        trust_code=patient["trust_code"],
        alliance_code=patient.get("alliance_code"),
        age_at_diagnosis=patient.get("age_at_diagnosis"),
        diagnosis_date=patient["diagnosis_date"],
        treatment_end_date=patient.get("treatment_end_date"),
        pathway=decision.pathway,
        protocol_id=decision.protocol_id,
        protocol_version=decision.protocol_version,
        reasons=list(decision.reasons),
        stratified_date=stratified_date,
        status="active",
        status_date=stratified_date,
        key_worker_id=patient.get("key_worker_id"),
        open_access_end_date=decision.open_access_end_date,
        surveillance_end_date=decision.surveillance_ends,
        handover=decision.handover,
    )
    for column, value in (recorded or {}).items():
        setattr(registered, column, value)
    return registered


def _owned(
    session: Session, model: type[Owned], item_id: int, trust_code: str | None, what: str
) -> tuple[Owned, FollowupPatient]:
    """A patient's test, request or concern and the patient, if the patient is in `trust_code`'s follow-up."""
    item = session.get(model, item_id)
    patient = session.get(FollowupPatient, item.patient_id) if item else None
    if item is None or patient is None or (trust_code is not None and patient.trust_code != trust_code):
        raise NotFound(f"no {what} {item_id} in your trust's follow-up")
    return item, patient


def _test(session: Session, test_id: int, trust_code: str | None) -> tuple[FollowupTest, FollowupPatient]:
    return _owned(session, FollowupTest, test_id, trust_code, "surveillance test")


def _patient(session: Session, patient_id: int, trust_code: str | None) -> FollowupPatient:
    patient = session.get(FollowupPatient, patient_id)
    if patient is None or (trust_code is not None and patient.trust_code != trust_code):
        raise NotFound(f"no follow-up patient {patient_id} in your trust")
    return patient


def record_result(
    session: Session,
    auditor: Auditor,
    test_id: int,
    *,
    result: str,
    performed_date: dt.date,
    reported_date: dt.date | None,
    action_key: str,
    expected_version: int | None,
    trust_code: str | None = None,
    source_result_id: str | None = None,
    note: str | None = None,
) -> FollowupAction:
    """Record a test's result; an abnormal result raises a re-access request (stratified follow-up: NHS Long
    Term Plan, NICE NG101: alert on abnormal)."""
    if (done := _done(session, action_key, note)) is not None:
        return done
    test, patient = _test(session, test_id, trust_code)
    _check(test, expected_version, "Test")
    if result not in ("normal", "abnormal", "awaiting"):
        raise ActionError(f"result must be normal, abnormal or awaiting, not {result!r}")
    if test.result in ("normal", "abnormal"):
        raise ActionError(f"test {test.id} already has a {test.result} result")
    if performed_date < patient.diagnosis_date:
        raise ActionError("the test date is before the diagnosis")
    test.performed_date, test.result = performed_date, result
    test.reported_date = reported_date if result != "awaiting" else None
    if source_result_id:
        test.source_result_id = source_result_id
    changed: list[Any] = [test]
    request = None
    if result == "abnormal":
        request = ReaccessRequest(
            patient_id=patient.id,
            test_id=test.id,
            source="abnormal_result",
            raised_on=reported_date or performed_date,
            status="open",
        )
        session.add(request)
        changed.append(request)
    return _log(
        session,
        auditor,
        action="record_result",
        action_key=action_key,
        patient=patient,
        action_date=reported_date or performed_date,
        changed=changed,
        test=test,
        request=request,
        note=note,
        details={"result": result},
    )


def review(
    session: Session,
    auditor: Auditor,
    test_id: int,
    *,
    action_key: str,
    expected_version: int | None,
    on: dt.date,
    trust_code: str | None = None,
    note: str | None = None,
) -> FollowupAction:
    """A nurse has reviewed a test's result."""
    if (done := _done(session, action_key, note)) is not None:
        return done
    test, patient = _test(session, test_id, trust_code)
    _check(test, expected_version, "Test")
    if test.result not in ("normal", "abnormal"):
        raise ActionError(f"test {test.id} has no result to review")
    if test.reviewed_at is not None:
        raise ActionError(f"test {test.id}'s result has already been reviewed")
    test.reviewed_at = dt.datetime.combine(on, dt.time(12), tzinfo=dt.UTC)
    test.reviewed_by_id = auditor.actor_id
    return _log(
        session,
        auditor,
        action="review",
        action_key=action_key,
        patient=patient,
        action_date=on,
        changed=[test],
        test=test,
        note=note,
    )


def book(
    session: Session,
    auditor: Auditor,
    test_id: int,
    *,
    booked_date: dt.date,
    action_key: str,
    expected_version: int | None,
    on: dt.date,
    trust_code: str | None = None,
    note: str | None = None,
) -> FollowupAction:
    """Book a scheduled test for `booked_date`."""
    if (done := _done(session, action_key, note)) is not None:
        return done
    test, patient = _test(session, test_id, trust_code)
    _check(test, expected_version, "Test")
    if test.performed_date is not None:
        raise ActionError(f"test {test.id} has already been done")
    test.booked_date = booked_date
    return _log(
        session,
        auditor,
        action="book",
        action_key=action_key,
        patient=patient,
        action_date=on,
        changed=[test],
        test=test,
        note=note,
        details={"booked_date": booked_date},
    )


#: Patient actions: status they need (None: any) -> status they set (None: unchanged).
PATIENT_ACTIONS: dict[str, tuple[tuple[str, ...] | None, str | None]] = {
    "contact": (None, None),
    "suspend": (("active",), "suspended"),
    "reactivate": (("suspended",), "active"),
    "discharge_to_screening": (("active", "suspended"), "transferred_nhsbsp"),
    "request_reaccess": (("active", "suspended"), None),
}


def patient_action(
    session: Session,
    auditor: Auditor,
    patient_id: int,
    action: str,
    *,
    action_key: str,
    expected_version: int | None,
    on: dt.date,
    trust_code: str | None = None,
    note: str | None = None,
) -> FollowupAction:
    """Contact, suspend, reactivate, discharge to screening, or record the patient's request for
    rapid re-access (open access, stratified follow-up: NHS Long Term Plan, NICE NG101)."""
    if action not in PATIENT_ACTIONS:
        raise ActionError(f"unknown action {action!r}")
    if (done := _done(session, action_key, note)) is not None:
        return done
    patient = _patient(session, patient_id, trust_code)
    _check(patient, expected_version, "Patient")
    needs, becomes = PATIENT_ACTIONS[action]
    if needs is not None and patient.status not in needs:
        raise ActionError(f"cannot {action.replace('_', ' ')} a patient whose follow-up is {patient.status}")
    changed: list[Any] = [patient]
    request = None
    if becomes is not None:
        patient.status, patient.status_date = becomes, on
    patient.last_contact_date = on
    if action == "request_reaccess":
        request = ReaccessRequest(patient_id=patient.id, source="patient", raised_on=on, status="open")
        session.add(request)
        changed.append(request)
    return _log(
        session,
        auditor,
        action=action,
        action_key=action_key,
        patient=patient,
        action_date=on,
        changed=changed,
        request=request,
        note=note,
    )


def reaccess(
    session: Session,
    auditor: Auditor,
    request_id: int,
    *,
    clinic_date: dt.date,
    action_key: str,
    expected_version: int | None,
    on: dt.date,
    trust_code: str | None = None,
    note: str | None = None,
) -> FollowupAction:
    """Bring the patient back to clinic on `clinic_date`, closing the re-access request."""
    if (done := _done(session, action_key, note)) is not None:
        return done
    request, patient = _owned(session, ReaccessRequest, request_id, trust_code, "re-access request")
    _check(request, expected_version, "Re-access request")
    if request.status != "open":
        raise ActionError(f"re-access request {request.id} is already closed")
    if clinic_date < on:
        raise ActionError("the clinic date is before today")
    request.status, request.clinic_date, request.closed_on = "closed", clinic_date, on
    patient.last_contact_date = on
    return _log(
        session,
        auditor,
        action="reaccess",
        action_key=action_key,
        patient=patient,
        action_date=on,
        changed=[request, patient],
        request=request,
        note=note,
        details={"clinic_date": clinic_date, "source": request.source},
    )


#: Statuses under which a patient is on follow-up and may report a concern or be re-accessed.
ON_FOLLOWUP = ("active", "suspended")


def report_concern(
    session: Session,
    auditor: Auditor,
    patient_id: int,
    *,
    route: str,
    category: str,
    summary: str | None,
    action_key: str,
    expected_version: int | None,
    on: dt.date,
    trust_code: str | None = None,
    note: str | None = None,
) -> FollowupAction:
    """Record a concern the patient reported on `on` (stratified follow-up: NHS Long Term Plan, NICE NG101
    open access: the patient makes contact
    between appointments); counts as contact. Refused once the patient has left follow-up."""
    if summary is not None and len(summary) > MAX_SUMMARY:
        raise ActionError(f"the summary must be {MAX_SUMMARY} characters or fewer")
    if (done := _done(session, action_key, note)) is not None:
        return done
    if route not in CONCERN_ROUTES:
        raise ActionError(f"how the concern was reported must be one of {', '.join(CONCERN_ROUTES)}")
    if category not in CONCERN_CATEGORIES:
        raise ActionError(f"the concern's category must be one of {', '.join(CONCERN_CATEGORIES)}")
    patient = _patient(session, patient_id, trust_code)
    _check(patient, expected_version, "Patient")
    if patient.status not in ON_FOLLOWUP:
        raise ActionError(
            f"cannot record a concern: the patient's follow-up is {patient.status.replace('_', ' ')} "
            f"since {patient.status_date}, so the concern goes to their GP, not to follow-up"
        )
    if on < patient.stratified_date:
        raise ActionError("the concern was reported before the patient was on follow-up")
    concern = PatientConcern(
        patient_id=patient.id,
        reported_on=on,
        route=route,
        category=category,
        summary=summary or None,
        status="open",
    )
    session.add(concern)
    patient.last_contact_date = on
    return _log(
        session,
        auditor,
        action="report_concern",
        action_key=action_key,
        patient=patient,
        action_date=on,
        changed=[concern, patient],
        concern=concern,
        note=note,
        details={"route": route, "category": category},
    )


def triage_concern(
    session: Session,
    auditor: Auditor,
    concern_id: int,
    *,
    outcome: str,
    action_key: str,
    expected_version: int | None,
    on: dt.date,
    trust_code: str | None = None,
    note: str | None = None,
) -> FollowupAction:
    """Close a concern with its outcome. `reaccess` puts the patient on the existing re-access flow
    (docs/decisions/0021): it joins the patient's open re-access request, or opens one (source
    patient), which the nurse then closes with a clinic date through `reaccess`."""
    if (done := _done(session, action_key, note)) is not None:
        return done
    concern, patient = _owned(session, PatientConcern, concern_id, trust_code, "concern")
    _check(concern, expected_version, "Concern")
    if outcome not in CONCERN_OUTCOMES:
        raise ActionError(f"the outcome must be one of {', '.join(CONCERN_OUTCOMES)}")
    if concern.status != "open":
        raise ActionError(f"concern {concern.id} has already been triaged ({concern.outcome})")
    if on < concern.reported_on:
        raise ActionError("the triage date is before the concern was reported")
    changed: list[Any] = [concern]
    request = None
    if outcome == "reaccess":
        if patient.status not in ON_FOLLOWUP:
            raise ActionError(
                f"cannot re-access a patient whose follow-up is {patient.status.replace('_', ' ')}: "
                "choose another outcome"
            )
        request = session.scalar(
            select(ReaccessRequest)
            .where(ReaccessRequest.patient_id == patient.id, ReaccessRequest.status == "open")
            .order_by(ReaccessRequest.id)
            .limit(1)
        )
        if request is None:
            request = ReaccessRequest(patient_id=patient.id, source="patient", raised_on=on, status="open")
            session.add(request)
            session.flush()  # its id links the concern
            changed.append(request)
        concern.request_id = request.id
    concern.status, concern.outcome, concern.closed_on = "closed", outcome, on
    concern.closed_by_id = auditor.actor_id
    return _log(
        session,
        auditor,
        action="triage_concern",
        action_key=action_key,
        patient=patient,
        action_date=on,
        changed=changed,
        request=request,
        concern=concern,
        note=note,
        details={"outcome": outcome, "category": concern.category},
        flushed=tuple(changed[1:]),
    )


def record_care(
    session: Session,
    auditor: Auditor,
    patient_id: int,
    *,
    record: str,
    done_on: dt.date,
    action_key: str,
    expected_version: int | None,
    on: dt.date,
    trust_code: str | None = None,
    note: str | None = None,
) -> FollowupAction:
    """Record the date of a holistic needs assessment, treatment summary or care plan (stratified follow-up:
    NHS Long Term Plan, NICE NG101 DERIVED
    item 5, personalised care); a later one replaces the date, the audit keeps the earlier."""
    if (done := _done(session, action_key, note)) is not None:
        return done
    if record not in CARE_RECORDS:
        raise ActionError(f"the record must be one of {', '.join(CARE_RECORDS)}")
    patient = _patient(session, patient_id, trust_code)
    _check(patient, expected_version, "Patient")
    what = CARE_RECORDS[record].lower()
    if done_on > on:
        raise ActionError(f"the {what} date is after today")
    if done_on < patient.diagnosis_date:
        raise ActionError(f"the {what} date is before the diagnosis")
    setattr(patient, record, done_on)
    return _log(
        session,
        auditor,
        action="record_care",
        action_key=action_key,
        patient=patient,
        action_date=on,
        changed=[patient],
        note=note,
        details={"record": record, "date": done_on},
    )


def with_retry(store: Any, work: Any, *, attempts: int = 20, wait: float = 0.25) -> Any:
    """Run `work(session)` in a transaction of `store`, again if the database connection is lost
    (a restart or failover), up to `attempts` times with a growing pause. Safe for the actions
    above: each carries its `action_key`, so a retry of an action that did commit before the
    connection dropped is recognised and not done twice (docs/decisions/0013)."""
    for attempt in range(1, attempts + 1):
        try:
            with store.begin() as session:
                return work(session)
        except DBAPIError as error:
            lost = error.connection_invalidated or isinstance(error, OperationalError)
            if not lost or attempt == attempts:
                raise
            time.sleep(wait * attempt)
    raise AssertionError("unreachable")


# The actions as one table (issue #23, item 7): what each acts on, whether it needs a date, the
# choices it asks for and when it is allowed. The web's offers and validation and the CLI's dispatch
# all read it, so the two front ends cannot disagree on a default.

#: What an action acts on: the id a nurse passes is that item's.
TARGETS = ("test", "request", "concern", "patient")
#: The results a nurse records (an awaited result is only ever imported).
RESULTS = {"normal": "Normal", "abnormal": "Abnormal: recall for assessment"}


@dataclass(frozen=True)
class Choice:
    """A choice an action asks for: its field (form field and CLI option), words and codes."""

    field: str
    label: str
    missing: str
    codes: Callable[[], Mapping[str, str]]
    hint: str | None = None

    def options(self) -> Mapping[str, str]:
        """Code -> words, in the order offered."""
        return self.codes()


@dataclass(frozen=True)
class DateField:
    """The date an action asks for. `required`: no default; otherwise a blank date is the action's day."""

    label: str
    required: bool
    missing: str


@dataclass(frozen=True)
class Problem:
    """Why an action's inputs cannot be used, naming the field."""

    field: str
    text: str


class InputProblems(ActionError):
    """An action's inputs cannot be used; `problems` name each field."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.text for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Inputs:
    """An action's checked inputs: its date (defaults applied), choices, summary and note."""

    date: dt.date | None = None
    chosen: Mapping[str, str] = field(default_factory=dict)
    summary: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Spec:
    """One action: its name, what it acts on, its date and choices, when it is allowed (`allowed(item,
    patient)`), what the nurse is offered (`offer`, formatted with the item's words) and sees when done,
    and how it is done (`run(session, auditor, item_id, inputs, on, common)`)."""

    name: str
    target: str
    offer: str
    done: str
    allowed: Callable[[Any, FollowupPatient], bool]
    run: Callable[..., FollowupAction]
    date: DateField | None = None
    choices: tuple[Choice, ...] = ()
    summary: bool = False


def _codes(name: str) -> Callable[[], Mapping[str, str]]:
    from cancer_alliance.reference import code_list

    return lambda: code_list(name)


def _resulted(test: FollowupTest) -> bool:
    return test.result in ("normal", "abnormal")


def _status_allows(action: str) -> Callable[[Any, FollowupPatient], bool]:
    needs = PATIENT_ACTIONS[action][0]
    return lambda _item, patient: needs is None or patient.status in needs


def _patient_run(action: str) -> Callable[..., FollowupAction]:
    def run(session, auditor, item_id, inputs, on, common):
        return patient_action(session, auditor, item_id, action, on=on, note=inputs.note, **common)

    return run


_RESULT = Choice("result", "Result", "Select the result", lambda: RESULTS)
_ROUTE = Choice(
    "route",
    "How the patient reported it",
    "Select how the patient reported the concern",
    _codes("followup_concern_route"),
)
_CATEGORY = Choice(
    "category",
    "What the concern is about",
    "Select what the concern is about",
    _codes("followup_concern_category"),
)
_OUTCOME = Choice(
    "outcome",
    "Outcome",
    "Select the outcome of the triage",
    _codes("followup_concern_outcome"),
    hint="Re-access to clinic adds the patient to the re-access requests, where you book the clinic date.",
)
_RECORD = Choice("record", "What was done", "Select what was done", lambda: CARE_RECORDS)

ACTIONS: dict[str, Spec] = {
    spec.name: spec
    for spec in (
        Spec(
            "reaccess",
            "request",
            "Re-access to clinic",
            "Re-accessed to clinic",
            allowed=lambda request, _patient: request.status == "open",
            date=DateField("Clinic date", True, "Enter the clinic date"),
            run=lambda s, a, item, i, on, c: reaccess(
                s, a, item, clinic_date=i.date, on=on, note=i.note, **c
            ),
        ),
        Spec(
            "triage_concern",
            "concern",
            "Triage concern of {reported}: {category}",
            "Concern triaged",
            allowed=lambda concern, _patient: concern.status == "open",
            choices=(_OUTCOME,),
            run=lambda s, a, item, i, on, c: triage_concern(
                s, a, item, outcome=i.chosen["outcome"], on=on, note=i.note, **c
            ),
        ),
        Spec(
            "review",
            "test",
            "Mark {result} result of {performed} reviewed",
            "Result reviewed",
            allowed=lambda test, _patient: _resulted(test) and test.reviewed_at is None,
            run=lambda s, a, item, i, on, c: review(s, a, item, on=on, note=i.note, **c),
        ),
        Spec(
            "record_result",
            "test",
            "Record result of mammogram due {due}",
            "Result recorded",
            allowed=lambda test, _patient: not _resulted(test),
            date=DateField("Test date", False, "Enter the test date"),
            choices=(_RESULT,),
            run=lambda s, a, item, i, on, c: record_result(
                s,
                a,
                item,
                result=i.chosen["result"],
                performed_date=i.date,
                reported_date=on,
                note=i.note,
                **c,
            ),
        ),
        Spec(
            "book",
            "test",
            "Book mammogram due {due}",
            "Test booked",
            allowed=lambda test, _patient: not _resulted(test) and test.performed_date is None,
            date=DateField("Booked for", True, "Enter the date the mammogram is booked for"),
            run=lambda s, a, item, i, on, c: book(s, a, item, booked_date=i.date, on=on, note=i.note, **c),
        ),
        Spec(
            "report_concern",
            "patient",
            "Record a concern the patient reported",
            "Concern recorded",
            allowed=lambda _item, patient: patient.status in ON_FOLLOWUP,
            choices=(_ROUTE, _CATEGORY),
            summary=True,
            run=lambda s, a, item, i, on, c: report_concern(
                s,
                a,
                item,
                route=i.chosen["route"],
                category=i.chosen["category"],
                summary=i.summary,
                on=on,
                note=i.note,
                **c,
            ),
        ),
        Spec(
            "contact",
            "patient",
            "Record contact with the patient",
            "Contacted the patient",
            allowed=lambda _item, patient: patient.status in ON_FOLLOWUP,
            run=_patient_run("contact"),
        ),
        Spec(
            "request_reaccess",
            "patient",
            "Patient asks for re-access",
            "Patient asked for re-access",
            allowed=_status_allows("request_reaccess"),
            run=_patient_run("request_reaccess"),
        ),
        Spec(
            "discharge_to_screening",
            "patient",
            "Discharge to screening (NHS Breast Screening Programme)",
            "Discharged to screening",
            allowed=_status_allows("discharge_to_screening"),
            run=_patient_run("discharge_to_screening"),
        ),
        Spec(
            "suspend",
            "patient",
            "Suspend follow-up",
            "Follow-up suspended",
            allowed=_status_allows("suspend"),
            run=_patient_run("suspend"),
        ),
        Spec(
            "reactivate",
            "patient",
            "Reactivate follow-up",
            "Follow-up reactivated",
            allowed=_status_allows("reactivate"),
            run=_patient_run("reactivate"),
        ),
        Spec(
            "record_care",
            "patient",
            "Record a needs assessment, summary or care plan",
            "Personalised care recorded",
            allowed=lambda _item, _patient: True,
            date=DateField("Date done", True, "Enter the date it was done"),
            choices=(_RECORD,),
            run=lambda s, a, item, i, on, c: record_care(
                s, a, item, record=i.chosen["record"], done_on=i.date, on=on, note=i.note, **c
            ),
        ),
    )
}


def spec(name: str) -> Spec:
    """The action called `name`; an unknown name is an ActionError listing the known ones."""
    if name not in ACTIONS:
        raise ActionError(f"unknown action {name!r}; one of {', '.join(ACTIONS)}")
    return ACTIONS[name]


def prepare(
    name: str,
    *,
    on: dt.date,
    date: dt.date | None = None,
    chosen: Mapping[str, str | None] | None = None,
    summary: str | None = None,
    note: str | None = None,
) -> Inputs:
    """Check an action's inputs against its row of the table and apply its date default (a blank
    optional date is `on`, the action's day). Raises InputProblems naming every unusable field."""
    action = spec(name)
    chosen = chosen or {}
    problems: list[Problem] = []
    if action.date is not None and action.date.required and date is None:
        problems.append(Problem("date", action.date.missing))
    picked: dict[str, str] = {}
    for choice in action.choices:
        value = (chosen.get(choice.field) or "").strip()
        if not value:
            problems.append(Problem(choice.field, choice.missing))
        elif value not in choice.options():
            known = ", ".join(choice.options())
            problems.append(Problem(choice.field, f"{choice.label} must be one of {known}, not {value!r}"))
        else:
            picked[choice.field] = value
    summary = (summary or "").strip() or None if action.summary else None
    if summary is not None and len(summary) > MAX_SUMMARY:
        problems.append(Problem("summary", f"The summary must be {MAX_SUMMARY} characters or fewer"))
    note = (note or "").strip() or None
    if note is not None and len(note) > MAX_NOTE:
        problems.append(Problem("note", f"The note must be {MAX_NOTE} characters or fewer"))
    if problems:
        raise InputProblems(problems)
    if action.date is not None and date is None:
        date = on
    return Inputs(date if action.date else None, picked, summary, note)


def do(
    session: Session,
    auditor: Auditor,
    name: str,
    item_id: int,
    inputs: Inputs,
    *,
    on: dt.date,
    action_key: str,
    expected_version: int | None,
    trust_code: str | None = None,
) -> FollowupAction:
    """Do the action `name` on `item_id` (its target's id) with inputs from `prepare`."""
    common = {"action_key": action_key, "expected_version": expected_version, "trust_code": trust_code}
    return spec(name).run(session, auditor, item_id, inputs, on, common)


def offers(
    patient: FollowupPatient,
    tests: list[FollowupTest],
    requests: list[ReaccessRequest],
    concerns: list[PatientConcern],
) -> list[tuple[Spec, Any]]:
    """The actions open now, in table order within each target, as (action, item) pairs. Only the
    next test still to be done can be booked or resulted; later ones wait their turn."""
    pending = [t for t in tests if not _resulted(t)]
    items: dict[str, list[Any]] = {
        "request": list(requests),
        "concern": list(concerns),
        "test": [t for t in tests if _resulted(t) or t is pending[0]],
        "patient": [patient],
    }
    return [
        (action, item)
        for target in ("request", "concern", "test", "patient")
        for item in items[target]
        for action in ACTIONS.values()
        if action.target == target and action.allowed(item, patient)
    ]
