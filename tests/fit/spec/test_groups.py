"""Groups: alliance, CCG, screening centre, sex, 5-year age band, deprivation quintile and month of
invitation, any combination (issue #13 item 1)."""

import pytest

title = "Breakdowns of the FIT programme metrics"

pytestmark = pytest.mark.spec


def test_counts_by_age_band_and_month_of_invitation(count):
    got = count(
        """
        age_at_invitation | invitation_date | fit_result_ug_g
        ------------------+-----------------+----------------
        60                | 2018-04-02      | 0
        64                | 2018-04-30      | 150
        65                | 2018-04-02      | 0
        74                | 2018-05-01      | 0
        """,
        ["age_band", "invitation_month"],
    )
    assert [(r["age_band"], r["invitation_month"], r["invited"], r["positive"]) for r in got] == [
        ("60-64", "2018-04", 2, 1),
        ("65-69", "2018-04", 1, 0),
        ("70-74", "2018-05", 1, 0),
    ]


def test_counts_by_ccg_centre_sex_and_deprivation(count):
    got = count(
        """
        ccg_code  | screening_centre_code | sex | deprivation_quintile | fit_result_ug_g
        ----------+-----------------------+-----+----------------------+----------------
        E38000001 | RAA                   | F   | 1                    | 130
        E38000001 | RAA                   | F   | 1                    | 0
        E38000002 | RAB                   | M   | 5                    |
        """,
        ["ccg_code", "screening_centre_code", "sex", "deprivation_quintile"],
    )
    assert [(r["ccg_code"], r["invited"], r["screened"], r["positive"]) for r in got] == [
        ("E38000001", 2, 2, 1),
        ("E38000002", 1, 0, 0),  # no result: invited, not screened
    ]


def test_an_unknown_group_is_refused(count):
    with pytest.raises(ValueError, match="unknown group 'ccg'"):
        count("fit_result_ug_g\n---\n0", ["ccg"])
