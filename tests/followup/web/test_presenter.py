"""The follow-up presenter without a browser or a database: worklist sections, the timeline and the
actions offered (only the next test due can be booked or resulted)."""

from __future__ import annotations

import datetime as dt

from cancer_alliance.followup.worklist import CATEGORIES, WorkItem
from cancer_alliance.store.followup import FollowupPatient, FollowupTest, PatientConcern, ReaccessRequest
from cancer_alliance.web.followup_scope import PatientRecord
from cancer_alliance.web.presenters import followup as present
from cancer_alliance.web.presenters.charts import followup_shares


def item(category: str, days: int) -> WorkItem:
    return WorkItem(
        category, "RGT", "E1", 1, "clinician_led", "active", "test", 7, 2, dt.date(2019, 3, 1), days, "x"
    )


def test_every_category_has_a_section_in_order_and_days_read_naturally():
    sections = present.worklist_sections([item("overdue", 19), item("due", -1), item("due", 0)])
    assert [s["title"] for s in sections] == list(CATEGORIES.values())
    assert [r["days"] for r in sections[0]["rows"]] == ["19 days ago"]
    assert [r["days"] for r in sections[1]["rows"]] == ["in 1 day", "today"]
    assert sections[0]["rows"][0]["pathway"] == "Clinician-led follow-up"
    assert sections[2]["count"] == 0


def record() -> PatientRecord:
    patient = FollowupPatient(
        id=1,
        episode_id="E1",
        trust_code="RGT",
        pathway="supported_self_management",
        protocol_id="p",
        protocol_version="1",
        reasons=["r"],
        status="active",
        status_date=dt.date(2018, 9, 1),
        diagnosis_date=dt.date(2018, 3, 1),
        stratified_date=dt.date(2018, 9, 1),
        handover="nhsbsp",
        surveillance_end_date=dt.date(2023, 3, 1),
        hna_date=dt.date(2019, 3, 10),
        version=3,
    )
    tests = [
        FollowupTest(
            id=10,
            patient_id=1,
            test_type="mammogram",
            due_date=dt.date(2019, 3, 1),
            performed_date=dt.date(2019, 3, 2),
            result="abnormal",
            version=2,
        ),
        FollowupTest(id=11, patient_id=1, test_type="mammogram", due_date=dt.date(2020, 3, 1), version=1),
        FollowupTest(id=12, patient_id=1, test_type="mammogram", due_date=dt.date(2021, 3, 1), version=1),
    ]
    requests = [
        ReaccessRequest(
            id=5,
            patient_id=1,
            source="abnormal_result",
            raised_on=dt.date(2019, 3, 2),
            status="open",
            version=1,
        )
    ]
    concerns = [
        PatientConcern(
            id=8,
            patient_id=1,
            reported_on=dt.date(2019, 4, 2),
            route="phone",
            category="pain",
            status="open",
            version=1,
        ),
        PatientConcern(
            id=9,
            patient_id=1,
            reported_on=dt.date(2019, 5, 6),
            route="portal",
            category="lymphoedema",
            status="closed",
            outcome="referred_elsewhere",
            closed_on=dt.date(2019, 5, 7),
            version=2,
        ),
    ]
    return PatientRecord(patient, tests, requests, [], concerns)


def test_actions_offer_review_reaccess_and_the_next_test_only():
    forms = present.action_forms(record())
    assert [(f["action"], f["item_id"], f["version"]) for f in forms[:5]] == [
        ("reaccess", 5, 1),
        ("triage_concern", 8, 1),
        ("review", 10, 2),
        ("record_result", 11, 1),
        ("book", 11, 1),
    ]
    assert forms[1]["label"] == "Triage concern of 2 April 2019: pain"
    assert forms[2]["label"] == "Mark abnormal result of 2 March 2019 reviewed"
    assert {f["action"] for f in forms[5:]} == {
        "report_concern",
        "contact",
        "request_reaccess",
        "discharge_to_screening",
        "suspend",
        "record_care",
    }
    keys = [f["action_key"] for f in forms]
    assert len(set(keys)) == len(keys)


def test_each_form_asks_for_what_the_action_table_says():
    forms = {f["action"]: f for f in present.action_forms(record())}
    assert forms["book"]["date"]["label"] == "Booked for"
    assert forms["record_result"]["date"]["label"] == "Test date (leave blank for today)"
    assert forms["review"]["date"] is None and forms["review"]["choices"] == []
    assert [c["field"] for c in forms["report_concern"]["choices"]] == ["route", "category"]
    assert forms["report_concern"]["summary"] and not forms["contact"]["summary"]
    assert forms["record_care"]["choices"][0]["options"]["hna_date"] == "Holistic needs assessment"


def test_the_timeline_is_in_date_order_with_future_tests_ahead():
    events = present.timeline(record(), dt.date(2019, 6, 1))
    assert [e["text"] for e in events][:4] == [
        "Diagnosed",
        "Stratified: supported self management",
        "Mammogram done: abnormal",
        "Re-access requested by abnormal result: open",
    ]
    assert events[-1] == {"date_text": "1 March 2023", "text": "End of surveillance", "future": True}


METRIC_ROW = {
    "trust_code": "RGT",
    "finished_treatment": 1234,
    "finished_treatment_suppressed": False,
    "stratified": None,
    "stratified_suppressed": True,
    "stratified_pct": None,
    "stratified_low": None,
    "stratified_high": None,
    "on_pathway": 20,
    "on_pathway_suppressed": False,
    "self_managing_pct": 66.666,
    "self_managing_low": 41.71,
    "self_managing_high": 84.82,
    "overdue_pct": 10.0,
    "reaccess_per_100": 5.0,
    "median_days_to_review": 4.0,
    "concerns_per_100": 12.345,
    "median_days_to_triage": 1.5,
}


def test_metric_rows_show_withheld_counts_and_one_decimal_place():
    [row] = present.metric_rows([METRIC_ROW], {"RGT": "Cambridge"})
    assert (row["trust"], row["finished_treatment"], row["stratified_pct"]) == ("Cambridge", "1,234", "")
    assert (row["self_managing_pct"], row["interval"], row["median_days_to_review"]) == (
        "66.7",
        "41.7 to 84.8",
        "4",
    )
    assert (row["concerns_per_100"], row["median_days_to_triage"]) == ("12.3", "1.5")


def test_the_chart_leaves_out_withheld_shares_and_marks_both_ambitions():
    spec = followup_shares([METRIC_ROW], {"RGT": "Cambridge"})
    points = spec["layer"][1]["data"]["values"]
    assert [(p["trust"], p["measure"], p["percent"]) for p in points] == [
        ("Cambridge", "Self-managing, of patients on follow-up", 66.666)
    ]
    assert [a["percent"] for a in spec["layer"][2]["data"]["values"]] == [100.0, 70.0]


def test_the_timeline_shows_concerns_and_care_records():
    texts = [e["text"] for e in present.timeline(record(), dt.date(2019, 6, 1))]
    assert texts[4:7] == [
        "Holistic needs assessment recorded",
        "Concern reported (Pain, by phone to the breast care nurses): open",
        "Concern reported (Lymphoedema or arm swelling, from the patient portal): "
        "triaged on 7 May 2019: referred elsewhere (for example the GP or another service)",
    ]


def test_a_patient_who_left_follow_up_cannot_report_a_concern_but_care_records_can_be_dated():
    left = record()
    left.patient.status = "discharged"
    assert [f["action"] for f in present.action_forms(left) if f["item_id"] == 1] == ["record_care"]


def test_worklist_dates_and_the_protocol_are_in_words():
    assert (
        present.dates_in_words("mammogram due 2019-04-19; not booked")
        == "mammogram due 19 April 2019; not booked"
    )

    class InForce:
        id, version, title = "p", "1", "Default breast protocol"

    assert present.protocol_name("p", "1", InForce()) == "Default breast protocol"
    assert present.protocol_name("p", "0", InForce()) == "p, version 0"
