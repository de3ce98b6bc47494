"""Synthetic bowel screening FIT episodes (canonical table `fit_screening_episode`): one per invitation.

Modelled on the English Bowel Cancer Screening Programme with FIT at 120 µg Hb/g (clinical-models §4.1):
invitations to people aged 60-74 spread over the year; uptake with a deprivation gradient (FIT pilot:
66% overall, 55% in the most deprived quintile, §4.2); faecal haemoglobin from a mixture of unmeasurable
samples and a log-normal tail whose location is solved so that positivity at 120 µg/g is 2% (NHS England:
"about 2 in 100"; about 3 in 100 at 80 follows from the shape, §4.1); colonoscopy (or CT colonography)
for most positives; findings more serious at higher haemoglobin. Volumes and the other rates are
ASSUMPTIONS (England's FIT figures at 120 µg/g were not found, §4.4). Events after the census are not
yet known (blank).
"""

from __future__ import annotations

import numpy as np

from cancer_alliance.synth.calibration import MONTHS, REFERENCE_DATE, Calibration
from cancer_alliance.synth.registrations import ccg_of
from cancer_alliance.synth.sampling import EPOCH, categorical, dates_in_months
from cancer_alliance.synth.tables import NULL

#: Invitations at scale 1 (ASSUMPTION: roughly a year's biennial invitations of the 60-74 population).
INVITATIONS = 3_000_000
THRESHOLD = 120.0
POSITIVITY = 0.02
#: Uptake by deprivation quintile, 1 = most deprived (shape of the FIT pilot gradient, §4.2).
UPTAKE = np.array([0.55, 0.62, 0.67, 0.70, 0.72])
UNMEASURABLE = 0.40  # samples below the analyser's limit, reported as 0
LOG_SD = 1.8
SOLVE_SAMPLE = 200_000
DIAGNOSTIC = (("colonoscopy", 0.90), ("ctc", 0.06), ("", 0.04))  # '' = declined or not yet done
CENSUS = int((REFERENCE_DATE - EPOCH).astype(np.int64))


def _log_location(rng: np.random.Generator, shift: np.ndarray, measurable: np.ndarray) -> float:
    """Location of the log-normal tail so that positivity at THRESHOLD is POSITIVITY (bisection on a
    sample of at most SOLVE_SAMPLE returned kits)."""
    take = rng.permutation(len(shift))[:SOLVE_SAMPLE]
    shift, measurable = shift[take], measurable[take]
    z = rng.normal(0, LOG_SD, len(shift))
    low, high = -5.0, 10.0
    for _ in range(50):
        mid = (low + high) / 2
        positive = (measurable & (np.exp(mid + shift + z) >= THRESHOLD)).mean()
        low, high = (mid, high) if positive < POSITIVITY else (low, mid)
    return (low + high) / 2


def generate_fit(cal: Calibration, numbers: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    n = len(numbers)
    sex = np.where(rng.random(n) < 0.5, "M", "F")
    age = rng.integers(60, 75, n)
    deprivation = rng.integers(1, 6, n)
    alliance = categorical(rng, cal.alliances.share, np.arange(n))
    trusts = cal.trusts
    centre = np.empty(n, dtype=np.int64)
    for a in np.unique(alliance):
        rows = np.flatnonzero(alliance == a)
        members = np.flatnonzero(trusts.alliance == a)
        centre[rows] = members[categorical(rng, trusts.weight[members] ** 2, rows)]
    invited = dates_in_months(rng, MONTHS, rng.integers(0, len(MONTHS), n))
    returned = rng.random(n) < UPTAKE[deprivation - 1]
    kit = np.where(returned, invited + rng.integers(7, 60, n), NULL)
    result_date = np.where(returned, kit + rng.integers(1, 6, n), NULL)

    measurable = rng.random(n) >= UNMEASURABLE
    shift = np.where(sex == "M", 0.2, -0.2) + 0.02 * (age - 67)
    location = _log_location(rng, shift[returned], measurable[returned])
    value = np.where(measurable, np.exp(location + shift + rng.normal(0, LOG_SD, n)), 0.0)
    value = np.round(np.minimum(value, 1000.0), 1)
    positive = returned & (value >= THRESHOLD)
    test = np.array([c for c, _ in DIAGNOSTIC])[
        categorical(rng, np.array([w for _, w in DIAGNOSTIC]), np.arange(n))
    ]
    test = np.where(positive, test, "")
    test_date = np.where(test != "", result_date + rng.integers(7, 45, n), NULL)
    high = value >= 400
    outcome_mix = np.array([[0.07, 0.22, 0.25, 0.46], [0.18, 0.30, 0.20, 0.32]])  # cancer, HRA, adenoma, none
    outcome = np.array(["cancer", "high_risk_adenoma", "adenoma", "no_neoplasia"])[
        categorical(rng, outcome_mix, high.astype(int))
    ]

    # the census: later events are not yet known
    kit = np.where(kit > CENSUS, NULL, kit)
    result_date = np.where((kit == NULL) | (result_date > CENSUS), NULL, result_date)
    known = result_date != NULL
    test_date = np.where(known & (test_date <= CENSUS), test_date, NULL)
    done = test_date != NULL
    return {
        "nhs_number": numbers,
        "sex": sex,
        "age_at_invitation": age,
        "deprivation_quintile": deprivation,
        "ccg_code": ccg_of(rng, cal, alliance),
        "screening_centre_code": trusts.codes[centre],
        "alliance_code": cal.alliances.codes[alliance],
        "invitation_date": invited,
        "kit_returned_date": kit,
        "fit_result_ug_g": np.where(known, value, np.nan),
        "threshold_ug_g": np.where(known & (rng.random(n) < 0.85), THRESHOLD, np.nan),
        "result_date": result_date,
        "diagnostic_test": np.where(done, test, ""),
        "diagnostic_test_date": test_date,
        "outcome": np.where(done, outcome, ""),
    }
