"""Synthetic bowel screening FIT episodes (canonical table `fit_screening_episode`): one per invitation.

Modelled on the English Bowel Cancer Screening Programme with FIT at 120 µg Hb/g (NHS Bowel Cancer Screening
Programme FIT thresholds):
invitations to people aged 60-74 spread over the year; uptake with a deprivation gradient (FIT pilot:
66% overall, 55% in the most deprived quintile, FIT pilot, Moss et al., Gut 2017); faecal haemoglobin from a
mixture of unmeasurable
samples (reported as 0) and a log-normal tail, most results 0 or a few µg/g with a long right tail. The
tail's location and spread are solved so that positivity is 2% at 120 µg/g and 3% at 80 (NHS England:
"about 2 in 100" rising to "about 3 in 100", NHS Bowel Cancer Screening Programme FIT thresholds). A few
screening centres (EARLY_ADOPTERS, as NHS
England's 8 early-adopter services) already refer at 80 µg/g and record it; elsewhere the threshold is
120, recorded or blank. Positives mostly have a colonoscopy (or CT colonography), and the chance of a
cancer or a high-risk adenoma rises with the result (`finding_chances`). Volumes, the spread of results
and the yields are ASSUMPTIONS (England's FIT figures at 120 µg/g were not found, BCSP programme metric
definitions); the 80-120 band's
yields are near NHS England's figures for the change (600 cancers and 2,000 high-risk adenomas in 34,000
extra colonoscopies). Events after the census are not yet known (blank).
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
#: Early adopters' threshold and its positivity (NHS England: about 3 in 100 at 80, NHS Bowel Cancer
#: Screening Programme FIT thresholds).
LOWER_THRESHOLD = 80.0
LOWER_POSITIVITY = 0.03
#: Screening centres already on LOWER_THRESHOLD (NHS England named 8 early-adopter services, NHS Bowel Cancer
#: Screening Programme FIT thresholds).
EARLY_ADOPTERS = 8
#: Uptake by deprivation quintile, 1 = most deprived (shape of the FIT pilot gradient, FIT pilot, Moss et
#: al., Gut 2017).
UPTAKE = np.array([0.55, 0.62, 0.67, 0.70, 0.72])
UNMEASURABLE = 0.40  # samples below the analyser's limit, reported as 0
SOLVE_SAMPLE = 200_000
#: Highest reportable result (µg Hb/g): analysers report a ceiling, not the true value (ASSUMPTION).
CEILING = 1000.0
DIAGNOSTIC = (("colonoscopy", 0.90), ("ctc", 0.06), ("", 0.04))  # '' = declined or not yet done
CENSUS = int((REFERENCE_DATE - EPOCH).astype(np.int64))


def _tail(rng: np.random.Generator, shift: np.ndarray, measurable: np.ndarray) -> tuple[float, float]:
    """Location and spread of the log-normal tail so that positivity is POSITIVITY at THRESHOLD and
    LOWER_POSITIVITY at LOWER_THRESHOLD, on a sample of at most SOLVE_SAMPLE returned kits: for a
    spread, the location puts THRESHOLD at the right quantile; the spread is found by bisection."""
    take = rng.permutation(len(shift))[:SOLVE_SAMPLE]
    shift, measurable = shift[take], measurable[take]
    z = rng.normal(0, 1, len(shift))
    above = 1 - POSITIVITY / max(measurable.mean(), POSITIVITY)

    def location(spread: float) -> float:
        return float(np.log(THRESHOLD) - np.quantile((shift + spread * z)[measurable], above))

    low, high = 0.5, 5.0  # a wider spread moves more kits between 80 and 120
    for _ in range(40):
        spread = (low + high) / 2
        at_lower = (measurable & (location(spread) + shift + spread * z >= np.log(LOWER_THRESHOLD))).mean()
        low, high = (spread, high) if at_lower > LOWER_POSITIVITY else (low, spread)
    spread = (low + high) / 2
    return location(spread), spread


def finding_chances(value: np.ndarray) -> np.ndarray:
    """Chances of cancer, high-risk adenoma, adenoma and no neoplasia at each result (rows sum to 1):
    cancer 1.8% and high-risk adenoma 6% at 80 µg/g (NHS England's extra yield per extra colonoscopy
    at 80, NHS Bowel Cancer Screening Programme FIT thresholds, DERIVED), rising with the result as powers of
    value / 80 (ASSUMPTION)."""
    ratio = np.maximum(value, 1.0) / LOWER_THRESHOLD
    cancer = np.minimum(0.018 * ratio**1.2, 0.40)
    high_risk = np.minimum(0.06 * ratio**0.8, 0.35)
    adenoma = np.full(len(value), 0.22)
    none = 1.0 - cancer - high_risk - adenoma
    return np.column_stack([cancer, high_risk, adenoma, none])


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
    location, spread = _tail(rng, shift[returned], measurable[returned])
    value = np.where(measurable, np.exp(location + shift + spread * rng.normal(0, 1, n)), 0.0)
    value = np.round(np.minimum(value, CEILING), 1)
    used = np.unique(centre)
    adopters = np.zeros(len(trusts.codes), dtype=bool)
    adopters[rng.permutation(used)[:EARLY_ADOPTERS]] = True
    applied = np.where(adopters[centre], LOWER_THRESHOLD, THRESHOLD)
    positive = returned & (value >= applied)
    test = np.array([c for c, _ in DIAGNOSTIC])[
        categorical(rng, np.array([w for _, w in DIAGNOSTIC]), np.arange(n))
    ]
    test = np.where(positive, test, "")
    test_date = np.where(test != "", result_date + rng.integers(7, 45, n), NULL)
    chances = finding_chances(value)
    outcome = np.array(["cancer", "high_risk_adenoma", "adenoma", "no_neoplasia"])[
        (rng.random(n)[:, None] > np.cumsum(chances, axis=1)).sum(axis=1).clip(0, 3)
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
        "threshold_ug_g": np.where(
            known & (adopters[centre] | (rng.random(n) < 0.85)), applied, np.nan
        ),  # early adopters always record their 80
        "result_date": result_date,
        "diagnostic_test": np.where(done, test, ""),
        "diagnostic_test_date": test_date,
        "outcome": np.where(done, outcome, ""),
    }
