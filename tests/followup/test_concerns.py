"""Patient-reported concerns and personalised-care records (issue 11; stratified follow-up: NHS Long Term
Plan, NICE NG101 DERIVED
items 3-5; docs/decisions/0021), on SQLite and PostgreSQL: a concern reported between appointments is
on the worklist until a nurse triages it, late after the protocol's triage days; triage to re-access
joins the re-access flow; a patient with no care plan or needs assessment is listed after the
protocol's days; every action is audited, locked by version and done once per action key."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from tests.followup.test_actions import events, items, key, register

from cancer_alliance.followup import actions
from cancer_alliance.followup.actions import ActionError, ChangedByAnotherUser
from cancer_alliance.followup.metrics import raw_counts
from cancer_alliance.reference import code_list
from cancer_alliance.store import Auditor
from cancer_alliance.store.followup import (
    CONCERN_CATEGORIES,
    CONCERN_OUTCOMES,
    CONCERN_ROUTES,
    FollowupAction,
    FollowupPatient,
    PatientConcern,
    ReaccessRequest,
)

pytestmark = pytest.mark.store

REPORTED = dt.date(2019, 1, 10)


def report(store, patient, nurse_id, *, on=REPORTED, action_key=None, version=None, **changes):
    values = {"route": "phone", "category": "breast_change", "summary": "new lump, left breast"} | changes
    with store.begin() as session:
        done = actions.report_concern(
            session,
            Auditor(session, actor_id=nurse_id),
            patient.id,
            action_key=action_key or key(),
            expected_version=version,
            on=on,
            **values,
        )
        return done.concern_id


def triage(store, concern_id, nurse_id, outcome, *, on=REPORTED, version=None, action_key=None):
    with store.begin() as session:
        return actions.triage_concern(
            session,
            Auditor(session, actor_id=nurse_id),
            concern_id,
            outcome=outcome,
            action_key=action_key or key(),
            expected_version=version,
            on=on,
        )


def concern_items(store, protocol, patient, as_of):
    return [i for i in items(store, protocol, patient, as_of) if i.category == "concern"]


def test_a_reported_concern_counts_as_contact_and_is_listed_until_triaged(store, protocol, nurse):
    patient = register(store, protocol)
    nurse_id = nurse()
    concern_id = report(store, patient, nurse_id, version=patient.version)
    [item] = concern_items(store, protocol, patient, REPORTED)
    assert (item.item, item.item_id, item.date, item.days) == ("concern", concern_id, REPORTED, 0)
    assert (
        item.detail == "New lump or change in the breast or chest wall (by phone to the breast care nurses)"
    )
    with store.begin() as session:
        assert session.get(FollowupPatient, patient.id).last_contact_date == REPORTED
    triage(store, concern_id, nurse_id, "advice_given", on=REPORTED + dt.timedelta(days=1))
    assert concern_items(store, protocol, patient, REPORTED + dt.timedelta(days=1)) == []
    with store.begin() as session:
        closed = session.get(PatientConcern, concern_id)
        assert (closed.status, closed.outcome, closed.closed_by_id) == ("closed", "advice_given", nurse_id)
        logged = session.execute(
            select(FollowupAction.action, FollowupAction.concern_id).where(
                FollowupAction.patient_id == patient.id, FollowupAction.concern_id.is_not(None)
            )
        ).all()
        assert logged == [("report_concern", concern_id), ("triage_concern", concern_id)]
    audited = events(store, "followup_concern", concern_id)
    assert [(e.action, e.actor_id) for e in audited] == [("create", nurse_id), ("update", nurse_id)]
    assert all("lump" not in str(e.details) for e in audited)  # the summary is free text: never audited
    assert "update" in [e.action for e in events(store, "followup_patient", patient.id)]


@pytest.mark.parametrize(("days", "late"), [(0, False), (2, False), (3, True), (10, True)])
def test_a_concern_is_late_once_past_the_protocols_triage_days(store, protocol, nurse, days, late):
    """`review.concern_triage_days` is 2 in the default protocol (a local setting): exactly 2 days is
    in time, the third day is late."""
    assert protocol.review.concern_triage_days == 2
    patient = register(store, protocol)
    report(store, patient, nurse(), category="lymphoedema", route="portal")
    [item] = concern_items(store, protocol, patient, REPORTED + dt.timedelta(days=days))
    assert item.days == days
    assert item.detail.startswith("Lymphoedema or arm swelling (from the patient portal)")
    assert item.detail.endswith("; not triaged within 2 days") is late


def test_triage_to_re_access_opens_a_patient_request_that_goes_to_clinic(store, protocol, nurse):
    patient = register(store, protocol)
    nurse_id = nurse()
    concern_id = report(store, patient, nurse_id)
    done = triage(store, concern_id, nurse_id, "reaccess")
    [request] = [i for i in items(store, protocol, patient, REPORTED) if i.category == "reaccess"]
    assert request.item_id == done.request_id
    with store.begin() as session:
        opened = session.get(ReaccessRequest, request.item_id)
        assert (opened.source, opened.status, opened.raised_on) == ("patient", "open", REPORTED)
        assert session.get(PatientConcern, concern_id).request_id == opened.id
    assert [e.action for e in events(store, "followup_reaccess_request", request.item_id)] == ["create"]
    with store.begin() as session:
        actions.reaccess(
            session,
            Auditor(session, actor_id=nurse_id),
            request.item_id,
            clinic_date=dt.date(2019, 1, 14),
            action_key=key(),
            expected_version=request.item_version,
            on=REPORTED,
        )
    assert items(store, protocol, patient, REPORTED) == []


def test_triage_to_re_access_joins_a_request_already_open(store, protocol, nurse):
    """A patient already waiting for re-access is not brought back to clinic twice."""
    patient = register(store, protocol)
    nurse_id = nurse()
    with store.begin() as session:
        asked = actions.patient_action(
            session,
            Auditor(session, actor_id=nurse_id),
            patient.id,
            "request_reaccess",
            action_key=key(),
            expected_version=None,
            on=REPORTED,
        )
    concern_id = report(store, patient, nurse_id)
    assert triage(store, concern_id, nurse_id, "reaccess").request_id == asked.request_id
    with store.begin() as session:
        count = select(func.count()).where(ReaccessRequest.patient_id == patient.id)
        assert session.scalar(count) == 1


def test_two_nurses_triage_the_same_concern_one_wins_the_other_is_told(store, protocol, nurse):
    patient = register(store, protocol)
    concern_id = report(store, patient, nurse())
    [shown] = concern_items(store, protocol, patient, REPORTED)  # both nurses see this version
    first, second = nurse(), nurse()
    triage(store, concern_id, first, "test_booked", version=shown.item_version)
    with pytest.raises(ChangedByAnotherUser, match="changed by someone else"):
        triage(store, concern_id, second, "reaccess", version=shown.item_version)
    with store.begin() as session:
        stored = session.get(PatientConcern, concern_id)
        assert (stored.outcome, stored.closed_by_id, stored.request_id) == ("test_booked", first, None)
        triaged = select(func.count()).where(
            FollowupAction.concern_id == concern_id, FollowupAction.action == "triage_concern"
        )
        assert session.scalar(triaged) == 1
        assert session.scalar(select(func.count()).where(ReaccessRequest.patient_id == patient.id)) == 0


def test_a_race_between_reading_and_writing_a_triage_is_caught_by_the_version_column(store, protocol, nurse):
    """Both nurses read the concern before either writes: the second UPDATE matches no row."""
    patient = register(store, protocol)
    concern_id = report(store, patient, nurse())
    first, second = store.session(), store.session()

    def close_as(session, outcome, version):
        actions.triage_concern(
            session,
            Auditor(session, actor_id=nurse()),
            concern_id,
            outcome=outcome,
            action_key=key(),
            expected_version=version,
            on=REPORTED,
        )

    try:
        one = first.get(PatientConcern, concern_id).version
        two = second.get(PatientConcern, concern_id).version
        assert one == two
        close_as(first, "advice_given", one)
        first.commit()
        with pytest.raises(ChangedByAnotherUser):
            close_as(second, "referred_elsewhere", two)
        second.rollback()
    finally:
        first.close()
        second.close()
    with store.begin() as session:
        assert session.get(PatientConcern, concern_id).outcome == "advice_given"


def test_a_concern_repeated_with_its_key_is_recorded_once(store, protocol, nurse):
    patient = register(store, protocol)
    once, nurse_id = key(), nurse()
    ids = {report(store, patient, nurse_id, action_key=once, version=patient.version) for _ in range(3)}
    assert len(ids) == 1
    assert len(concern_items(store, protocol, patient, REPORTED)) == 1
    assert len(events(store, "followup_concern", ids.pop())) == 1


@pytest.mark.parametrize(
    ("status", "refused"),
    [
        ("active", False),
        ("suspended", False),
        ("discharged", True),
        ("transferred_nhsbsp", True),
        ("deceased", True),
    ],
)
def test_a_concern_is_refused_once_the_patient_has_left_follow_up(store, protocol, nurse, status, refused):
    """Only a patient on follow-up (active or suspended, like a re-access request) reports to it."""
    patient = register(store, protocol)
    with store.begin() as session:
        session.get(FollowupPatient, patient.id).status = status
    if not refused:
        assert report(store, patient, nurse()) is not None
        return
    with pytest.raises(ActionError, match=f"follow-up is {status.replace('_', ' ')} since 2018-09-01"):
        report(store, patient, nurse())
    with store.begin() as session:
        assert session.scalar(select(func.count()).where(PatientConcern.patient_id == patient.id)) == 0


def test_re_access_is_refused_for_a_patient_discharged_since_the_concern(store, protocol, nurse):
    patient = register(store, protocol)
    concern_id = report(store, patient, nurse())
    with store.begin() as session:
        session.get(FollowupPatient, patient.id).status = "discharged"
    with pytest.raises(ActionError, match="choose another outcome"):
        triage(store, concern_id, nurse(), "reaccess")
    assert triage(store, concern_id, nurse(), "referred_elsewhere").concern_id == concern_id


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"route": "pigeon"}, "how the concern was reported must be one of phone"),
        ({"category": "hair"}, "category must be one of breast_change"),
        ({"summary": "x" * 501}, "500 characters or fewer"),
        ({"on": dt.date(2018, 8, 1)}, "before the patient was on follow-up"),
    ],
)
def test_a_concern_that_cannot_be_recorded_is_refused(store, protocol, nurse, changes, message):
    patient = register(store, protocol)
    with pytest.raises(ActionError, match=message):
        report(store, patient, nurse(), **changes)


def test_a_concern_is_triaged_once_and_not_before_it_was_reported(store, protocol, nurse):
    patient = register(store, protocol)
    concern_id = report(store, patient, nurse())
    with pytest.raises(ActionError, match="before the concern was reported"):
        triage(store, concern_id, nurse(), "advice_given", on=REPORTED - dt.timedelta(days=1))
    with pytest.raises(ActionError, match="outcome must be one of"):
        triage(store, concern_id, nurse(), "ignored")
    triage(store, concern_id, nurse(), "advice_given")
    with pytest.raises(ActionError, match="already been triaged"):
        triage(store, concern_id, nurse(), "advice_given")


def care_items(store, protocol, patient, as_of):
    return [i for i in items(store, protocol, patient, as_of, care=True) if i.category == "personalised_care"]


def record_care(store, patient, nurse_id, record, done_on, *, on=None, version=None):
    with store.begin() as session:
        return actions.record_care(
            session,
            Auditor(session, actor_id=nurse_id),
            patient.id,
            record=record,
            done_on=done_on,
            action_key=key(),
            expected_version=version,
            on=on or done_on,
        )


STRATIFIED = dt.date(2018, 9, 1)  # the candidate's treatment end, when `register` stratifies


@pytest.mark.parametrize(
    ("days", "recorded", "detail"),
    [
        (90, (), None),
        (91, (), "no care plan and no holistic needs assessment within 90 days of stratification"),
        (91, ("care_plan_date",), "no holistic needs assessment within 90 days of stratification"),
        (91, ("hna_date",), "no care plan within 90 days of stratification"),
        (91, ("care_plan_date", "hna_date"), None),
        (91, ("treatment_summary_date",), "no care plan and no holistic needs"),
    ],
)
def test_personalised_care_not_done_is_listed_after_the_protocols_days(
    store, protocol, nurse, days, recorded, detail
):
    """`review.personalised_care_days` is 90 in the default protocol (a local setting): a patient
    with no care plan or no holistic needs assessment 91 days after stratification is listed; a
    treatment summary alone does not count (stratified follow-up: NHS Long Term Plan, NICE NG101 DERIVED item
    5 names all three)."""
    assert protocol.review.personalised_care_days == 90
    patient = register(store, protocol)
    nurse_id = nurse()
    for record in recorded:
        record_care(store, patient, nurse_id, record, STRATIFIED + dt.timedelta(days=30))
    listed = care_items(store, protocol, patient, STRATIFIED + dt.timedelta(days=days))
    if detail is None:
        assert listed == []
    else:
        [item] = listed
        assert (item.item, item.item_id, item.date, item.days) == ("patient", patient.id, STRATIFIED, days)
        assert item.detail.startswith(detail)


def test_a_care_plan_dated_after_the_worklist_date_is_not_done_yet(store, protocol, nurse):
    patient = register(store, protocol)
    nurse_id = nurse()
    for record in ("care_plan_date", "hna_date"):
        record_care(store, patient, nurse_id, record, dt.date(2019, 2, 1))
    assert len(care_items(store, protocol, patient, dt.date(2019, 1, 15))) == 1
    assert care_items(store, protocol, patient, dt.date(2019, 2, 1)) == []


def test_recording_a_care_record_is_audited_and_locked_by_version(store, protocol, nurse):
    patient = register(store, protocol)
    nurse_id = nurse()
    record_care(store, patient, nurse_id, "hna_date", dt.date(2018, 10, 1), version=patient.version)
    with store.begin() as session:
        assert session.get(FollowupPatient, patient.id).hna_date == dt.date(2018, 10, 1)
    [_, updated] = events(store, "followup_patient", patient.id)
    assert (updated.action, updated.actor_id) == ("update", nurse_id)
    assert updated.details["snapshot"]["hna_date"] == "2018-10-01"
    with pytest.raises(ChangedByAnotherUser):  # the version shown before the HNA was recorded
        record_care(store, patient, nurse_id, "care_plan_date", dt.date(2018, 10, 2), version=patient.version)


@pytest.mark.parametrize(
    ("record", "done_on", "message"),
    [
        ("hna_date", dt.date(2019, 2, 1), "holistic needs assessment date is after today"),
        ("care_plan_date", dt.date(2018, 2, 1), "care plan date is before the diagnosis"),
        ("wellbeing_date", dt.date(2018, 10, 1), "the record must be one of hna_date"),
    ],
)
def test_a_care_record_that_cannot_be_right_is_refused(store, protocol, nurse, record, done_on, message):
    patient = register(store, protocol)
    with pytest.raises(ActionError, match=message):
        record_care(store, patient, nurse(), record, done_on, on=dt.date(2019, 1, 1))


@pytest.mark.parametrize(
    ("codes", "values"),
    [
        ("followup_concern_route", CONCERN_ROUTES),
        ("followup_concern_category", CONCERN_CATEGORIES),
        ("followup_concern_outcome", CONCERN_OUTCOMES),
    ],
)
def test_the_store_checks_the_same_codes_the_code_lists_document(codes, values):
    assert tuple(code_list(codes)) == values


def test_the_metrics_count_concerns_and_the_days_to_triage(store, protocol, nurse):
    """Issue 11 item 4 with concerns (DERIVED): concerns reported in the 12 months to the date per
    100 on pathway, and the median days from report to triage of those triaged by the date; one
    reported after the date is not counted."""
    nurse_id = nurse()
    patient = register(store, protocol)
    as_of = dt.date(2019, 3, 31)
    for reported, triaged in [
        (dt.date(2019, 1, 10), dt.date(2019, 1, 11)),  # 1 day
        (dt.date(2019, 2, 1), dt.date(2019, 2, 4)),  # 3 days
        (dt.date(2019, 3, 1), dt.date(2019, 4, 2)),  # triaged after the date: counted, no days
        (dt.date(2019, 3, 30), None),  # open
        (dt.date(2019, 4, 1), None),  # after the date
    ]:
        concern = report(store, patient, nurse_id, on=reported)
        if triaged is not None:
            triage(store, concern, nurse_id, "advice_given", on=triaged)
    with store.begin() as session:
        [row] = (
            raw_counts(session, protocol, as_of).query("trust_code == @patient.trust_code").to_dict("records")
        )
    assert (row["concerns"], row["median_days_to_triage"]) == (4, 2.0)
