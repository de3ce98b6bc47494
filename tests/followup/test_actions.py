"""Remote monitoring in the store (issue 11 item 2), on SQLite and PostgreSQL: a stratified patient's
tests fall due and overdue on the worklist, results are recorded and reviewed, an abnormal result
raises re-access, every action is audited in its own transaction, and of two nurses acting on the
same item at once one wins and the other is told (docs/decisions/0013)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select
from tests.followup.conftest import candidate

from cancer_alliance.followup import actions
from cancer_alliance.followup.actions import ActionError, ChangedByAnotherUser, NotFound
from cancer_alliance.followup.protocol import stratify
from cancer_alliance.followup.worklist import counts, worklist
from cancer_alliance.store import AuditEvent, Auditor
from cancer_alliance.store.followup import FollowupAction, FollowupPatient, FollowupTest, ReaccessRequest

pytestmark = pytest.mark.store


def key() -> str:
    return uuid.uuid4().hex


def register(store, protocol, trust: str | None = None, **changes) -> FollowupPatient:
    row = candidate(trust_code=trust or f"T{uuid.uuid4().hex[:4].upper()}", **changes)
    with store.begin() as session:
        return actions.register(
            session, Auditor(session, job_id="test"), row, stratify(protocol, row), row["treatment_end_date"]
        )


def items(store, protocol, patient, as_of, *, care: bool = False):
    """The patient's worklist items; personalised care (no care plan or needs assessment yet) is left
    out unless `care`: these tests follow surveillance, tests/followup/test_concerns.py that one."""
    with store.begin() as session:
        return [
            i
            for i in worklist(session, protocol, as_of, patient.trust_code)
            if i.patient_id == patient.id and (care or i.category != "personalised_care")
        ]


def categories(store, protocol, patient, as_of) -> list[str]:
    return [i.category for i in items(store, protocol, patient, as_of)]


def events(store, object_type: str, object_id) -> list[AuditEvent]:
    with store.begin() as session:
        query = select(AuditEvent).where(
            AuditEvent.object_type == object_type, AuditEvent.object_id == str(object_id)
        )
        return list(session.scalars(query.order_by(AuditEvent.id)))


def test_registering_schedules_the_plan_and_records_the_decision(store, protocol):
    patient = register(store, protocol, age_at_diagnosis=44, in_clinical_trial=True)
    with store.begin() as session:
        due = session.scalars(select(FollowupTest.due_date).where(FollowupTest.patient_id == patient.id))
        assert sorted(due) == [dt.date(2018 + n, 3, 1) for n in range(1, 7)]
    assert patient.pathway == "clinician_led"
    assert patient.protocol_version == "2026.1"
    assert patient.reasons == ["Taking part in a clinical trial with its own follow-up schedule"]
    [created] = events(store, "followup_patient", patient.id)
    assert created.job_id == "test"
    assert "patient_pseudonym" not in created.details["snapshot"]  # a pseudonym, still never audited


def test_registering_the_same_episode_twice_changes_nothing(store, protocol):
    row = candidate(trust_code="TWICE")
    for _ in range(2):
        with store.begin() as session:
            actions.register(
                session, Auditor(session, job_id="t"), row, stratify(protocol, row), dt.date(2018, 9, 1)
            )
    with store.begin() as session:
        assert (
            session.scalar(
                select(func.count())
                .select_from(FollowupPatient)
                .where(FollowupPatient.episode_id == row["episode_id"])
            )
            == 1
        )


def test_a_mammogram_falls_due_then_overdue_and_leaves_the_list_once_done(store, protocol, nurse):
    patient = register(store, protocol)
    assert categories(store, protocol, patient, dt.date(2019, 1, 1)) == []
    [due] = items(store, protocol, patient, dt.date(2019, 2, 10))
    assert (due.category, due.item, due.days) == ("due", "test", -19)
    [overdue] = items(store, protocol, patient, dt.date(2019, 3, 20))
    assert (overdue.category, overdue.days, overdue.item_id) == ("overdue", 19, due.item_id)
    with store.begin() as session:
        actions.record_result(
            session,
            Auditor(session, actor_id=nurse()),
            overdue.item_id,
            result="normal",
            performed_date=dt.date(2019, 3, 22),
            reported_date=dt.date(2019, 3, 25),
            action_key=key(),
            expected_version=overdue.item_version,
        )
    assert categories(store, protocol, patient, dt.date(2019, 3, 26)) == ["awaiting_review"]


def test_booking_for_a_later_date_takes_a_test_off_the_overdue_list(store, protocol, nurse):
    patient = register(store, protocol)
    [overdue] = items(store, protocol, patient, dt.date(2019, 3, 20))
    with store.begin() as session:
        actions.book(
            session,
            Auditor(session, actor_id=nurse()),
            overdue.item_id,
            booked_date=dt.date(2019, 4, 2),
            action_key=key(),
            expected_version=overdue.item_version,
            on=dt.date(2019, 3, 20),
        )
    assert categories(store, protocol, patient, dt.date(2019, 3, 21)) == []
    [late] = items(store, protocol, patient, dt.date(2019, 4, 5))
    assert "booked for 2019-04-02 but not done" in late.detail


def test_an_abnormal_result_raises_re_access_which_a_nurse_closes(store, protocol, nurse):
    patient = register(store, protocol)
    nurse_id = nurse()
    [test] = items(store, protocol, patient, dt.date(2019, 3, 1))
    with store.begin() as session:
        actions.record_result(
            session,
            Auditor(session, actor_id=nurse_id),
            test.item_id,
            result="abnormal",
            performed_date=dt.date(2019, 3, 1),
            reported_date=dt.date(2019, 3, 4),
            action_key=key(),
            expected_version=test.item_version,
        )
    listed = items(store, protocol, patient, dt.date(2019, 3, 5))
    assert [i.category for i in listed] == ["awaiting_review", "abnormal"]
    request = listed[1]
    with store.begin() as session:
        actions.reaccess(
            session,
            Auditor(session, actor_id=nurse_id),
            request.item_id,
            clinic_date=dt.date(2019, 3, 8),
            action_key=key(),
            expected_version=request.item_version,
            on=dt.date(2019, 3, 5),
        )
        actions.review(
            session,
            Auditor(session, actor_id=nurse_id),
            test.item_id,
            action_key=key(),
            expected_version=None,
            on=dt.date(2019, 3, 5),
        )
    assert categories(store, protocol, patient, dt.date(2019, 3, 6)) == []
    with store.begin() as session:
        done = session.scalars(
            select(FollowupAction.action)
            .where(FollowupAction.patient_id == patient.id)
            .order_by(FollowupAction.id)
        )
        assert list(done) == ["stratify", "record_result", "reaccess", "review"]
        closed = session.get(ReaccessRequest, request.item_id)
        assert (closed.status, closed.clinic_date) == ("closed", dt.date(2019, 3, 8))
    assert [e.action for e in events(store, "followup_reaccess_request", request.item_id)] == [
        "create",
        "update",
    ]
    assert all(e.actor_id == nurse_id for e in events(store, "followup_test", test.item_id))


def test_a_patient_asks_for_re_access_is_suspended_and_reactivated(store, protocol, nurse):
    patient = register(store, protocol)
    nurse_id = nurse()
    with store.begin() as session:
        actions.patient_action(
            session,
            Auditor(session, actor_id=nurse_id),
            patient.id,
            "request_reaccess",
            action_key=key(),
            expected_version=patient.version,
            on=dt.date(2019, 1, 10),
            note="lump noticed",
        )
    assert categories(store, protocol, patient, dt.date(2019, 1, 11)) == ["reaccess"]
    with store.begin() as session:
        current = session.get(FollowupPatient, patient.id)
        actions.patient_action(
            session,
            Auditor(session, actor_id=nurse_id),
            patient.id,
            "suspend",
            action_key=key(),
            expected_version=current.version,
            on=dt.date(2019, 1, 12),
        )
    assert categories(store, protocol, patient, dt.date(2019, 3, 20)) == [
        "reaccess"
    ]  # no overdue while suspended
    with store.begin() as session, pytest.raises(ActionError, match="cannot suspend"):
        actions.patient_action(
            session,
            Auditor(session, actor_id=nurse_id),
            patient.id,
            "suspend",
            action_key=key(),
            expected_version=None,
            on=dt.date(2019, 1, 13),
        )
    with store.begin() as session:
        actions.patient_action(
            session,
            Auditor(session, actor_id=nurse_id),
            patient.id,
            "reactivate",
            action_key=key(),
            expected_version=None,
            on=dt.date(2019, 3, 20),
        )
    assert categories(store, protocol, patient, dt.date(2019, 3, 21)) == ["overdue", "reaccess"]
    notes = [e.details for e in events(store, "followup_action", "") if e]  # free text never audited
    assert all("lump" not in str(details) for details in notes)


def test_no_contact_or_test_for_too_long_is_flagged_as_lost_to_follow_up(store, protocol, nurse):
    patient = register(store, protocol)
    limit = protocol.review.lost_to_follow_up_days
    start = dt.date(2018, 9, 1)
    assert "lost_to_follow_up" not in categories(store, protocol, patient, start + dt.timedelta(days=limit))
    lost = start + dt.timedelta(days=limit + 1)
    assert "lost_to_follow_up" in categories(store, protocol, patient, lost)
    with store.begin() as session:
        actions.patient_action(
            session,
            Auditor(session, actor_id=nurse()),
            patient.id,
            "contact",
            action_key=key(),
            expected_version=None,
            on=lost,
        )
    assert "lost_to_follow_up" not in categories(store, protocol, patient, lost)


def test_at_the_end_of_surveillance_the_patient_is_discharged_to_screening(store, protocol, nurse):
    patient = register(store, protocol)
    ended = dt.date(2023, 3, 2)
    assert "end_of_surveillance" in categories(store, protocol, patient, ended)
    with store.begin() as session:
        actions.patient_action(
            session,
            Auditor(session, actor_id=nurse()),
            patient.id,
            "discharge_to_screening",
            action_key=key(),
            expected_version=None,
            on=ended,
        )
    assert categories(store, protocol, patient, ended) == []


def test_two_nurses_review_the_same_result_one_wins_the_other_is_told(store, protocol, nurse):
    patient = register(store, protocol)
    [test] = items(store, protocol, patient, dt.date(2019, 3, 1))
    with store.begin() as session:
        actions.record_result(
            session,
            Auditor(session, job_id="import"),
            test.item_id,
            result="normal",
            performed_date=dt.date(2019, 3, 1),
            reported_date=dt.date(2019, 3, 2),
            action_key=key(),
            expected_version=None,
        )
    [shown] = items(store, protocol, patient, dt.date(2019, 3, 3))  # both nurses see this version
    first, second = nurse(), nurse()
    with store.begin() as session:
        actions.review(
            session,
            Auditor(session, actor_id=first),
            shown.item_id,
            action_key=key(),
            expected_version=shown.item_version,
            on=dt.date(2019, 3, 3),
        )
    with store.begin() as session, pytest.raises(ChangedByAnotherUser, match="changed by someone else"):
        actions.review(
            session,
            Auditor(session, actor_id=second),
            shown.item_id,
            action_key=key(),
            expected_version=shown.item_version,
            on=dt.date(2019, 3, 3),
        )
    with store.begin() as session:
        assert session.get(FollowupTest, shown.item_id).reviewed_by_id == first
        reviews = select(func.count()).where(
            FollowupAction.test_id == shown.item_id, FollowupAction.action == "review"
        )
        assert session.scalar(reviews) == 1


def test_a_race_between_reading_and_writing_is_caught_by_the_version_column(store, protocol, nurse):
    """Both nurses read version 1 before either writes: the second UPDATE matches no row."""
    patient = register(store, protocol)
    first, second = store.session(), store.session()
    try:
        one = first.get(FollowupPatient, patient.id)
        two = second.get(FollowupPatient, patient.id)
        assert one.version == two.version
        actions.patient_action(
            first,
            Auditor(first, actor_id=nurse()),
            patient.id,
            "suspend",
            action_key=key(),
            expected_version=one.version,
            on=dt.date(2019, 1, 5),
        )
        first.commit()
        with pytest.raises(ChangedByAnotherUser):
            actions.patient_action(
                second,
                Auditor(second, actor_id=nurse()),
                patient.id,
                "contact",
                action_key=key(),
                expected_version=two.version,
                on=dt.date(2019, 1, 5),
            )
        second.rollback()
    finally:
        first.close()
        second.close()
    with store.begin() as session:
        stored = session.get(FollowupPatient, patient.id)
        assert (stored.status, stored.last_contact_date) == ("suspended", dt.date(2019, 1, 5))


def test_an_action_repeated_with_its_key_is_done_once(store, protocol, nurse):
    patient = register(store, protocol)
    once, nurse_id = key(), nurse()
    for _ in range(3):
        with store.begin() as session:
            actions.patient_action(
                session,
                Auditor(session, actor_id=nurse_id),
                patient.id,
                "request_reaccess",
                action_key=once,
                expected_version=patient.version,
                on=dt.date(2019, 1, 10),
            )
    assert categories(store, protocol, patient, dt.date(2019, 1, 11)) == ["reaccess"]


def test_a_failed_action_leaves_no_audit_event(store, protocol, nurse):
    patient = register(store, protocol)
    before = len(events(store, "followup_patient", patient.id))
    with pytest.raises(RuntimeError), store.begin() as session:
        actions.patient_action(
            session,
            Auditor(session, actor_id=nurse()),
            patient.id,
            "contact",
            action_key=key(),
            expected_version=None,
            on=dt.date(2019, 1, 5),
        )
        raise RuntimeError("the request failed after the action")
    assert len(events(store, "followup_patient", patient.id)) == before


def test_another_trusts_item_is_not_found(store, protocol, nurse):
    patient = register(store, protocol, trust="ROTHR")
    with store.begin() as session, pytest.raises(NotFound):
        actions.patient_action(
            session,
            Auditor(session, actor_id=nurse()),
            patient.id,
            "contact",
            action_key=key(),
            expected_version=None,
            on=dt.date(2019, 1, 5),
            trust_code="RTA",
        )


def test_counts_name_every_category(store, protocol):
    patient = register(store, protocol)
    found = counts(items(store, protocol, patient, dt.date(2019, 3, 20), care=True))
    assert found["overdue"] == found["personalised_care"] == 1
    assert sum(found.values()) == 2 and len(found) == 9
