"""Alliance follow-up metrics (issue 11, item 4) on SQLite and PostgreSQL: self-managing share against
the ~70% expectation (stratified follow-up: NHS Long Term Plan, NICE NG101) with a Wilson interval, overdue
rate, re-access per 100, days from result
to review; counts pass disclosure control before anyone sees them."""

from __future__ import annotations

import datetime as dt
import uuid

import pandas as pd
import pytest
from tests.followup.conftest import candidate

from cancer_alliance.followup import actions
from cancer_alliance.followup.cohort import finishing_treatment
from cancer_alliance.followup.metrics import SELF_MANAGING_AMBITION_PCT, raw_counts, total
from cancer_alliance.followup.protocol import stratify
from cancer_alliance.followup.published import published_metrics, trust_metrics
from cancer_alliance.followup.worklist import worklist
from cancer_alliance.stats.disclosure import DisclosurePolicy
from cancer_alliance.store import Auditor

pytestmark = pytest.mark.store


def test_counts_rates_and_disclosure(store, protocol, nurse):
    trust = f"M{uuid.uuid4().hex[:4].upper()}"
    nurse_id = nurse()
    with store.begin() as session:
        job = Auditor(session, job_id="test")
        for n in range(20):  # 14 self-managing, 6 in a trial: 70%
            row = candidate(trust_code=trust, in_clinical_trial=n >= 14)
            actions.register(session, job, row, stratify(protocol, row), dt.date(2018, 9, 1))
    as_of = dt.date(2019, 3, 20)
    with store.begin() as session:
        items = worklist(session, protocol, as_of, trust)
        for n, item in enumerate(items[:5]):  # 5 of the 20 overdue mammograms done: 2 abnormal
            actions.record_result(
                session,
                Auditor(session, actor_id=nurse_id),
                item.item_id,
                result="abnormal" if n < 2 else "normal",
                performed_date=dt.date(2019, 3, 10),
                reported_date=dt.date(2019, 3, 12),
                action_key=uuid.uuid4().hex,
                expected_version=None,
            )
            actions.review(
                session,
                Auditor(session, actor_id=nurse_id),
                item.item_id,
                action_key=uuid.uuid4().hex,
                expected_version=None,
                on=dt.date(2019, 3, 16),
            )
    with store.begin() as session:
        [raw] = raw_counts(session, protocol, as_of).query("trust_code == @trust").to_dict("records")
        assert (raw["on_pathway"], raw["self_managing"]) == (20, 14)
        assert (raw["tests_due"], raw["overdue"]) == (20, 15)
        assert raw["median_days_to_review"] == 4
        [shown] = [
            r for r in trust_metrics(session, protocol, as_of).to_dict("records") if r["trust_code"] == trust
        ]
        [exact] = [
            r
            for r in trust_metrics(session, protocol, as_of, DisclosurePolicy(enabled=False)).to_dict(
                "records"
            )
            if r["trust_code"] == trust
        ]
    assert exact["self_managing_pct"] == SELF_MANAGING_AMBITION_PCT
    assert exact["self_managing_low"] < 70 < exact["self_managing_high"]
    assert exact["overdue_pct"] == 75.0
    assert exact["reaccess"] == raw["reaccess"] == 2  # raised by the abnormal results
    assert exact["reaccess_per_100"] == 10.0
    assert (shown["on_pathway"], shown["self_managing"], shown["overdue"]) == (20, 15, 15)  # rounded to 5
    assert shown["reaccess"] is None and shown["reaccess_suppressed"]  # at most 5: withheld


AS_OF = dt.date(2019, 3, 31)  # the window: diagnosed 2017-09-30 to 2018-09-29 (183 days before)


@pytest.mark.parametrize(
    ("diagnosed", "in_cohort"),
    [
        (dt.date(2017, 9, 29), False),  # 366 days before the window's end: before it
        (dt.date(2017, 9, 30), True),  # its first day
        (dt.date(2018, 9, 29), True),  # its last day: 183 days before the date
        (dt.date(2018, 9, 30), False),  # 182 days: treatment may still be going on
    ],
)
def test_finishing_treatment_window(diagnosed, in_cohort):
    """Patients finishing treatment: diagnosed in the 12 months ending `FINISHED_AFTER_DAYS` (183,
    ASSUMPTION: surgery then about four months of adjuvant treatment) before the date, ends included."""
    registrations = pd.DataFrame(
        [
            {
                "patient_pseudonym": "p",
                "trust_code": "RTA",
                "alliance_code": "E56000001",
                "diagnosis_date": diagnosed,
            }
        ]
    )
    assert len(finishing_treatment(registrations, AS_OF)) == int(in_cohort)


def test_a_second_breast_tumour_is_the_same_patient_at_the_first_trust():
    registrations = pd.DataFrame(
        [
            {
                "patient_pseudonym": "p",
                "trust_code": "RGT",
                "alliance_code": "A",
                "diagnosis_date": dt.date(2018, 6, 1),
            },
            {
                "patient_pseudonym": "p",
                "trust_code": "RTA",
                "alliance_code": "A",
                "diagnosis_date": dt.date(2018, 2, 1),
            },
        ]
    )
    [row] = finishing_treatment(registrations, AS_OF).to_dict("records")
    assert row["trust_code"] == "RTA"


def test_share_of_patients_finishing_treatment_who_were_stratified(store, protocol):
    """Issue 11 item 4: the share of breast patients finishing treatment on a stratified pathway (the
    ambition: all, stratified follow-up: NHS Long Term Plan, NICE NG101). Denominator from the registrations
    by diagnosing trust; numerator matched by
    pseudonym, stratified on or before the date at any trust."""
    seen, unseen = (f"S{uuid.uuid4().hex[:4].upper()}" for _ in range(2))
    cohort = [f"pseudo-{uuid.uuid4().hex[:12]}" for _ in range(10)]
    with store.begin() as session:
        job = Auditor(session, job_id="test")
        for n, pseudonym in enumerate(cohort[:7]):  # 6 stratified by the date, 1 the day after
            row = candidate(nhs_number=pseudonym, trust_code=seen if n < 5 else unseen, alliance_code=None)
            actions.register(session, job, row, stratify(protocol, row), AS_OF + dt.timedelta(days=n == 6))
    registrations = pd.DataFrame(
        [
            {
                "patient_pseudonym": p,
                "trust_code": seen,
                "alliance_code": "E56000001",
                "diagnosis_date": dt.date(2018, 5, 1),
            }
            for p in cohort[:9]
        ]
        + [
            {
                "patient_pseudonym": p,
                "trust_code": unseen,
                "alliance_code": "E56000002",
                "diagnosis_date": dt.date(2018, 5, 1),
            }
            for p in (cohort[9], *(f"pseudo-{uuid.uuid4().hex[:12]}" for _ in range(2)))
        ]
    )
    with store.begin() as session:
        raw = raw_counts(session, protocol, AS_OF, registrations).set_index("trust_code")
        exact = trust_metrics(session, protocol, AS_OF, DisclosurePolicy(enabled=False), registrations)
        shown = trust_metrics(session, protocol, AS_OF, registrations=registrations)
        without = trust_metrics(session, protocol, AS_OF)
    assert (raw.loc[seen, "finished_treatment"], raw.loc[seen, "stratified"]) == (9, 6)
    assert raw.loc[seen, "on_pathway"] == 5  # followed up at their own trust: 5 of the 6
    assert (raw.loc[unseen, "finished_treatment"], raw.loc[unseen, "stratified"]) == (3, 0)
    assert raw.loc[unseen, "alliance_code"] == "E56000002" and raw.loc[unseen, "on_pathway"] == 2
    [row] = exact[exact["trust_code"] == seen].to_dict("records")
    assert row["stratified_pct"] == round(600 / 9, 2)
    assert row["stratified_low"] < row["stratified_pct"] < row["stratified_high"]
    [row] = shown[shown["trust_code"] == seen].to_dict("records")
    assert row["stratified"] is None and row["stratified_suppressed"] and row["stratified_pct"] is None
    assert row["finished_treatment"] == 10  # 9, rounded to 5
    [row] = without[without["trust_code"] == seen].to_dict("records")
    assert row["stratified_pct"] is None and row["finished_treatment"] is None


def test_total_adds_up_trusts_and_works_out_the_rates_again():
    raw = pd.DataFrame(
        [
            {
                "trust_code": "A",
                "alliance_code": "X",
                "finished_treatment": 40.0,
                "stratified": 30.0,
                "on_pathway": 30.0,
                "self_managing": 20.0,
                "tests_due": 30.0,
                "overdue": 3.0,
                "reaccess": 2.0,
                "median_days_to_review": 3.0,
                "concerns": 4.0,
                "median_days_to_triage": 1.0,
            },
            {
                "trust_code": "B",
                "alliance_code": "X",
                "finished_treatment": 60.0,
                "stratified": 60.0,
                "on_pathway": 70.0,
                "self_managing": 50.0,
                "tests_due": 70.0,
                "overdue": 7.0,
                "reaccess": 8.0,
                "median_days_to_review": 9.0,
                "concerns": 6.0,
                "median_days_to_triage": 2.0,
            },
        ]
    )
    [row] = published_metrics(total(raw, "X"), DisclosurePolicy(enabled=False)).to_dict("records")
    assert (row["finished_treatment"], row["stratified"], row["stratified_pct"]) == (100, 90, 90.0)
    assert (row["self_managing_pct"], row["overdue_pct"], row["reaccess_per_100"]) == (70.0, 10.0, 10.0)
    assert (row["concerns"], row["concerns_per_100"]) == (10, 10.0)
    assert row["median_days_to_review"] is None and row["median_days_to_triage"] is None
    assert row["alliance_code"] == "X"
