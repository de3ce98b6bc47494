"""Stage at diagnosis: the early-stage proportion and stage completeness (NHS Digital/NDRS stage method;
stage roles in `early_diagnosis/data/stage_groups.csv`). Runs on every engine."""

import pytest

title = "Stage at diagnosis: early-stage proportion and completeness"

pytestmark = [pytest.mark.spec, pytest.mark.over_connect]  # also over Spark Connect (docs/decisions/0034)

COUNTS = ["registrations", "stageable", "stage_early", "stage_staged", "stage_missing", "stage_unstageable"]


def test_each_stage_category_counts_in_its_place(count_registrations):
    """Stage 1-2 (and 'other system, early') are early; 1-4 and both 'other system' categories are
    staged; unstageable is in neither; blank reads as missing (schema `tumour_registration.stage`)."""
    got = count_registrations(
        """
        tumour_id | stage
        ----------+---------------
        s1        | 1
        s2        | 2
        s3        | 3
        s4        | 4
        s5        | other_early
        s6        | other_advanced
        s7        | unstageable
        s8        | missing
        s9        |
        """,
        [],
        COUNTS,
    )
    # eight registrations plus the blank-stage one
    assert got == [
        {
            "registrations": 9,
            "stageable": 9,
            "stage_early": 3,
            "stage_staged": 6,
            "stage_missing": 2,
            "stage_unstageable": 1,
        }
    ]


def test_registrations_without_a_stage_site_group_are_not_stageable(count_registrations):
    """Only registrations in an NDRS stage site group (cancer_site set) enter the stage counts."""
    got = count_registrations(
        """
        cancer_site | stage
        ------------+------
        lung        | 1
                    | 1
                    | missing
        """,
        [],
        COUNTS,
    )
    assert got == [
        {
            "registrations": 3,
            "stageable": 1,
            "stage_early": 1,
            "stage_staged": 1,
            "stage_missing": 0,
            "stage_unstageable": 0,
        }
    ]


def test_counts_by_site_sex_and_deprivation(count_registrations):
    got = count_registrations(
        """
        cancer_site | sex | deprivation_quintile | stage
        ------------+-----+----------------------+------
        lung        | M   | 1                    | 4
        lung        | M   | 1                    | 2
        breast      | F   | 5                    | 1
        """,
        ["cancer_site", "sex", "deprivation_quintile"],
        ["stage_early", "stage_staged"],
    )
    assert got == [
        {"cancer_site": "breast", "sex": "F", "deprivation_quintile": 5, "stage_early": 1, "stage_staged": 1},
        {"cancer_site": "lung", "sex": "M", "deprivation_quintile": 1, "stage_early": 1, "stage_staged": 2},
    ]
