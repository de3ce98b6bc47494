"""Invited and screened: `screened` = a fit_result_ug_g and a result_date no more than 183 days after
invitation_date; uptake = screened / invited (issue #13 item 1; BCSP programme metric definitions, "adequately
screened within 6 months of invitation")."""

import pytest

title = "Invited and screened"

pytestmark = pytest.mark.spec


def test_the_183_day_window_includes_day_183_and_excludes_day_184(count):
    """Invited 2018-04-02: day 183 is 2018-10-02, day 184 is 2018-10-03."""
    got = count(
        """
        invitation_date | kit_returned_date | result_date
        ----------------+-------------------+------------
        2018-04-02      | 2018-09-30        | 2018-10-02
        2018-04-02      | 2018-09-30        | 2018-10-03
        """
    )
    assert (got[0]["invited"], got[0]["screened"]) == (2, 1)


def test_a_result_needs_both_a_value_and_a_date(count):
    """A kit returned without a result, a result without a date and a date without a result are invited
    but not screened."""
    got = count(
        """
        kit_returned_date | fit_result_ug_g | result_date
        ------------------+-----------------+------------
        2018-04-10        | 12.5            | 2018-04-12
        2018-04-10        |                 |
        2018-04-10        | 12.5            |
        2018-04-10        |                 | 2018-04-12
                          |                 |
        """
    )
    assert (got[0]["invited"], got[0]["screened"]) == (5, 1)


def test_a_changed_window_is_a_setting(count):
    """The window is `FitSettings.uptake_window_days`; 0 days counts only same-day results."""
    from cancer_alliance.fit.settings import FitSettings

    got = count(
        """
        invitation_date | kit_returned_date | result_date
        ----------------+-------------------+------------
        2018-04-02      | 2018-04-02        | 2018-04-02
        2018-04-02      | 2018-04-02        | 2018-04-03
        """,
        settings=FitSettings(uptake_window_days=0),
    )
    assert got[0]["screened"] == 1
