"""Positive: screened with fit_result_ug_g >= the episode's threshold_ug_g, where blank the programme
threshold in force on the result date: 120 µg/g, 80 from 1 February 2026 (issue #13 item 1;
NHS Bowel Cancer Screening Programme FIT thresholds; `fit/data/programme_thresholds.csv`)."""

import pytest

title = "Positive results and the programme threshold"

pytestmark = pytest.mark.spec


def test_a_result_equal_to_the_threshold_is_positive(count):
    got = count(
        """
        fit_result_ug_g | threshold_ug_g
        ----------------+---------------
        120             | 120
        119.9           | 120
        80              | 80
        79.9            | 80
        """
    )
    assert (got[0]["screened"], got[0]["positive"]) == (4, 2)


def test_a_blank_threshold_is_the_programme_default_of_120(count):
    got = count(
        """
        fit_result_ug_g | threshold_ug_g
        ----------------+---------------
        120             |
        119.9           |
        100             | 80
        """
    )
    assert got[0]["positive"] == 2  # 120 at the default, 100 at its recorded 80


def test_the_default_is_80_for_results_from_february_2026(count):
    """The default is chosen by result date: 31 January 2026 is still 120, 1 February 2026 is 80."""
    got = count(
        """
        invitation_date | kit_returned_date | fit_result_ug_g | result_date
        ----------------+-------------------+-----------------+------------
        2026-01-05      | 2026-01-20        | 100             | 2026-01-31
        2026-01-05      | 2026-01-20        | 100             | 2026-02-01
        """
    )
    assert got[0]["positive"] == 1


def test_a_positive_result_outside_the_window_is_not_counted(count):
    """Positive is a subset of screened: a late result at 500 µg/g counts in neither."""
    got = count(
        """
        invitation_date | kit_returned_date | fit_result_ug_g | result_date
        ----------------+-------------------+-----------------+------------
        2018-04-02      | 2018-10-01        | 500             | 2018-10-03
        """
    )
    assert (got[0]["invited"], got[0]["screened"], got[0]["positive"]) == (1, 0, 0)
