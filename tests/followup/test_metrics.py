"""Alliance follow-up metrics (issue 11, item 4) on SQLite and PostgreSQL: self-managing share against
the ~70% expectation (§6) with a Wilson interval, overdue rate, re-access per 100, days from result
to review; counts pass disclosure control before anyone sees them."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from tests.followup.conftest import candidate

from cancer_alliance.followup import actions
from cancer_alliance.followup.metrics import SELF_MANAGING_AMBITION_PCT, raw_counts, trust_metrics
from cancer_alliance.followup.protocol import stratify
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
