"""Hypothesis strategy for batches of canonical CWT records: mostly consistent pathways on every
route, with open pathways, shared providers, adjustments and some contradictory dates mixed in.
Synthetic values only (pseudonyms, made-up provider codes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

EPOCH = dt.date(2017, 6, 1)  # spans the April 2018 change of allocation rules
PROVIDERS = ["TA", "TB", "TC"]


def _maybe(strategy: st.SearchStrategy, null_share: int = 3) -> st.SearchStrategy:
    """`strategy`, or None about one time in `null_share`."""
    return st.one_of(*([st.none()] + [strategy] * (null_share - 1)))


@st.composite
def record(draw: st.DrawFn, record_id: str) -> dict[str, Any]:
    day = lambda low, high: draw(st.integers(low, high))  # noqa: E731
    referral = EPOCH + dt.timedelta(days=day(0, 900))
    after = lambda start, high: start + dt.timedelta(days=day(0, high))  # noqa: E731
    upgrade = draw(_maybe(st.just(after(referral, 30)), 4)) if draw(st.booleans()) else None
    first_seen = draw(_maybe(st.just(after(referral, 40))))
    dtt = draw(_maybe(st.just(after(referral, 90))))
    transfer = draw(_maybe(st.just(after(referral, 70))))
    latest = max(d for d in (referral, upgrade, dtt, transfer) if d is not None)
    treatment = draw(_maybe(st.just(after(latest, 50))))
    if draw(st.integers(0, 19)) == 0:  # now and then a contradiction
        treatment = referral - dt.timedelta(days=day(1, 5))
    return {
        "record_id": record_id,
        "nhs_number": f"pseudonym-{record_id}",
        "priority_type": draw(st.sampled_from(["1", "2", "3", "3", None])),
        "source_of_referral": draw(st.sampled_from(["03", "03", "17", None])),
        "referral_type": draw(st.sampled_from(["01", "16", None])),
        "referral_received_date": draw(_maybe(st.just(referral), 12)),
        "consultant_upgrade_date": upgrade,
        "provider_consultant_upgrade": draw(_maybe(st.sampled_from(PROVIDERS))),
        "date_first_seen": first_seen,
        "provider_first_seen": draw(_maybe(st.sampled_from(PROVIDERS), 6)),
        "adjustment_first_seen_days": draw(_maybe(st.integers(0, 12))),
        "adjustment_first_seen_reason": draw(st.sampled_from(["3", "9", None])),
        "fds_end_date": draw(_maybe(st.just(after(referral, 45)))),
        "fds_end_reason": draw(st.sampled_from(["01", "03", None])),
        "fds_exclusion_reason": draw(st.sampled_from(["01", None])),
        "provider_fds_end": draw(_maybe(st.sampled_from(PROVIDERS), 6)),
        "decision_to_treat_date": dtt,
        "transfer_to_treatment_date": transfer,
        "accountable_investigating_provider": draw(_maybe(st.sampled_from(PROVIDERS))),
        "treatment_start_date": treatment,
        "adjustment_treatment_days": draw(_maybe(st.integers(0, 8))),
        "adjustment_treatment_reason": None,
        "provider_treatment": draw(_maybe(st.sampled_from(PROVIDERS), 8)),
        "treatment_event_type": draw(st.sampled_from(["01", "01", "07", "12", "02", "05", "13", None])),
        "treatment_modality": draw(st.sampled_from(["23", "02", "05", "08", "97", "98", None])),
        "primary_diagnosis_icd10": "C50.9",
    }


@st.composite
def batches(draw: st.DrawFn, max_size: int = 25) -> list[dict[str, Any]]:
    size = draw(st.integers(1, max_size))
    return [draw(record(f"r{i}")) for i in range(size)]
