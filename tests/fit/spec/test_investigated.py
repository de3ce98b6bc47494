"""Investigated, outcomes and time to test: `investigated` = positive with a diagnostic_test; cancers
and high_risk_adenomas = investigated with that outcome; median_days_result_to_test among investigated
(issue #13 item 1; BCSP programme metric definitions)."""

import pytest

title = "Investigated, outcomes and time to test"

pytestmark = pytest.mark.spec


def test_only_positives_with_a_diagnostic_test_are_investigated(count):
    got = count(
        """
        fit_result_ug_g | diagnostic_test | diagnostic_test_date | outcome
        ----------------+-----------------+----------------------+------------------
        200             | colonoscopy     | 2018-05-02           | cancer
        200             | ctc             | 2018-05-12           | high_risk_adenoma
        200             |                 |                      |
        50              | colonoscopy     | 2018-05-02           | cancer
        """
    )
    row = got[0]
    assert (row["positive"], row["investigated"], row["cancers"], row["high_risk_adenomas"]) == (3, 2, 1, 1)
    assert row["median_days_result_to_test"] == 25.0  # 20 and 30 days after the result on 2018-04-12


def test_investigated_without_a_result_date_is_not_counted(count):
    """A diagnostic test recorded for an episode with no result date: not screened, so neither positive
    nor investigated, and its outcome is no cancer detected by the programme."""
    got = count(
        """
        fit_result_ug_g | result_date | diagnostic_test | diagnostic_test_date | outcome
        ----------------+-------------+-----------------+----------------------+-------
        200             |             | colonoscopy     | 2018-05-02           | cancer
        """
    )
    row = got[0]
    assert (row["screened"], row["positive"], row["investigated"], row["cancers"]) == (0, 0, 0, 0)
    assert row["median_days_result_to_test"] is None


def test_adenomas_and_no_neoplasia_count_in_neither_outcome(count):
    got = count(
        """
        fit_result_ug_g | diagnostic_test | diagnostic_test_date | outcome
        ----------------+-----------------+----------------------+-------------
        200             | colonoscopy     | 2018-05-02           | adenoma
        200             | colonoscopy     | 2018-05-02           | no_neoplasia
        200             | colonoscopy     | 2018-05-02           |
        """
    )
    row = got[0]
    assert (row["investigated"], row["cancers"], row["high_risk_adenomas"]) == (3, 0, 0)
    assert row["median_days_result_to_test"] == 20.0
