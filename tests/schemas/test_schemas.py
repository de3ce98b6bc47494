"""The canonical table schemas (TOML data) are well formed and carry what the domains need
(issue #2 item 3; docs/sources.md "Canonical record"; docs/sources.md)."""

from __future__ import annotations

import re

import pytest

from cancer_alliance.schemas import schema, table_names

TABLES = [
    "breast_followup_episode",
    "ccg_lung_survival",
    "cwt",
    "fit_screening_episode",
    "linac",
    "lung_health_check",
    "lung_health_check_invitation",
    "pathway_event",
    "radiotherapy_course",
    "tumour_registration",
]
#: Tables about equipment or areas, not people: no NHS number.
NOT_PATIENT_LEVEL = {"linac", "ccg_lung_survival"}
TABLES = sorted([*TABLES, "breast_followup_candidate", "breast_followup_test_result"])  # issue 11


def test_the_canonical_tables():
    assert list(table_names()) == TABLES


@pytest.mark.parametrize("name", TABLES)
def test_schema_is_well_formed(name):
    table = schema(name)
    assert table.name == name and table.title and table.description and table.source
    names = table.column_names
    assert len(names) == len(set(names)), "duplicate column"
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", n) for n in names), "columns are snake_case"
    key = table.column(table.key)
    assert key.required and key.type == "string"
    if name not in NOT_PATIENT_LEVEL:
        assert table.column("nhs_number").type == "nhs_number" and table.column("nhs_number").required
    else:
        assert "nhs_number" not in names
    for column in table.columns:
        assert column.description, column.name
        if column.pattern is not None:
            re.compile(column.pattern)
        assert (column.codes is not None) == (column.type == "code"), column.name
        if column.minimum is not None and column.maximum is not None:
            assert column.minimum <= column.maximum, column.name
    for order in table.date_orders:
        assert table.column(order.earlier).type == "date" and table.column(order.later).type == "date"
        assert order.earlier != order.later and order.reason


@pytest.mark.parametrize("name", TABLES)
def test_ddl_covers_every_column_in_order(name):
    table = schema(name)
    assert [part.split()[0] for part in table.ddl().split(", ")] == table.column_names


def test_tumour_registration_has_what_early_diagnosis_needs():
    """Issue #2 item 3 and NHS Long Term Plan (2019), NDRS: stage 1-2 and emergency presentation by alliance,
    CCG,
    trust, sex, age band and deprivation quintile."""
    table = schema("tumour_registration")
    assert set(table.column_names) >= {
        "tumour_id",
        "nhs_number",
        "diagnosis_date",
        "icd10",
        "cancer_site",
        "stage",
        "route_to_diagnosis",
        "sex",
        "age_at_diagnosis",
        "deprivation_quintile",
        "ccg_code",
        "trust_code",
        "alliance_code",
    }
    assert table.column("stage").codes == "stage"
    assert table.column("route_to_diagnosis").codes == "route_to_diagnosis"


@pytest.mark.parametrize(
    ("model", "inputs"),
    [  # docs/sources.md 'Interface'; race, family history and prior malignancy are derived (see below)
        (
            "plcom2012",
            {
                "age",
                "education_level",
                "bmi",
                "copd",
                "personal_cancer_history",
                "smoking_status",
                "cigarettes_per_day",
                "smoking_duration_years",
                "years_since_quit",
            },
        ),
        ("llp_v2", {"sex", "age", "smoking_duration_years", "pneumonia", "asbestos", "family_history_onset"}),
    ],
)
def test_lung_health_check_carries_the_risk_model_inputs(model, inputs):
    assert inputs <= set(schema("lung_health_check").column_names), model


def test_lung_health_check_derived_inputs_have_their_source_columns():
    """PLCOm2012 race comes from ethnic_category by configuration (NHS England TLHC protocol (2019)); family
    history from
    family_history_onset; LLP prior malignancy is personal_cancer_history."""
    table = schema("lung_health_check")
    assert table.column("ethnic_category").codes == "ethnic_category"
    assert "prior malignancy" in table.column("personal_cancer_history").description
    assert table.column("education_level").minimum == 1 and table.column("education_level").maximum == 6


@pytest.mark.parametrize(
    ("name", "columns"),
    [
        (
            "fit_screening_episode",
            {
                "invitation_date",
                "kit_returned_date",
                "fit_result_ug_g",
                "result_date",
                "diagnostic_test",
                "outcome",
            },
        ),  # BCSP programme metric definitions metrics
        (
            "breast_followup_episode",
            {"pathway", "status", "last_mammogram_date", "next_mammogram_due_date", "key_worker_id"},
        ),  # stratified follow-up: NHS Long Term Plan, NICE NG101
        (
            "radiotherapy_course",
            {
                "provider_code",
                "start_date",
                "prescribed_dose_gy",
                "fractions",
                "technique",
                "decision_to_treat_date",
                "linac_id",
            },
        ),  # NHS England service specification B01/S/a
    ],
)
def test_domain_tables_carry_their_metric_inputs(name, columns):
    assert columns <= set(schema(name).column_names)
