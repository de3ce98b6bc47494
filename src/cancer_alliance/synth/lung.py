"""Synthetic Targeted Lung Health Check attendances and invitations (canonical tables
`lung_health_check` and `lung_health_check_invitation`).

Attendees are invited ever-smokers aged 55-74 (NHS England TLHC protocol (2019)), with distributions of
smoking
intensity and history, BMI, education, COPD, family history, pneumonia, asbestos and prior cancer chosen
(ASSUMPTIONS, shaped on UK lung health check cohorts) so that about half meet the LDCT threshold:
PLCOm2012 >= 1.51% over 6 years or LLPv2 >= 2.5% over 5 years (NHS England TLHC protocol (2019); the
Manchester pilot scanned about
56% of attendees, 1,429 of 2,541). Eligible attendees get a baseline LDCT within a few weeks unless it
falls after the census. The risk models are evaluated here only to decide who is scanned; the platform's
lung module is the reference implementation (coefficients: Tammemägi et al., NEJM 2013, Cassidy et al., Br J
Cancer 2008, with the same centring).
"""

from __future__ import annotations

import numpy as np

from cancer_alliance.synth.calibration import MONTHS, REFERENCE_DATE, Calibration
from cancer_alliance.synth.nhs_numbers import NumberPool
from cancer_alliance.synth.registrations import ccg_of
from cancer_alliance.synth.sampling import EPOCH, categorical, dates_in_months, expit
from cancer_alliance.synth.tables import NULL

#: Attendances at scale 1 (ASSUMPTION: the 2018/19 pilots in Manchester, Liverpool and London, scaled).
ATTENDEES = 60_000
PLCOM2012_THRESHOLD = 0.0151
LLP_V2_THRESHOLD = 0.025
CENSUS = int((REFERENCE_DATE - EPOCH).astype(np.int64))
#: NHS ETHNIC CATEGORY mix (ASSUMPTION, older smokers in England) and its PLCOm2012 race term
#: (default UK mapping of NHS England TLHC protocol (2019): White 0, Black 0.3944778, Asian -0.466585, other
#: 0).
ETHNICITY = (
    ("A", 0.82),
    ("B", 0.02),
    ("C", 0.04),
    ("H", 0.02),
    ("J", 0.02),
    ("K", 0.01),
    ("M", 0.02),
    ("N", 0.01),
    ("D", 0.01),
    ("S", 0.01),
    ("Z", 0.02),
)
RACE_BETA = {
    "H": -0.466585,
    "J": -0.466585,
    "K": -0.466585,
    "L": -0.466585,
    "R": -0.466585,
    "M": 0.3944778,
    "N": 0.3944778,
    "P": 0.3944778,
}
#: LLPv2 age-band alphas, 40-44 ... 80-84 (Cassidy et al., Br J Cancer 2008, Table A1), male and
#: female.
LLP_ALPHA = {
    "M": np.array([-9.06, -8.16, -7.31, -6.63, -5.97, -5.56, -5.31, -4.83, -4.68]),
    "F": np.array([-9.90, -8.06, -7.46, -6.50, -6.22, -5.99, -5.49, -5.23, -5.42]),
}


def plcom2012(
    age, race_beta, education, bmi, copd, cancer, family, current, cpd, duration, quit_years
) -> np.ndarray:
    """PLCOm2012 6-year risk (NEJM 2013 Table 2, Tammemägi et al., NEJM 2013), vectorised."""
    logit = (
        -4.532506
        + 0.0778868 * (age - 62)
        + race_beta
        - 0.0812744 * (education - 4)
        - 0.0274194 * (bmi - 27)
        + 0.3553063 * copd
        + 0.4589971 * cancer
        + 0.587185 * family
        + 0.2597431 * current
        - 1.822606 * ((cpd / 10) ** -1 - 0.4021541613)
        + 0.0317321 * (duration - 27)
        - 0.0308572 * (quit_years - 10)
    )
    return expit(logit)


def llp_v2(sex, age, duration, pneumonia, asbestos, cancer, onset) -> np.ndarray:
    """LLPv2 5-year risk (Cassidy 2008, eq. A3 individual alpha, 4-d.p. betas; Cassidy et al., Br J Cancer
    2008)."""
    band = np.clip((age - 40) // 5, 0, 8)
    y = np.clip(age - 40 - band * 5, 0, 4)
    upper = np.minimum(band + 1, 8)
    alpha = np.zeros(len(age))
    for s, table in LLP_ALPHA.items():
        rows = sex == s
        alpha[rows] = ((5 - y[rows] - 0.5) * table[band[rows]] + (y[rows] + 0.5) * table[upper[rows]]) / 5
    smoking = np.select(
        [duration <= 0, duration <= 20, duration <= 40, duration <= 60], [0, 0.7692, 1.4516, 2.5072], 2.7243
    )
    family = np.select([onset == "early", onset == "late"], [0.7034, 0.1677], 0.0)
    return expit(alpha + smoking + 0.6025 * pneumonia + 0.6343 * asbestos + 0.6754 * cancer + family)


def generate_lung(cal: Calibration, numbers: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    n = len(numbers)
    trusts = cal.trusts
    trust = categorical(rng, trusts.weight, np.arange(n))
    alliance = trusts.alliance[trust]
    attended = dates_in_months(rng, MONTHS, rng.integers(0, len(MONTHS), n))
    age = rng.integers(55, 75, n)
    sex = np.where(rng.random(n) < 0.52, "M", "F")
    ethnic = np.array([c for c, _ in ETHNICITY])[
        categorical(rng, np.array([w for _, w in ETHNICITY]), np.arange(n))
    ]
    education = categorical(rng, np.array([0.38, 0.2, 0.17, 0.1, 0.1, 0.05]), np.arange(n)) + 1
    bmi = np.round(np.clip(rng.normal(27.8, 5.2, n), 15, 60), 1)
    status = np.where(rng.random(n) < 0.45, "current", "former")
    status[rng.random(n) < 0.02] = "never"  # answers that make the attendee ineligible
    smoker = status != "never"
    started = rng.integers(13, 25, n)
    quit_years = np.where(
        status == "former", np.minimum(rng.gamma(2.0, 6.0, n).round(), age - started - 1), 0.0
    )
    duration = np.where(smoker, np.maximum(age - started - quit_years, 1), 0.0)
    cpd = np.where(smoker, np.round(np.clip(rng.lognormal(np.log(14), 0.5, n), 2, 80)), 0.0)
    copd = rng.random(n) < 0.2
    cancer = rng.random(n) < 0.08
    pneumonia = rng.random(n) < 0.12
    asbestos = rng.random(n) < 0.1
    onset = np.array(["none", "early", "late", "unknown_age"])[
        categorical(rng, np.array([0.8, 0.05, 0.12, 0.03]), np.arange(n))
    ]

    race = np.zeros(n)
    for code, beta in RACE_BETA.items():
        race[ethnic == code] = beta
    safe_cpd = np.where(smoker, cpd, 1.0)
    p6 = plcom2012(
        age,
        race,
        education,
        bmi,
        copd,
        cancer,
        onset != "none",
        status == "current",
        safe_cpd,
        duration,
        quit_years,
    )
    p5 = llp_v2(sex, age, duration, pneumonia, asbestos, cancer, onset)
    eligible = smoker & ((p6 >= PLCOM2012_THRESHOLD) | (p5 >= LLP_V2_THRESHOLD))
    ldct = np.where(eligible & (rng.random(n) < 0.95), attended + rng.integers(0, 35, n), NULL)
    ldct = np.where(ldct > CENSUS, NULL, ldct)
    journey = _journey(rng, ldct, status == "current")
    missing = lambda share: rng.random(n) < share  # noqa: E731  (optional answers left blank)
    return {
        "nhs_number": numbers,
        "attendance_date": attended,
        "ccg_code": ccg_of(rng, cal, alliance),
        "trust_code": trusts.codes[trust],
        "alliance_code": cal.alliances.codes[alliance],
        "age": age,
        "sex": sex,
        "ethnic_category": np.where(missing(0.02), "", ethnic),
        "education_level": np.where(missing(0.03), NULL, education),
        "bmi": np.where(missing(0.02), np.nan, bmi),
        "copd": copd.astype(np.int8),
        "personal_cancer_history": cancer.astype(np.int8),
        "family_history_onset": onset,
        "pneumonia": pneumonia.astype(np.int8),
        "asbestos": asbestos.astype(np.int8),
        "smoking_status": status,
        "cigarettes_per_day": np.where(smoker, cpd, np.nan),
        "smoking_duration_years": duration.astype(float),
        "years_since_quit": np.where(smoker, quit_years, np.nan).astype(float),
        "ldct_date": ldct,
        **journey,
    }


#: Baseline LDCT results (ASSUMPTION, shaped on the UK pilots: most scans negative, about one in eight
#: needing nodule follow-up, a few per cent referred; Manchester found 3% cancers among those scanned).
RESULTS = (("negative", 0.84), ("indeterminate", 0.12), ("positive", 0.04))
#: Stage of screen-detected cancers (ASSUMPTION: mostly early, as in the pilots, about 3 in 4 at 1-2).
STAGES = (("1", 0.52), ("2", 0.18), ("3", 0.15), ("4", 0.1), ("missing", 0.05))
INTERVAL_CT_DAYS = 90  # 3-month interval CT (BTS 2015, BTS 2015, Callister et al., Thorax 2015)


def _journey(rng: np.random.Generator, ldct: np.ndarray, current: np.ndarray) -> dict[str, np.ndarray]:
    """Result, nodule follow-up, referral, cancer stage and smoking cessation after the baseline LDCT."""
    n = len(ldct)
    scanned = ldct != NULL
    result = np.array([c for c, _ in RESULTS])[
        categorical(rng, np.array([w for _, w in RESULTS]), np.arange(n))
    ]
    result = np.where(scanned, result, "")
    followup = np.where(result == "indeterminate", ldct + INTERVAL_CT_DAYS + rng.integers(-7, 15, n), NULL)
    followup = np.where(followup > CENSUS, NULL, followup)
    grew = (followup != NULL) & (rng.random(n) < 0.08)  # growth on the interval CT (ASSUMPTION)
    referral = np.where(result == "positive", ldct + rng.integers(1, 15, n), NULL)
    referral = np.where(grew, followup + rng.integers(1, 15, n), referral)
    referral = np.where(referral > CENSUS, NULL, referral)
    cancer = (referral != NULL) & (rng.random(n) < 0.7)
    stage = np.array([c for c, _ in STAGES])[categorical(rng, np.array([w for _, w in STAGES]), np.arange(n))]
    cessation = np.where(current, (rng.random(n) < 0.6).astype(np.int8), np.int8(0))
    return {
        "ldct_result": result,
        "nodule_followup_date": followup,
        "referral_date": referral,
        "cancer_stage": np.where(cancer, stage, ""),
        "smoking_cessation_referral": cessation,
    }


#: Uptake of lung health check invitations per CCG (ASSUMPTION: roughly half of those invited attend,
#: varying by CCG).
UPTAKE_RANGE = (0.40, 0.60)
#: Days from an invitation to the attendance it led to (ASSUMPTION: a letter, then a booked check).
INVITED_BEFORE_DAYS = (7, 60)


def generate_invitations(
    attendances: dict[str, np.ndarray], pool: NumberPool, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Rows of `lung_health_check_invitation`: one per attendee with a CCG (same NHS number and CCG,
    sent INVITED_BEFORE_DAYS before the attendance), then people invited who did not attend (new NHS
    numbers from `pool`), so that each CCG's uptake is drawn from UPTAKE_RANGE."""
    with_ccg = attendances["ccg_code"] != ""
    ccg = attendances["ccg_code"][with_ccg]
    codes, counts = np.unique(ccg, return_counts=True)
    uptake = rng.uniform(*UPTAKE_RANGE, len(codes))
    not_attended = np.repeat(codes, np.ceil(counts / uptake).astype(np.int64) - counts)
    n = len(not_attended)
    lead = rng.integers(*INVITED_BEFORE_DAYS, len(ccg))
    later = dates_in_months(rng, MONTHS, rng.integers(0, len(MONTHS), n))
    return {
        "nhs_number": np.concatenate([attendances["nhs_number"][with_ccg], pool.unique(n)]),
        "invitation_date": np.concatenate([attendances["attendance_date"][with_ccg] - lead, later]),
        "ccg_code": np.concatenate([ccg, not_attended]),
        "age_at_invitation": np.concatenate([attendances["age"][with_ccg], rng.integers(55, 75, n)]),
    }
