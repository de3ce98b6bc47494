"""IMRT share of radical courses; hypofractionation of radical breast and prostate courses."""

import datetime as dt

from tests.radiotherapy.spec.conftest import networks

title = "Techniques and hypofractionation"
text = (
    "Share of radical courses by IMRT (threshold 0.24, a setting: NOT FOUND in the specification); "
    "radical breast courses at 26 Gy in 5 fractions (NICE NG101) and radical prostate courses at 60 Gy "
    "in 20, from the schedule list (thresholds 0.5, settings). Courses of the 12 months up to the "
    "as-of day, adults only."
)

COURSES = """
    provider_code | icd10 | intent     | technique     | start_date | prescribed_dose_gy | fractions | age
    --------------+-------+------------+---------------+------------+--------------------+-----------+----
    PA            | C50.9 | radical    | imrt          | 2024-01-10 | 26                 | 5         | 60
    PA            | C50.1 | radical    | conventional  | 2024-02-01 | 40                 | 15        | 55
    PA            | C50.9 | palliative | conventional  | 2024-02-01 | 26                 | 5         | 70
    PA            | C61   | radical    | imrt          | 2023-04-01 | 60                 | 20        | 70
    PA            | C61   | radical    | imrt          | 2024-04-01 | 60                 | 20        | 70
    PA            | C61   | radical    | conventional  | 2024-03-01 | 74                 | 37        | 70
    PA            | C50.9 | radical    | imrt          | 2024-03-01 | 26                 | 5         | 17
    PA            | C61   | radical    | sabr          | 2024-03-01 | 36.25              | 5         | 68
    PA            | C61   | radical    | brachytherapy | 2024-03-01 | 60                 | 20        |
"""


def test_a_26_gy_in_5_course_and_the_period_boundaries(check):
    """As of 2024-04-01 the period is 2023-04-02 to 2024-04-01: the course of 2023-04-01 is out and
    the one of 2024-04-01 in. Palliative and under-18 courses are left out. Breast: 26 Gy/5 and
    40 Gy/15: 1 of 2 = 0.5, exactly the threshold (met). Prostate: 60/20 (in the period), 74/37,
    36.25/5 SABR and a 60/20 brachytherapy course with no age: 2 of 4. IMRT share: external-beam
    radical courses 26/5 IMRT, 40/15, 60/20 IMRT, 74/37, SABR: 2 of 5."""
    check(
        """
        level    | code | requirement_id             | numerator | denominator | value | threshold | status
        ---------+------+----------------------------+-----------+-------------+-------+-----------+--------
        provider | PA   | imrt_share                 | 2         | 5           | 0.4   | 0.24      | met
        provider | PA   | hypofractionation_breast   | 1         | 2           | 0.5   | 0.5       | met
        provider | PA   | hypofractionation_prostate | 2         | 4           | 0.5   | 0.5       | met
        network  | N1   | imrt_share                 | 2         | 5           | 0.4   | 0.24      | met
        network  | N1   | hypofractionation_breast   | 1         | 2           | 0.5   | 0.5       | met
        network  | N1   | hypofractionation_prostate | 2         | 4           | 0.5   | 0.5       | met
        """,
        as_of=dt.date(2024, 4, 1),
        courses=COURSES,
        members=networks(("N1", "PA", "lead")),
        network_codes=["N1"],
        requirement_ids=["imrt_share", "hypofractionation_breast", "hypofractionation_prostate"],
    )


def test_the_period_moves_with_the_as_of_day_and_the_breast_schedule_has_a_start(check):
    """As of 2024-03-31 the period is 2023-04-01 to 2024-03-31: the 60/20 course of 2023-04-01 comes in
    and the one of 2024-04-01 goes out, so prostate is still 2 of 4. As of 2023-05-31 the breast
    requirement (from 2023-06-01) is not in force, so it has no row; prostate has the 2023-04-01 course
    only (1 of 1)."""
    check(
        """
        level    | code | requirement_id             | numerator | denominator | value | threshold | status
        ---------+------+----------------------------+-----------+-------------+-------+-----------+--------
        provider | PA   | hypofractionation_prostate | 2         | 4           | 0.5   | 0.5       | met
        """,
        as_of=dt.date(2024, 3, 31),
        courses=COURSES,
        members=[],
        network_codes=[],
        requirement_ids=["hypofractionation_prostate"],
    )
    check(
        """
        level    | code | requirement_id             | numerator | denominator | value | threshold | status
        ---------+------+----------------------------+-----------+-------------+-------+-----------+--------
        provider | PA   | hypofractionation_prostate | 1         | 1           | 1     | 0.5       | met
        """,
        as_of=dt.date(2023, 5, 31),
        courses=COURSES,
        members=[],
        network_codes=[],
        requirement_ids=["hypofractionation_breast", "hypofractionation_prostate"],
    )


def test_below_the_threshold_and_a_26_gy_course_outside_the_breast(check):
    """PB: one breast course of 26 Gy/5 of 3 (1/3, not met); a 26 Gy/5 course for a prostate cancer is
    not a breast course and not on the prostate list (0 of 1, not met)."""
    check(
        """
        level    | code | requirement_id             | numerator | denominator | value              | threshold | status
        ---------+------+----------------------------+-----------+-------------+--------------------+-----------+--------
        provider | PB   | hypofractionation_breast   | 1         | 3           | 0.3333333333333333 | 0.5       | not_met
        provider | PB   | hypofractionation_prostate | 0         | 1           | 0                  | 0.5       | not_met
        """,
        as_of=dt.date(2024, 4, 1),
        courses="""
            provider_code | icd10 | start_date | prescribed_dose_gy | fractions
            --------------+-------+------------+--------------------+----------
            PB            | C50.9 | 2024-01-10 | 26                 | 5
            PB            | C50.9 | 2024-01-11 | 40                 | 15
            PB            | C50.2 | 2024-01-12 | 50                 | 25
            PB            | C61   | 2024-01-13 | 26                 | 5
        """,
        members=[],
        network_codes=[],
        requirement_ids=["hypofractionation_breast", "hypofractionation_prostate"],
    )
