"""Rates from the counts, each a fraction 0..1 with its Wilson 95% interval (detection per 1,000
screened): uptake, positivity, conversion, ppv_cancer, ppv_hra, cancer_detection_per_1000 (issue #13
item 1; `fit/metrics.py`). Worked by hand: 10 invited, 8 screened, 4 positive, 2 investigated, 1 cancer,
1 high-risk adenoma."""

import pandas as pd
import pytest

from cancer_alliance.fit.files import collect
from cancer_alliance.fit.metrics import metrics, publish_metrics
from cancer_alliance.fit.rules import programme_counts

title = "Rates with Wilson intervals"

pytestmark = [pytest.mark.spec, pytest.mark.over_connect]  # also over Spark Connect (docs/decisions/0034)

EPISODES = """
    fit_result_ug_g | result_date | diagnostic_test | diagnostic_test_date | outcome
    ----------------+-------------+-----------------+----------------------+------------------
    300             | 2018-04-12  | colonoscopy     | 2018-05-02           | cancer
    150             | 2018-04-12  | colonoscopy     | 2018-05-02           | high_risk_adenoma
    150             | 2018-04-12  |                 |                      |
    120             | 2018-04-12  |                 |                      |
    0               | 2018-04-12  |                 |                      |
    0               | 2018-04-12  |                 |                      |
    10              | 2018-04-12  |                 |                      |
    20              | 2018-04-12  |                 |                      |
                    |             |                 |                      |
                    |             |                 |                      |
"""


def test_each_rate_as_worked_by_hand(episodes):
    row = metrics(collect(programme_counts(episodes(EPISODES)))).iloc[0]
    assert (row["invited"], row["screened"], row["positive"], row["investigated"]) == (10, 8, 4, 2)
    assert row["uptake"] == pytest.approx(0.8)
    assert row["positivity"] == pytest.approx(0.5)
    assert row["conversion"] == pytest.approx(0.5)
    assert row["ppv_cancer"] == pytest.approx(0.5)
    assert row["ppv_hra"] == pytest.approx(0.5)
    assert row["cancer_detection_per_1000"] == pytest.approx(125.0)


def test_wilson_limits_of_uptake_8_of_10():
    """Wilson (1927) at z = 1.96 for 8/10: 0.4902 to 0.9433 (APHO technical briefing 3 formula)."""
    counts = pd.DataFrame(
        {"invited": [10], "screened": [8], "positive": [0], "investigated": [0], "cancers": [0], "high_risk_adenomas": [0]}
    )
    row = metrics(counts).iloc[0]
    assert row["uptake_lower_95"] == pytest.approx(0.4902, abs=5e-5)
    assert row["uptake_upper_95"] == pytest.approx(0.9433, abs=5e-5)
    assert pd.isna(row["conversion"]) and pd.isna(row["conversion_lower_95"])  # 0 positives: no rate


def test_published_rates_come_from_the_controlled_counts():
    """For the public role: counts 1-7 withheld, others rounded to 5, rates from the published counts
    (docs/decisions/0006)."""
    counts = pd.DataFrame(
        {
            "invited": [1003],
            "screened": [612],
            "positive": [13],
            "investigated": [6],
            "cancers": [1],
            "high_risk_adenomas": [0],
            "median_days_result_to_test": [21.0],
        }
    )
    row = publish_metrics(counts).iloc[0]
    assert (row["invited"], row["screened"], row["positive"]) == (1005, 610, 15)
    assert pd.isna(row["investigated"]) and row["investigated_suppressed"]
    assert row["uptake"] == pytest.approx(610 / 1005)
    assert pd.isna(row["conversion"]) and pd.isna(row["ppv_cancer"])
    assert pd.isna(row["median_days_result_to_test"])
