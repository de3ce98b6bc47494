"""Synthetic breast cancer follow-up episodes (canonical table `breast_followup_episode`) at the census.

The cohort is people diagnosed with breast cancer in the five and a half years before the census and
followed up by their trust (stratified follow-up: NHS Long Term Plan, NICE NG101): about 70% on supported
self-management, the rest
clinician-led; an end-of-treatment review about six months after treatment; open access for five years;
annual surveillance mammograms on the anniversaries of diagnosis. After five years a patient diagnosed
at 50 or over is handed over to the NHS Breast Screening Programme (those younger stay on annual
mammograms until 50). Some mammograms are overdue, some results are awaited or abnormal: the worklist
needs all of these. Rates are ASSUMPTIONS except the 70% (East of England Cancer Alliance, stratified
follow-up: NHS Long Term Plan, NICE NG101).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cancer_alliance.synth.calibration import REFERENCE_DATE, Calibration
from cancer_alliance.synth.sampling import EPOCH, categorical
from cancer_alliance.synth.tables import NULL

#: People on breast follow-up at scale 1 (about five years of breast cancer survivors in England; ASSUMPTION).
PEOPLE = 200_000
SELF_MANAGEMENT = 0.70
YEAR = 365
OVERDUE = 0.08  # latest due mammogram not done
ABNORMAL = 0.025
SUSPENDED, DECEASED = 0.02, 0.015
CENSUS = int((REFERENCE_DATE - EPOCH).astype(np.int64))
#: Shares with a care plan (within 30 days of stratification) and a holistic needs assessment (within
#: 60 days): most are done at the end-of-treatment review; the rest are the personalised-care worklist
#: items (ASSUMPTIONS).
CARE_PLAN, HNA = 0.96, 0.95
#: Beta parameters of each trust's share of breast patients finishing treatment who were stratified
#: by the census (mean 0.8): trusts were at different stages in March 2019, the deadline (ASSUMPTION).
ADOPTION = (8.0, 2.0)


@dataclass(frozen=True)
class BreastRegistrations:
    """The breast cancers of the synthetic year's `tumour_registration` (NHS numbers, diagnosis dates,
    diagnosing trust as an index into `cal.trusts`, age). Follow-up episodes of that year are drawn
    from them, so the share of patients finishing treatment who were stratified can be measured
    patient by patient (`followup.cohort`)."""

    numbers: np.ndarray
    diagnosis: np.ndarray
    trust: np.ndarray
    age: np.ndarray


def _cohort(
    cal: Calibration, numbers: np.ndarray, rng: np.random.Generator, registered: BreastRegistrations | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Who is on follow-up at the census: people diagnosed up to five and a half years before it. Where
    the year's registrations are given, those diagnosed at least 180 days before the census replace the
    invented people of that period, each kept with their trust's adoption share (`ADOPTION`); the
    rest of the registered patients were not (yet) stratified."""
    n = len(numbers)
    trust = categorical(rng, cal.trusts.weight, np.arange(n))
    age = np.clip(np.rint(rng.normal(61, 13, n)), 25, 95).astype(np.int64)
    diagnosis = CENSUS - rng.integers(180, int(5.5 * YEAR), n)
    if registered is None or len(registered.numbers) == 0:
        return numbers, trust, age, diagnosis
    adoption = rng.beta(*ADOPTION, len(cal.trusts.codes))
    chosen = rng.random(len(registered.numbers)) < adoption[registered.trust]
    linked = np.zeros(len(chosen), dtype=bool)
    linked[np.unique(registered.numbers, return_index=True)[1]] = True  # one episode for two tumours
    linked &= chosen & (registered.diagnosis <= CENSUS - 180)
    invented = diagnosis < registered.diagnosis.min()
    return (
        np.concatenate([numbers[invented], registered.numbers[linked]]),
        np.concatenate([trust[invented], registered.trust[linked]]),
        np.concatenate([age[invented], registered.age[linked]]),
        np.concatenate([diagnosis[invented], registered.diagnosis[linked]]),
    )


def generate_followup(
    cal: Calibration,
    numbers: np.ndarray,
    rng: np.random.Generator,
    registered: BreastRegistrations | None = None,
) -> dict[str, np.ndarray]:
    numbers, trust, age, diagnosis = _cohort(cal, numbers, rng, registered)
    n = len(numbers)
    trusts = cal.trusts
    treatment_end = np.minimum(diagnosis + rng.integers(60, 300, n), CENSUS)
    review = treatment_end + rng.integers(150, 211, n)
    review = np.where((review > CENSUS) | (rng.random(n) < 0.1), NULL, review)
    stratified = np.minimum(treatment_end + rng.integers(0, 60, n), CENSUS)
    pathway = np.where(rng.random(n) < SELF_MANAGEMENT, "supported_self_management", "clinician_led")

    five_years = diagnosis + 5 * YEAR
    completed = five_years <= CENSUS
    to_screening = completed & (age >= 50)
    u = rng.random(n)
    status = np.where(to_screening, "transferred_nhsbsp", "active").astype("<U18")
    status[completed & ~to_screening & (u < 0.5)] = "discharged"
    status[~completed & (u < DECEASED)] = "deceased"
    status[~completed & (u >= DECEASED) & (u < DECEASED + SUSPENDED)] = "suspended"
    event = stratified + (rng.random(n) * (CENSUS - stratified)).astype(np.int64)
    status_date = np.select(
        [status == "active", (status == "transferred_nhsbsp") | (status == "discharged")],
        [stratified, np.maximum(five_years, stratified)],
        event,
    )

    # annual surveillance mammograms on the anniversaries of diagnosis (NICE CG80/NG101, stratified
    # follow-up: NHS Long Term Plan, NICE NG101)
    years_since = (CENSUS - diagnosis) // YEAR
    done_years = np.minimum(years_since, 5)
    overdue = (status == "active") & (years_since >= 1) & (rng.random(n) < OVERDUE)
    done_years = np.where(overdue, done_years - 1, done_years)
    last = diagnosis + done_years * YEAR + rng.integers(-14, 30, n)
    last = np.where((done_years <= 0) | (last > CENSUS), NULL, np.maximum(last, diagnosis))
    recent = (last != NULL) & (CENSUS - last <= 21)
    result = np.where(
        last == NULL,
        "",
        np.where(
            recent & (rng.random(n) < 0.5),
            "awaiting",
            np.where(rng.random(n) < ABNORMAL, "abnormal", "normal"),
        ),
    )
    due = diagnosis + (done_years + 1) * YEAR
    still_surveilled = (
        (status == "active") | (status == "suspended") | ((status == "discharged") & (age < 50))
    )
    next_due = np.where(still_surveilled, due, NULL)
    next_due = np.where((last != NULL) & (next_due != NULL), np.maximum(next_due, last), next_due)

    codes = trusts.codes[trust]
    worker = rng.integers(1, 9, n).astype(str)
    return {
        "nhs_number": numbers,
        "trust_code": codes,
        "alliance_code": cal.alliances.codes[trusts.alliance[trust]],
        "age_at_diagnosis": age,
        "diagnosis_date": diagnosis,
        "treatment_end_date": treatment_end,
        "end_of_treatment_review_date": review,
        "pathway": pathway,
        "stratified_date": stratified,
        "key_worker_id": np.where(
            rng.random(n) < 0.03, "", np.char.add(np.char.add(codes.astype(str), "-CNS"), worker)
        ),
        "status": status.astype(str),
        "status_date": status_date,
        "open_access_end_date": np.where(pathway == "supported_self_management", five_years, NULL),
        "treatment_summary_date": np.where(
            rng.random(n) < 0.9, np.minimum(treatment_end + rng.integers(0, 60, n), CENSUS), NULL
        ),
        "care_plan_date": _done_by_census(rng.random(n) < CARE_PLAN, stratified + rng.integers(0, 30, n)),
        "hna_date": _done_by_census(rng.random(n) < HNA, stratified + rng.integers(0, 60, n)),
        "last_mammogram_date": last,
        "last_mammogram_result": result,
        "next_mammogram_due_date": next_due,
    }


def _done_by_census(recorded: np.ndarray, when: np.ndarray) -> np.ndarray:
    """`when` where recorded and on or before the census, else NULL (not done, or not done yet)."""
    return np.where(recorded & (when <= CENSUS), when, NULL)
