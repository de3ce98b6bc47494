"""Follow-up metrics for the alliance, per trust, on an as-of date (issue 11, item 4).

- on_pathway: patients on stratified follow-up (registered with a pathway decision), §6.
- self_managing, self_managing_pct (with a Wilson 95% interval): on supported self-management, as %
  of on_pathway; the expectation was about 70% (East of England Cancer Alliance, §6).
- tests_due, overdue, overdue_pct: surveillance tests due in the 12 months to the date for active
  patients; those not done and not booked ahead (DERIVED, §6: alert on overdue tests).
- reaccess, reaccess_per_100: re-access requests raised in the 12 months to the date (by the patient
  or an abnormal result), per 100 on pathway (DERIVED, §6: open access).
- median_days_to_review: median days from a result's report to a nurse's review (reviews by a
  person in the 12 months; DERIVED).

Counts pass `publish()` (small counts withheld, the rest rounded to 5; rates recomputed), as the
page is for alliance users and its CSV may be shared.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session

from cancer_alliance.followup.protocol import Protocol
from cancer_alliance.stats.disclosure import DisclosurePolicy, Rate, publish
from cancer_alliance.stats.intervals import wilson
from cancer_alliance.store.followup import FollowupAction, FollowupPatient, FollowupTest, ReaccessRequest

#: The national expectation for breast: about 70% self-managing (VERIFIED secondary, §6).
SELF_MANAGING_AMBITION_PCT = 70.0
WINDOW_DAYS = 365
COUNTS = ("on_pathway", "self_managing", "tests_due", "overdue", "reaccess")
METRIC_COLUMNS = (
    "trust_code",
    "alliance_code",
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
)


def raw_counts(session: Session, protocol: Protocol, as_of: dt.date) -> pd.DataFrame:
    """Unpublished counts per trust (for tests and `trust_metrics`)."""
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
    for column in COUNTS:
        frame[column] = frame[column].astype(float).fillna(0.0)
    return frame.sort_values("trust_code").reset_index(drop=True)


def trust_metrics(
    session: Session, protocol: Protocol, as_of: dt.date, policy: DisclosurePolicy | None = None
) -> pd.DataFrame:
    """Published metrics per trust (`METRIC_COLUMNS` plus `<count>_suppressed` flags)."""
    frame = raw_counts(session, protocol, as_of)
    low, high = wilson(frame["self_managing"].to_numpy(), frame["on_pathway"].to_numpy())
    published = publish(
        frame,
        COUNTS,
        (
            Rate("self_managing_pct", "self_managing", "on_pathway", 100.0),
            Rate("overdue_pct", "overdue", "tests_due", 100.0),
            Rate("reaccess_per_100", "reaccess", "on_pathway", 100.0),
        ),
        policy or DisclosurePolicy(),
    )
    withheld = published["self_managing_suppressed"] | published["on_pathway_suppressed"]
    published["self_managing_low"] = np.where(withheld, np.nan, np.round(low * 100, 2))
    published["self_managing_high"] = np.where(withheld, np.nan, np.round(high * 100, 2))
    for column in ("self_managing_pct", "overdue_pct", "reaccess_per_100"):
        published[column] = published[column].round(2)
    return published.astype(object).where(published.notna(), None)
