"""TLHC eligibility for low-dose CT (NHS England TLHC protocol (2019), Appendix A): aged 55-74, ever smoked,
PLCOm2012 >= 1.51% or LLPv2 >= 2.5%. The cohort rule on each engine and the one-person `assess` give
the same decision and risks for the same attendances (one code path, docs/decisions/0012)."""

from __future__ import annotations

import datetime as dt

import pytest

from cancer_alliance.lung.eligibility import add_eligibility, assess
from cancer_alliance.lung.models import risk
from cancer_alliance.lung.settings import LungSettings
from cancer_alliance.schemas import schema

title = "Eligibility for a low-dose CT scan"

BASE = {
    "nhs_number": "pseudonym",
    "attendance_date": dt.date(2019, 1, 7),
    "age": 62,
    "sex": "M",
    "ethnic_category": "A",
    "education_level": 4,
    "bmi": 27.0,
    "copd": False,
    "personal_cancer_history": False,
    "family_history_onset": "none",
    "pneumonia": False,
    "asbestos": False,
    "smoking_status": "former",
    "cigarettes_per_day": 10 / 0.4021541613,
    "smoking_duration_years": 27.0,
    "years_since_quit": 10.0,
}
#: attendance -> (changes, eligible, reason). The reference person's PLCOm2012 risk is 1.06% (the models' published worked examples P1)
#: and LLPv2 1.33%: below both thresholds until a factor raises one of them.
CASES = {
    "reference-person": ({}, False, "below_threshold"),
    "heavy-smoker-plcom-only": ({"cigarettes_per_day": 80.0}, True, None),  # P2: 1.75% >= 1.51%
    "long-smoker-llp-only": (
        {"smoking_duration_years": 45.0, "years_since_quit": 0.0, "smoking_status": "current", "age": 70,
         "cigarettes_per_day": 2.0, "asbestos": True, "pneumonia": True},
        True,
        None,
    ),
    "too-young": ({"age": 54, "cigarettes_per_day": 80.0, "smoking_duration_years": 27.0}, False, "age"),
    "too-old": ({"age": 75, "cigarettes_per_day": 80.0}, False, "age"),
    "oldest-eligible": ({"age": 74, "cigarettes_per_day": 80.0}, True, None),
    "never-smoked": (
        {"smoking_status": "never", "cigarettes_per_day": None, "smoking_duration_years": 0.0,
         "years_since_quit": None},
        False,
        "never_smoked",
    ),
    "onset-unknown-plcom-still-scores": ({"family_history_onset": "unknown_age", "cigarettes_per_day": 80.0}, True, None),
    "missing-everything-but-age": (
        {"bmi": None, "family_history_onset": None, "sex": "X"}, False, "not_assessed",
    ),
}


def rows() -> list[dict]:
    return [{**BASE, **changes, "attendance_id": name} for name, (changes, _, _) in CASES.items()]


def test_the_cohort_rule_decides_as_the_protocol_says(engine):
    result = add_eligibility(engine.frame(schema("lung_health_check"), rows()))
    if engine.name == "duckdb":
        assert result.sql()
    got = {row["attendance_id"]: row for row in engine.rows(result)}
    for name, (_, eligible, reason) in CASES.items():
        assert (got[name]["eligible"], got[name]["ineligible_reason"]) == (eligible, reason), name
        one = assess({**BASE, **CASES[name][0]})
        assert (one.eligible, one.reason) == (eligible, reason), name
        assert got[name]["plcom2012_risk"] == pytest.approx(one.plcom2012, rel=1e-12) if one.plcom2012 else (
            got[name]["plcom2012_risk"] is None
        )
        assert got[name]["llp_risk"] == pytest.approx(one.llp, rel=1e-12) if one.llp else got[name]["llp_risk"] is None
        assert got[name]["plcom2012_version"] == "PLCOm2012" and got[name]["llp_version"] == "LLPv2"
        assert "N Engl J Med 2013" in got[name]["plcom2012_source"]
        assert "Cassidy" in got[name]["llp_source"]


def test_the_reference_person_is_scored_by_both_models():
    one = assess(BASE)
    assert one.plcom2012 == pytest.approx(0.010639281944, abs=1e-12)  # the models' published worked examples P1
    assert one.llp == risk("llp_v2", {"sex": "M", "age": 62, "smoking_duration_years": 27, "pneumonia": 0,
                                      "asbestos": 0, "prior_malignancy": 0, "family_history_onset": "none"})


def test_thresholds_models_and_mappings_are_settings():
    """Lower the PLCOm2012 threshold to the NEJM paper's 1.3455% is not enough for 1.06%; use noRace and
    LLPv3; map Indian ethnicity to white instead of asian."""
    person = {**BASE, "cigarettes_per_day": 80.0}
    strict = LungSettings(plcom2012_threshold=0.02)
    assert assess(person, strict).reason == "below_threshold"
    assert assess(BASE, LungSettings(plcom2012_threshold=0.01)).eligible
    norace = assess(person, LungSettings(plcom2012_model="plcom2012_norace", llp_model="llp_v3"))
    assert (norace.plcom2012_version, norace.llp_version) == ("PLCOm2012noRace", "LLPv3")
    indian = {**person, "ethnic_category": "H"}
    assert assess(indian).plcom2012 < assess(person).plcom2012  # asian beta -0.466585
    white = LungSettings(ethnicity_race={"H": "white"})
    assert assess(indian, white).plcom2012 == pytest.approx(assess(person).plcom2012, rel=1e-15)


def test_missing_education_takes_the_uk_cohort_default_level_1():
    assert assess({**BASE, "education_level": None}).plcom2012 == pytest.approx(
        assess({**BASE, "education_level": 1}).plcom2012, rel=1e-15
    )
