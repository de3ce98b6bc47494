"""Follow-up metrics for the alliance, per trust, on an as-of date (issue 11, item 4).

- finished_treatment, stratified, stratified_pct (Wilson 95%): breast patients finishing treatment
  (`followup.cohort`: registrations diagnosed in the 12 months ending about six months before the
  date, by diagnosing trust) and those of them stratified by the date; the ambition was all of them
  by March 2019 (stratified follow-up: NHS Long Term Plan, NICE NG101). Null when no registrations are given.
- on_pathway: patients on stratified follow-up (registered with a pathway decision), stratified follow-up:
NHS Long Term Plan, NICE NG101.
- self_managing, self_managing_pct (with a Wilson 95% interval): on supported self-management, as %
  of on_pathway; the expectation was about 70% (East of England Cancer Alliance, stratified follow-up: NHS
  Long Term Plan, NICE NG101).
- tests_due, overdue, overdue_pct: surveillance tests due in the 12 months to the date for active
  patients; those not done and not booked ahead (DERIVED, stratified follow-up: NHS Long Term Plan, NICE
  NG101: alert on overdue tests).
- reaccess, reaccess_per_100: re-access requests raised in the 12 months to the date (by the patient
  or an abnormal result), per 100 on pathway (DERIVED, stratified follow-up: NHS Long Term Plan, NICE NG101:
  open access).
- median_days_to_review: median days from a result's report to a nurse's review (reviews by a
  person in the 12 months; DERIVED).
- concerns, concerns_per_100, median_days_to_triage: patient-reported concerns raised in the 12
  months to the date, per 100 on pathway, and the median days from report to triage of those
  triaged (DERIVED, stratified follow-up: NHS Long Term Plan, NICE NG101: open access; docs/decisions/0021).

These are exact counts; `followup.published` is what every page, API, CLI table and board pack shows
(counts under the disclosure policy, rates and intervals from the published counts), as the page is
for alliance users and its CSV may be shared.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session

from cancer_alliance.followup.cohort import finishing_treatment
from cancer_alliance.followup.protocol import Protocol
from cancer_alliance.store.followup import (
    FollowupAction,
    FollowupPatient,
    FollowupTest,
    PatientConcern,
    ReaccessRequest,
)

#: The national expectation for breast: about 70% self-managing (VERIFIED secondary, stratified follow-up:
#: NHS Long Term Plan, NICE NG101).
SELF_MANAGING_AMBITION_PCT = 70.0
WINDOW_DAYS = 365
COUNTS = ("on_pathway", "self_managing", "tests_due", "overdue", "reaccess", "concerns")
COHORT_COUNTS = ("finished_treatment", "stratified")
METRIC_COLUMNS = (
    "trust_code",
    "alliance_code",
    "finished_treatment",
    "stratified",
    "stratified_pct",
    "stratified_low",
    "stratified_high",
    "on_pathway",
    "self_managing",
    "self_managing_pct",
    "self_managing_low",
    "self_managing_high",
    "tests_due",
    "overdue",
    "overdue_pct",
    "reaccess",
    "reaccess_per_100",
    "median_days_to_review",
    "concerns",
    "concerns_per_100",
    "median_days_to_triage",
)


def raw_counts(
    session: Session, protocol: Protocol, as_of: dt.date, registrations: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Unpublished counts per trust (for tests and `trust_metrics`); `registrations` are the breast
    registrations (`cohort.COLUMNS`) the share stratified is measured against."""
    since = as_of - dt.timedelta(days=WINDOW_DAYS)
    trust = FollowupPatient.trust_code
    patients = session.execute(
        select(
            trust,
            func.max(FollowupPatient.alliance_code),
            func.count(),
            func.sum(cast(FollowupPatient.pathway == "supported_self_management", Integer)),
        ).group_by(trust)
    ).all()
    frame = pd.DataFrame(patients, columns=["trust_code", "alliance_code", "on_pathway", "self_managing"])
    due = (
        select(trust, FollowupTest.performed_date, FollowupTest.booked_date)
        .select_from(FollowupTest)
        .join(FollowupPatient, FollowupPatient.id == FollowupTest.patient_id)
        .where(
            FollowupPatient.status == "active",
            FollowupTest.due_date <= as_of,
            FollowupTest.due_date > since,
        )
    )
    tests = pd.DataFrame(session.execute(due).all(), columns=["trust_code", "performed", "booked"])
    tests["overdue"] = tests["performed"].isna() & ~(tests["booked"].notna() & (tests["booked"] >= as_of))
    by_trust = tests.groupby("trust_code").agg(tests_due=("overdue", "size"), overdue=("overdue", "sum"))
    requests = (
        select(trust, func.count())
        .select_from(ReaccessRequest)
        .join(FollowupPatient, FollowupPatient.id == ReaccessRequest.patient_id)
        .where(ReaccessRequest.raised_on <= as_of, ReaccessRequest.raised_on > since)
        .group_by(trust)
    )
    reaccess = pd.DataFrame(session.execute(requests).all(), columns=["trust_code", "reaccess"])
    reviews = (
        select(trust, FollowupTest.reported_date, FollowupAction.action_date)
        .select_from(FollowupAction)
        .join(FollowupTest, FollowupTest.id == FollowupAction.test_id)
        .join(FollowupPatient, FollowupPatient.id == FollowupAction.patient_id)
        .where(
            FollowupAction.action == "review",
            FollowupAction.actor_id.is_not(None),
            FollowupAction.action_date <= as_of,
            FollowupAction.action_date > since,
        )
    )
    reviewed = pd.DataFrame(session.execute(reviews).all(), columns=["trust_code", "reported", "reviewed"])
    reviewed["days"] = [
        (r - (p or r)).days for p, r in zip(reviewed["reported"], reviewed["reviewed"], strict=True)
    ]
    median = reviewed.groupby("trust_code")["days"].median().rename("median_days_to_review")
    frame = frame.merge(by_trust, on="trust_code", how="left").merge(reaccess, on="trust_code", how="left")
    frame = frame.merge(median, on="trust_code", how="left")
    frame = frame.merge(_concerns(session, since, as_of), on="trust_code", how="left")
    if registrations is not None:
        frame = _with_cohort(session, frame, finishing_treatment(registrations, as_of), as_of)
    for column in COUNTS:
        frame[column] = frame[column].astype(float).fillna(0.0)
    return frame.sort_values("trust_code").reset_index(drop=True)


def _concerns(session: Session, since: dt.date, as_of: dt.date) -> pd.DataFrame:
    """Per trust: concerns reported in (since, as_of] and the median days to triage of those triaged
    by `as_of`."""
    query = (
        select(FollowupPatient.trust_code, PatientConcern.reported_on, PatientConcern.closed_on)
        .join(FollowupPatient, FollowupPatient.id == PatientConcern.patient_id)
        .where(PatientConcern.reported_on <= as_of, PatientConcern.reported_on > since)
    )
    rows = pd.DataFrame(session.execute(query).all(), columns=["trust_code", "reported", "closed"])
    triaged = rows[rows["closed"].notna() & (rows["closed"] <= as_of)]
    days = pd.Series(
        [(c - r).days for r, c in zip(triaged["reported"], triaged["closed"], strict=True)],
        index=triaged.index,
        dtype=float,
    )
    counted = pd.concat(
        [
            rows.groupby("trust_code").size().rename("concerns"),
            days.groupby(triaged["trust_code"]).median().rename("median_days_to_triage"),
        ],
        axis=1,
    )
    return counted.rename_axis("trust_code").reset_index()


def _with_cohort(session: Session, frame: pd.DataFrame, cohort: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Add `COHORT_COUNTS` by the cohort's (diagnosing) trust; a trust with patients finishing
    treatment and none stratified gets a row too."""
    stratified = select(FollowupPatient.patient_pseudonym).where(FollowupPatient.stratified_date <= as_of)
    known = set(session.execute(stratified).scalars())
    cohort = cohort.assign(stratified=cohort["patient_pseudonym"].isin(known))
    by_trust = cohort.groupby("trust_code").agg(
        cohort_alliance=("alliance_code", "max"),
        finished_treatment=("stratified", "size"),
        stratified=("stratified", "sum"),
    )
    frame = frame.merge(by_trust.reset_index(), on="trust_code", how="outer")
    frame["alliance_code"] = frame["alliance_code"].fillna(frame.pop("cohort_alliance"))
    for column in COHORT_COUNTS:
        frame[column] = frame[column].astype(float).fillna(0.0)
    return frame


def total(raw: pd.DataFrame, alliance_code: str | None = None) -> pd.DataFrame:
    """One row of `raw_counts` summed over its trusts (an alliance's or England's figure). Medians do
    not add up from trusts' medians, so they are left null."""
    summed = {column: float(raw[column].sum()) for column in (*COHORT_COUNTS, *COUNTS) if column in raw}
    medians = {"median_days_to_review": None, "median_days_to_triage": None}
    return pd.DataFrame([{"trust_code": None, "alliance_code": alliance_code, **summed, **medians}])
