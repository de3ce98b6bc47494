"""Worked examples of docs/sources.md as input rows of `alliance lung risk`, shared by the spec
tests of the Python API, the engine rule and the CLI. Each case: id, model, inputs, expected risk,
absolute tolerance, source."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from cancer_alliance.lung.inputs import input_columns


@dataclass(frozen=True)
class Case:
    id: str
    model: str
    inputs: dict[str, Any]
    expected: float
    tolerance: float
    source: str


def expit(logit: float) -> float:
    return math.exp(logit) / (1 + math.exp(logit))


#: The PLCOm2012 reference person: every centred term 0, intensity transform 0 (the models' published worked
#: examples P1).
REFERENCE = {
    "age": 62,
    "race": "white",
    "education_level": 4,
    "bmi": 27,
    "copd": 0,
    "personal_cancer_history": 0,
    "family_history_lung_cancer": 0,
    "smoking_status": "former",
    "cigarettes_per_day": 10 / 0.4021541613,
    "smoking_duration_years": 27,
    "years_since_quit": 10,
}
RACE_BETA = {
    "white": 0.0,
    "black": 0.3944778,
    "hispanic": -0.7434744,
    "asian": -0.466585,
    "american_indian_alaska_native": 0.0,
    "native_hawaiian_pacific_islander": 1.027152,
}
P1 = "resplab/PLCOm2012:tests/testthat/test-plcom2012.R via the models' published worked examples P1"

PLCOM2012 = [
    Case(f"P1-{race}", "plcom2012", {**REFERENCE, "race": race}, expit(-4.532506 + beta), 1e-8, P1)
    for race, beta in RACE_BETA.items()
] + [
    Case(
        "P2",
        "plcom2012",
        {**REFERENCE, "cigarettes_per_day": 80},
        0.01750922,
        1e-8,
        "resplab/PLCOm2012:README.md, worked example P2 (printed to 8 d.p.; DERIVED 0.0175092)",
    ),
]


def _norace(age, education, bmi, copd, cancer, family, current, cpd, duration, quit_years) -> dict[str, Any]:
    return {
        "age": age,
        "education_level": education,
        "bmi": bmi,
        "copd": copd,
        "personal_cancer_history": cancer,
        "family_history_lung_cancer": family,
        "smoking_status": "current" if current else "former",
        "cigarettes_per_day": cpd,
        "smoking_duration_years": duration,
        "years_since_quit": quit_years,
    }


TEN_HAAF = "ten Haaf model.PLCOm2012NoRace embedded example, the models' published worked examples"
PLCOM2012_NORACE = [
    Case(
        "N1", "plcom2012_norace", _norace(63, 1, 36.01108, 1, 1, 1, 1, 10, 12, 0), 0.01827511, 1e-8, TEN_HAAF
    ),
    Case(
        "N2", "plcom2012_norace", _norace(68, 5, 30.5241, 0, 1, 1, 1, 20, 33, 0), 0.06997445, 1e-8, TEN_HAAF
    ),
    Case(
        "P1-norace",
        "plcom2012_norace",
        {key: value for key, value in REFERENCE.items() if key != "race"},
        expit(-4.536696),
        1e-12,
        "PLCOm2012noRace, ten Haaf's R code (2020): every centred term 0 leaves the constant -4.536696",
    ),
]


def _llp(sex, age, years, onset, prior, pneumonia, asbestos) -> dict[str, Any]:
    return {
        "sex": sex,
        "age": age,
        "smoking_duration_years": years,
        "family_history_onset": onset,
        "prior_malignancy": prior,
        "pneumonia": pneumonia,
        "asbestos": asbestos,
    }


#: Table 3 rows of Cassidy et al., Br J Cancer 2008 and the Appendix example; the 4-d.p. LLPv2
#: beta give the DERIVED
#: column, within 0.005 percentage points of the values printed to 2 d.p. (Appendix A tolerance).
LLP_V2 = [
    Case(
        "L-T1",
        "llp_v2",
        _llp("F", 65, 37, "late", 0, 1, 0),
        0.0237,
        0.00005,
        "Cassidy et al., Br J Cancer 2008, Table 3; DERIVED LLPv2 2.37%",
    ),
    Case(
        "L-T2",
        "llp_v2",
        _llp("F", 68, 26, "none", 0, 0, 0),
        0.0149,
        0.00005,
        "Cassidy et al., Br J Cancer 2008, Table 3; DERIVED LLPv2 1.49% (paper 1.50% with 3-d.p. beta)",
    ),
    Case(
        "L-A",
        "llp_v2",
        _llp("M", 51, 25, "none", 0, 0, 0),
        0.00349,
        0.000005,
        "Cassidy 2008 Appendix: male 51, 25 years smoking, alpha -7.106, p = 0.00349",
    ),
    Case(
        "L-A-exact",
        "llp_v2",
        _llp("M", 51, 25, "none", 0, 0, 0),
        expit((3.5 * -7.31 + 1.5 * -6.63) / 5 + 1.4516),
        1e-12,
        "eq. A3 alpha for a man of 51 (Cassidy 2008) plus the LLPv2 21-40 year beta 1.4516",
    ),
]
LLP_V3 = [
    Case(
        "L-A-v3",
        "llp_v3",
        _llp("M", 51, 25, "none", 0, 0, 0),
        expit((3.5 * -8.09 + 1.5 * -7.41) / 5 + 1.4516),
        1e-12,
        "LLPv3 alpha (IET-IARC script, Cassidy et al., Br J Cancer 2008 table) with the LLPv2 beta",
    ),
    Case(
        "L-T1-v3",
        "llp_v3",
        _llp("F", 65, 37, "late", 0, 1, 0),
        expit((4.5 * -6.46 + 0.5 * -5.96) / 5 + 1.4516 + 0.6025 + 0.1677),
        1e-12,
        "LLPv3 alpha for a woman of 65 (eq. A3) and the L-T1 factors",
    ),
]
BROCK = [
    Case(
        "B1",
        "brock",
        {
            "age": 62,
            "sex": "M",
            "family_history_lung_cancer": 0,
            "emphysema": 0,
            "nodule_size_mm": 10,
            "nodule_type": "solid",
            "upper_lobe": 0,
            "nodule_count": 4,
            "spiculation": 0,
        },
        0.025100,
        0.0000005,
        "Brock, McWilliams et al., NEJM 2013 B1 (DERIVED, 2.5100% to 4 d.p.)",
    ),
]
ALL = PLCOM2012 + PLCOM2012_NORACE + LLP_V2 + LLP_V3 + BROCK


def row(case: Case, number: int = 0) -> dict[str, Any]:
    """The case as an input row with its id column."""
    identifier = input_columns(case.model)[0]
    return {identifier: f"{case.id}-{number}", **case.inputs}
