"""The nurses' remote-monitoring worklist, read from the store on an as-of date (issue 11, item 2).

Queries over the store (the records change as nurses act, so they are not a lake rule); the same
SQL runs on SQLite and PostgreSQL. Categories, each derived from stratified follow-up: NHS Long Term Plan,
NICE NG101 ("track
results and alert on abnormal or overdue results; a failsafe so no one is lost to follow-up"):

| category | what | needs |
|---|---|---|
| overdue | a scheduled test not done, its due date passed (not booked for a later date) | patient active |
| due | a scheduled test not done, due within `review.due_soon_days` | patient active |
| awaiting_review | a test with a normal or abnormal result no nurse has reviewed | |
| abnormal | an open re-access request raised by an abnormal result | |
| reaccess | an open re-access request from the patient (open access) | |
| concern | an open patient-reported concern, late after `review.concern_triage_days` | |
| end_of_surveillance | the surveillance plan has ended: hand over or discharge | patient active |
| lost_to_follow_up | no contact and no test for more than `review.lost_to_follow_up_days` | patient active |
| personalised_care | no care plan or HNA `review.personalised_care_days` after stratification | active |

`personalised_care` is stratified follow-up: NHS Long Term Plan, NICE NG101 DERIVED item 5 (holistic needs
assessment, treatment summary, care plan);
both day limits are local settings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from cancer_alliance.followup.protocol import Protocol
from cancer_alliance.reference import code_list
from cancer_alliance.store.followup import FollowupPatient, FollowupTest, PatientConcern, ReaccessRequest

CATEGORIES: dict[str, str] = {
    "overdue": "Tests overdue",
    "due": "Tests due",
    "awaiting_review": "Results awaiting review",
    "abnormal": "Abnormal results",
    "reaccess": "Patient requests for re-access",
    "concern": "Patient-reported concerns",
    "end_of_surveillance": "End of surveillance",
    "lost_to_follow_up": "Lost to follow-up check",
    "personalised_care": "Care plan or needs assessment not done",
}
COLUMNS = (
    "category",
    "trust_code",
    "episode_id",
    "patient_id",
    "pathway",
    "status",
    "item",
    "item_id",
    "item_version",
    "date",
    "days",
    "detail",
)


@dataclass(frozen=True)
class WorkItem:
    """One line of the worklist: what needs doing about which patient, and since when.

    `date` is the date the item counts from (due date, result date, request date, plan end, last
    contact); `days` is how many days past it `as_of` is (negative: due in that many days)."""

    category: str
    trust_code: str
    episode_id: str
    patient_id: int
    pathway: str
    status: str
    item: str  # "test", "request", "concern" or "patient": what the actions act on
    item_id: int
    item_version: int
    date: dt.date
    days: int
    detail: str

    def as_row(self) -> dict[str, object]:
        return {column: getattr(self, column) for column in COLUMNS}


def _in_trust(query: Select, trust_code: str | None) -> Select:
    return query if trust_code is None else query.where(FollowupPatient.trust_code == trust_code)


def worklist(
    session: Session, protocol: Protocol, as_of: dt.date, trust_code: str | None = None
) -> list[WorkItem]:
    """Every worklist item of `trust_code` (None: all trusts) on `as_of`, by category then oldest first."""
    review = protocol.review
    items: list[WorkItem] = []
    active = FollowupPatient.status == "active"
    not_done = FollowupTest.performed_date.is_(None)
    tests = select(FollowupTest, FollowupPatient).join(
        FollowupPatient, FollowupPatient.id == FollowupTest.patient_id
    )

    def test_item(category: str, test: FollowupTest, patient: FollowupPatient, day: dt.date, detail: str):
        items.append(
            WorkItem(
                category,
                patient.trust_code,
                patient.episode_id,
                patient.id,
                patient.pathway,
                patient.status,
                "test",
                test.id,
                test.version,
                day,
                (as_of - day).days,
                detail,
            )
        )

    overdue = tests.where(
        active,
        not_done,
        FollowupTest.due_date < as_of,
        or_(FollowupTest.booked_date.is_(None), FollowupTest.booked_date < as_of),
    )
    for test, patient in session.execute(_in_trust(overdue, trust_code)):
        booked = f"; booked for {test.booked_date} but not done" if test.booked_date else ""
        test_item("overdue", test, patient, test.due_date, f"{test.test_type} due {test.due_date}{booked}")
    due = tests.where(
        active,
        not_done,
        FollowupTest.due_date >= as_of,
        FollowupTest.due_date <= as_of + dt.timedelta(days=review.due_soon_days),
    )
    for test, patient in session.execute(_in_trust(due, trust_code)):
        booked = f"; booked for {test.booked_date}" if test.booked_date else "; not booked"
        test_item("due", test, patient, test.due_date, f"{test.test_type} due {test.due_date}{booked}")
    awaiting = tests.where(
        FollowupTest.result.in_(("normal", "abnormal")), FollowupTest.reviewed_at.is_(None)
    )
    for test, patient in session.execute(_in_trust(awaiting, trust_code)):
        day = test.reported_date or test.performed_date
        late = (as_of - day).days > review.result_review_days
        detail = f"{test.result} {test.test_type} of {test.performed_date}" + (
            f"; not reviewed within {review.result_review_days} days" if late else ""
        )
        test_item("awaiting_review", test, patient, day, detail)

    requests = select(ReaccessRequest, FollowupPatient).join(
        FollowupPatient, FollowupPatient.id == ReaccessRequest.patient_id
    )
    open_requests = requests.where(ReaccessRequest.status == "open")
    for request, patient in session.execute(_in_trust(open_requests, trust_code)):
        category = "abnormal" if request.source == "abnormal_result" else "reaccess"
        detail = (
            "abnormal result: re-access to clinic"
            if category == "abnormal"
            else "patient asked for rapid re-access"
        )
        items.append(
            WorkItem(
                category,
                patient.trust_code,
                patient.episode_id,
                patient.id,
                patient.pathway,
                patient.status,
                "request",
                request.id,
                request.version,
                request.raised_on,
                (as_of - request.raised_on).days,
                detail,
            )
        )

    concerns = select(PatientConcern, FollowupPatient).join(
        FollowupPatient, FollowupPatient.id == PatientConcern.patient_id
    )
    kinds, routes = code_list("followup_concern_category"), code_list("followup_concern_route")
    for concern, patient in session.execute(
        _in_trust(concerns.where(PatientConcern.status == "open"), trust_code)
    ):
        days = (as_of - concern.reported_on).days
        late = (
            f"; not triaged within {review.concern_triage_days} days"
            if days > review.concern_triage_days
            else ""
        )
        detail = f"{kinds[concern.category]} ({routes[concern.route].lower()}){late}"
        items.append(
            WorkItem(
                "concern",
                patient.trust_code,
                patient.episode_id,
                patient.id,
                patient.pathway,
                patient.status,
                "concern",
                concern.id,
                concern.version,
                concern.reported_on,
                days,
                detail,
            )
        )

    def patient_item(category: str, patient: FollowupPatient, day: dt.date, detail: str) -> None:
        items.append(
            WorkItem(
                category,
                patient.trust_code,
                patient.episode_id,
                patient.id,
                patient.pathway,
                patient.status,
                "patient",
                patient.id,
                patient.version,
                day,
                (as_of - day).days,
                detail,
            )
        )

    ended = select(FollowupPatient).where(active, FollowupPatient.surveillance_end_date <= as_of)
    for patient in session.scalars(_in_trust(ended, trust_code)):
        then = "hand over to NHSBSP" if patient.handover == "nhsbsp" else "discharge"
        patient_item("end_of_surveillance", patient, patient.surveillance_end_date, f"plan ended: {then}")

    cutoff = as_of - dt.timedelta(days=review.lost_to_follow_up_days)
    last_test = (
        select(FollowupTest.patient_id, func.max(FollowupTest.performed_date).label("last_test"))
        .group_by(FollowupTest.patient_id)
        .subquery()
    )
    last_test_date = func.coalesce(last_test.c.last_test, FollowupPatient.stratified_date)
    last_contact_date = func.coalesce(FollowupPatient.last_contact_date, FollowupPatient.stratified_date)
    lost = (
        select(FollowupPatient, last_test.c.last_test)
        .outerjoin(last_test, last_test.c.patient_id == FollowupPatient.id)
        .where(
            active,
            FollowupPatient.surveillance_end_date > as_of,
            and_(last_test_date < cutoff, last_contact_date < cutoff),
        )
    )
    for patient, last in session.execute(_in_trust(lost, trust_code)):
        latest = max(d for d in (last, patient.last_contact_date, patient.stratified_date) if d)
        patient_item(
            "lost_to_follow_up",
            patient,
            latest,
            f"no contact or test for over {review.lost_to_follow_up_days} days",
        )
    expected = as_of - dt.timedelta(days=review.personalised_care_days)
    missing = {"care_plan_date": "care plan", "hna_date": "holistic needs assessment"}
    not_yet = [
        or_(getattr(FollowupPatient, c).is_(None), getattr(FollowupPatient, c) > as_of) for c in missing
    ]
    uncared = select(FollowupPatient).where(active, FollowupPatient.stratified_date < expected, or_(*not_yet))
    for patient in session.scalars(_in_trust(uncared, trust_code)):
        lacking = [
            name for c, name in missing.items() if getattr(patient, c) is None or getattr(patient, c) > as_of
        ]
        detail = (
            f"no {' and no '.join(lacking)} within {review.personalised_care_days} days of stratification"
        )
        patient_item("personalised_care", patient, patient.stratified_date, detail)
    order = list(CATEGORIES)
    return sorted(items, key=lambda i: (order.index(i.category), -i.days, i.episode_id, i.item_id))


def counts(items: list[WorkItem]) -> dict[str, int]:
    """Items per category, every category present."""
    found = dict.fromkeys(CATEGORIES, 0)
    for item in items:
        found[item.category] += 1
    return found
