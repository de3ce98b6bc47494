"""A small, fast generator of a national-scale year of canonical CWT records for the benchmark
(GENERATED DATA, NOT REAL PATIENTS; NHS numbers are the string '0000000000').

Deliberately simple and replaceable (a calibrated generator belongs to the synthetic-data issue):
volumes are of the order of the 2018/19 England figures (shared/data/cwt_national_2018_19.csv), waits
are drawn so that most are within the standards, and every date after the snapshot date (the end of
the year) is blanked, which leaves the pathways still open at the snapshot. The mix:

    usc referrals              2.65 M   priority 3; ~7 % diagnosed and treated (62-day, 31-day first)
    breast symptomatic          0.20 M   priority 3, referral type 16; ~1 % treated
    screening referrals         0.06 M   priority 2, source 17; ~35 % treated
    consultant upgrades         0.04 M   priority 1 with an upgrade date; all treated
    subsequent treatments       0.26 M   event type 02, drug / radiotherapy / surgery / other
    other first treatments      0.08 M   no cancer route: 31-day first only
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cancer_alliance.reference import provider_alliance
from cancer_alliance.schemas import schema

YEAR_START = dt.date(2018, 4, 1)
SNAPSHOT = dt.date(2019, 3, 31)

MIX = {
    "usc": 0.815,
    "breast_symptomatic": 0.062,
    "screening": 0.018,
    "upgrade": 0.012,
    "subsequent": 0.08,
    "other_first": 0.013,
}
TREATED = {"usc": 0.07, "breast_symptomatic": 0.01, "screening": 0.35, "upgrade": 1.0}
#: ICD-10 categories of treated cancers, roughly by frequency.
ICD10 = [
    "C50",
    "C61",
    "C34",
    "C18",
    "C20",
    "C44",
    "C43",
    "C67",
    "C64",
    "C54",
    "C56",
    "C16",
    "C15",
    "C25",
    "C22",
    "C83",
    "C85",
    "C90",
    "C92",
    "C73",
    "C32",
    "C02",
    "C71",
    "C49",
    "C62",
    "C80",
]
ICD10_WEIGHTS = np.array(
    [15, 13, 12, 7, 4, 6, 5, 4, 3, 3, 2, 2, 2, 2, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1], float
)
MODALITIES = {"surgery": "23", "drug": "02", "radiotherapy": "05", "other": "08"}


def _days(rng: np.random.Generator, size: int, within: int, share_within: float, tail: int) -> np.ndarray:
    """Waits: `share_within` of them uniform in [0, within], the rest in (within, within + tail]."""
    inside = rng.random(size) < share_within
    return np.where(
        inside, rng.integers(0, within + 1, size), rng.integers(within + 1, within + tail + 1, size)
    )


def generate(records: int = 3_300_000, seed: int = 2018) -> pa.Table:
    """A year of canonical CWT records (columns of `schemas/cwt.toml`, in order)."""
    rng = np.random.default_rng(seed)
    n = records
    kinds = np.array(list(MIX))
    kind_index = rng.choice(len(kinds), n, p=np.array(list(MIX.values())) / sum(MIX.values()))
    kind = kinds[kind_index]
    providers = np.array(sorted(provider_alliance()) + ["XX1", "XX2"])
    first_seen_at = providers[rng.integers(0, len(providers), n)]
    transferred = rng.random(n) < 0.15
    treated_at = np.where(transferred, providers[rng.integers(0, len(providers), n)], first_seen_at)

    start = np.datetime64(YEAR_START) - np.timedelta64(60, "D")
    referral = start + rng.integers(0, 425, n).astype("timedelta64[D]")
    seen = referral + _days(rng, n, 14, 0.92, 20).astype("timedelta64[D]")
    dna = rng.random(n) < 0.02
    adjustment_seen = np.where(dna, rng.integers(1, 8, n), 0)
    seen = seen + adjustment_seen.astype("timedelta64[D]")
    fds_end = seen + _days(rng, n, 14, 0.78, 30).astype("timedelta64[D]")

    route_kinds = np.isin(kind, list(TREATED))
    probability = np.array([TREATED.get(k, 1.0) for k in kinds])[kind_index]
    treated = rng.random(n) < probability
    upgrade = kind == "upgrade"
    upgrade_date = seen + rng.integers(0, 20, n).astype("timedelta64[D]")
    clock = np.where(upgrade, upgrade_date, referral)
    wait_62 = _days(rng, n, 62, 0.80, 80)
    treatment = np.maximum(clock + wait_62.astype("timedelta64[D]"), seen + np.timedelta64(1, "D"))
    wait_31 = _days(rng, n, 31, 0.96, 25)
    dtt = treatment - wait_31.astype("timedelta64[D]")
    dtt = np.maximum(dtt, seen)
    transfer = clock + np.minimum(wait_62, rng.integers(10, 50, n)).astype("timedelta64[D]")
    subsequent = kind == "subsequent"
    routine_first = kind == "other_first"
    no_route = subsequent | routine_first
    dtt = np.where(no_route, referral, dtt)
    treatment = np.where(no_route, referral + _days(rng, n, 31, 0.96, 20).astype("timedelta64[D]"), treatment)

    modality = np.array(list(MODALITIES.values()))[rng.choice(4, n, p=[0.25, 0.45, 0.25, 0.05])]
    icd = np.array(ICD10)[rng.choice(len(ICD10), n, p=ICD10_WEIGHTS / ICD10_WEIGHTS.sum())]
    snapshot = np.datetime64(SNAPSHOT)

    def date(values: np.ndarray, present: np.ndarray) -> pa.Array:
        keep = present & (values <= snapshot)
        return pa.array(values.astype("datetime64[D]"), type=pa.date32(), mask=~keep)

    def text(values: np.ndarray, present: np.ndarray) -> pa.Array:
        return pc.if_else(pa.array(present), pa.array(values), pa.scalar(None, pa.string()))

    has_treatment = (treated & route_kinds) | no_route
    treatment_known = has_treatment & (treatment <= snapshot)
    on_referral = route_kinds
    ruled_out = on_referral & ~treated
    priority = np.select(
        [np.isin(kind, ["usc", "breast_symptomatic"]), kind == "screening", upgrade], ["3", "2", "1"], ""
    )
    columns = {
        "record_id": pc.binary_join_element_wise("R", pc.cast(pa.array(np.arange(n)), pa.string()), ""),
        "nhs_number": pa.repeat(pa.scalar("0000000000"), n),
        "priority_type": text(priority, priority != ""),
        "source_of_referral": text(np.where(kind == "screening", "17", "03"), on_referral),
        "referral_type": text(
            np.where(kind == "breast_symptomatic", "16", "01"), np.isin(kind, ["usc", "breast_symptomatic"])
        ),
        "referral_received_date": date(referral, ~subsequent),
        "consultant_upgrade_date": date(upgrade_date, upgrade & (upgrade_date <= snapshot)),
        "provider_consultant_upgrade": text(first_seen_at, upgrade & (upgrade_date <= snapshot)),
        "date_first_seen": date(seen, on_referral),
        "provider_first_seen": text(first_seen_at, on_referral & (seen <= snapshot)),
        "adjustment_first_seen_days": pa.array(
            adjustment_seen, type=pa.int32(), mask=~(dna & (seen <= snapshot))
        ),
        "adjustment_first_seen_reason": text(np.full(n, "3"), dna & (seen <= snapshot)),
        "fds_end_date": date(np.minimum(fds_end, np.where(treated, dtt, fds_end)), on_referral & ~upgrade),
        "fds_end_reason": text(
            np.where(ruled_out, "01", "02"), on_referral & ~upgrade & (fds_end <= snapshot)
        ),
        "fds_exclusion_reason": text(np.full(n, ""), np.zeros(n, bool)),
        "provider_fds_end": text(first_seen_at, on_referral & ~upgrade & (fds_end <= snapshot)),
        "decision_to_treat_date": date(dtt, has_treatment),
        "transfer_to_treatment_date": date(transfer, has_treatment & transferred & on_referral),
        "accountable_investigating_provider": text(
            first_seen_at, transferred & on_referral & (rng.random(n) < 0.9)
        ),
        "treatment_start_date": date(treatment, has_treatment),
        "adjustment_treatment_days": pa.array(np.zeros(n, np.int32), mask=np.ones(n, bool)),
        "adjustment_treatment_reason": text(np.full(n, ""), np.zeros(n, bool)),
        "provider_treatment": text(treated_at, treatment_known),
        "treatment_event_type": text(np.where(subsequent, "02", "01"), has_treatment),
        "treatment_modality": text(modality, has_treatment),
        "primary_diagnosis_icd10": text(icd, has_treatment & (dtt <= snapshot)),
        "fit_result_ug_g": pa.array(np.zeros(n), type=pa.float64(), mask=np.ones(n, bool)),  # none recorded
    }
    names = schema("cwt").column_names
    assert list(columns) == names, set(columns) ^ set(names)
    return pa.table(columns)
