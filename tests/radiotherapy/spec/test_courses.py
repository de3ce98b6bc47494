"""IMRT share of radical courses; hypofractionation of radical breast and prostate courses."""

import datetime as dt

from tests.radiotherapy.spec.conftest import networks

from cancer_alliance.radiotherapy.compliance import ComplianceSettings

title = "Techniques and hypofractionation"
text = (
    "Share of radical external-beam courses by IMRT (threshold 0.24, a setting: no figure in the "
    "specification); radical breast courses at 26 Gy in 5 fractions (NICE NG101) and radical prostate "
    "courses at 60 Gy in 20, from the schedule list (thresholds 0.5, settings). Courses of adults whose "
    "first fraction is in the 12 months before the as-of day (as_of - 12 months <= start < as_of). The "
    "hypofractionation checks count external-beam courses only: NHS England's service specification "
    "B01/S/a covers adult external beam radiotherapy, brachytherapy has its own (decision 0030)."
)

COURSES = """
    provider_code | icd10 | intent     | technique     | start_date | prescribed_dose_gy | fractions | age
    --------------+-------+------------+---------------+------------+--------------------+-----------+----
    PA            | C50.9 | radical    | imrt          | 2024-01-10 | 26                 | 5         | 60
    PA            | C50.1 | radical    | conventional  | 2024-02-01 | 40                 | 15        | 55
    PA            | C50.9 | palliative | conventional  | 2024-02-01 | 26                 | 5         | 70
    PA            | C61   | radical    | imrt          | 2023-03-31 | 60                 | 20        | 70
    PA            | C61   | radical    | imrt          | 2023-04-01 | 60                 | 20        | 70
    PA            | C61   | radical    | imrt          | 2024-03-31 | 60                 | 20        | 70
    PA            | C61   | radical    | imrt          | 2024-04-01 | 60                 | 20        | 70
    PA            | C61   | radical    | conventional  | 2024-03-01 | 74                 | 37        | 70
    PA            | C50.9 | radical    | imrt          | 2024-03-01 | 26                 | 5         | 17
    PA            | C61   | radical    | sabr          | 2024-03-01 | 36.25              | 5         | 68
    PA            | C61   | radical    |               | 2024-03-02 | 74                 | 37        |
"""


def test_a_26_gy_in_5_course_and_the_window_boundaries(check):
    """As of 2024-04-01 the window is 2023-04-01 to 2024-03-31: the courses of its first and last day
    count, those of the day before it (2023-03-31) and of the as-of day do not. Palliative and
    under-18 courses are left out. Breast: 26 Gy/5 and 40 Gy/15: 1 of 2 = 0.5, exactly the threshold
    (met). Prostate: 60/20 on the first and the last day, 74/37, 36.25/5 SABR and a 74/37 course with
    no technique or age recorded (counted: its schedule is known): 2 of 5. IMRT share: radical
    external-beam courses 26/5 IMRT, 40/15, the two 60/20 IMRT, 74/37, SABR (the course with no
    technique is not known to be external beam): 3 of 6."""
    check(
        """
        level    | code | requirement_id             | numerator | denominator | value | threshold | status
        ---------+------+----------------------------+-----------+-------------+-------+-----------+--------
        provider | PA   | imrt_share                 | 3         | 6           | 0.5   | 0.24      | met
        provider | PA   | hypofractionation_breast   | 1         | 2           | 0.5   | 0.5       | met
        provider | PA   | hypofractionation_prostate | 2         | 5           | 0.4   | 0.5       | not_met
        network  | N1   | imrt_share                 | 3         | 6           | 0.5   | 0.24      | met
        network  | N1   | hypofractionation_breast   | 1         | 2           | 0.5   | 0.5       | met
        network  | N1   | hypofractionation_prostate | 2         | 5           | 0.4   | 0.5       | not_met
        """,
        as_of=dt.date(2024, 4, 1),
        courses=COURSES,
        members=networks(("N1", "PA", "lead")),
        network_codes=["N1"],
        requirement_ids=["imrt_share", "hypofractionation_breast", "hypofractionation_prostate"],
    )


def test_the_window_moves_with_the_as_of_day_and_the_breast_schedule_has_a_start(check):
    """As of 2024-03-31 the window is 2023-03-31 to 2024-03-30: the 60/20 course of 2023-03-31 comes in
    and the one of 2024-03-31 goes out, so prostate is still 2 of 5. As of 2023-06-01 the breast
    requirement (from 2023-06-01) is in force but has no course in its window (no data); prostate has
    the courses of 2023-03-31 and 2023-04-01 (2 of 2). As of 2023-05-31 the breast requirement is not in
    force, so it has no row."""
    check(
        """
        level    | code | requirement_id             | numerator | denominator | value | threshold | status
        ---------+------+----------------------------+-----------+-------------+-------+-----------+--------
        provider | PA   | hypofractionation_prostate | 2         | 5           | 0.4   | 0.5       | not_met
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
        provider | PA   | hypofractionation_breast   | 0         | 0           |       | 0.5       | no_data
        provider | PA   | hypofractionation_prostate | 2         | 2           | 1     | 0.5       | met
        """,
        as_of=dt.date(2023, 6, 1),
        courses=COURSES,
        members=[],
        network_codes=[],
        requirement_ids=["hypofractionation_breast", "hypofractionation_prostate"],
    )
    check(
        """
        level    | code | requirement_id             | numerator | denominator | value | threshold | status
        ---------+------+----------------------------+-----------+-------------+-------+-----------+--------
        provider | PA   | hypofractionation_prostate | 2         | 2           | 1     | 0.5       | met
        """,
        as_of=dt.date(2023, 5, 31),
        courses=COURSES,
        members=[],
        network_codes=[],
        requirement_ids=["hypofractionation_breast", "hypofractionation_prostate"],
    )


BOOST = """
    provider_code | icd10 | technique     | start_date | prescribed_dose_gy | fractions | age
    --------------+-------+---------------+------------+--------------------+-----------+----
    PA            | C61   | imrt          | 2024-01-08 | 60                 | 20        | 70
    PA            | C61   | imrt          | 2024-01-15 | 46                 | 23        | 66
    PA            | C61   | brachytherapy | 2024-02-26 | 15                 | 1         | 66
    PA            | C61   | proton        | 2024-02-27 | 60                 | 20        | 40
"""


def test_a_brachytherapy_boost_is_not_in_the_hypofractionation_denominator(check):
    """A patient has 46 Gy/23 external beam then a 15 Gy/1 brachytherapy boost; another has 60 Gy/20.
    Only external-beam courses count (B01/S/a is for external beam; brachytherapy and protons have their
    own specifications): 1 of 2, not 1 of 4 (the boost would count the same patient twice as "not
    hypofractionated"). The IMRT share leaves both out likewise (2 of 2)."""
    check(
        """
        level    | code | requirement_id             | numerator | denominator | value | threshold | status
        ---------+------+----------------------------+-----------+-------------+-------+-----------+--------
        provider | PA   | imrt_share                 | 2         | 2           | 1     | 0.24      | met
        provider | PA   | hypofractionation_prostate | 1         | 2           | 0.5   | 0.5       | met
        """,
        as_of=dt.date(2024, 4, 1),
        courses=BOOST,
        members=[],
        network_codes=[],
        requirement_ids=["imrt_share", "hypofractionation_prostate"],
    )


def test_the_scope_is_a_setting(check):
    """With `hypofractionation_techniques=None` every technique counts, the boost and the proton course
    included: 2 of 4 (the 60 Gy/20 proton course is on the schedule)."""
    check(
        """
        level    | code | requirement_id             | numerator | denominator | value | threshold | status
        ---------+------+----------------------------+-----------+-------------+-------+-----------+--------
        provider | PA   | hypofractionation_prostate | 2         | 4           | 0.5   | 0.5       | met
        """,
        as_of=dt.date(2024, 4, 1),
        courses=BOOST,
        members=[],
        network_codes=[],
        requirement_ids=["hypofractionation_prostate"],
        settings=ComplianceSettings(hypofractionation_techniques=None),
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
