"""The bowel screening presenters, without a browser (style guide §2): labels, intervals, yield sources,
demand against slots and the public plan."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cancer_alliance.fit.published import as_seen, published_plan
from cancer_alliance.stats.disclosure import DisclosurePolicy
from cancer_alliance.web.presenters import fit as present

pytestmark = pytest.mark.web


def test_metric_rows_show_counts_rates_intervals_and_the_median():
    counts = pd.DataFrame(
        {"invited": [10], "screened": [8], "positive": [4], "investigated": [2], "cancers": [1],
         "high_risk_adenomas": [1], "median_days_result_to_test": [21.0]}
    )  # fmt: skip
    rows = {row.label: row for row in present.metric_rows(as_seen(counts, None).iloc[0].to_dict())}
    assert rows["Invited"].value == "10"
    assert rows["Uptake (screened of invited)"].value == "80.0%"
    assert rows["Uptake (screened of invited)"].interval == "49.0% to 94.3%"
    assert rows["Cancers detected per 1,000 screened"].value == "125.00"
    assert rows["Median days from result to test"].value == "21"


def test_public_metric_rows_show_c_for_withheld_counts_and_rates_over_them():
    """Issue 22: withheld FIT cells (PPV) were blank; withheld is `[c]` everywhere, and a rate over a
    withheld count is withheld with it, while a true 0 stays 0."""
    counts = pd.DataFrame(
        {"invited": [400], "screened": [240], "positive": [20], "investigated": [15], "cancers": [2],
         "high_risk_adenomas": [0], "median_days_result_to_test": [21.0]}
    )  # fmt: skip
    rows = {
        row.label: row for row in present.metric_rows(as_seen(counts, DisclosurePolicy()).iloc[0].to_dict())
    }
    assert rows["Invited"].value == "400" and rows["Cancers"].value == "[c]"
    assert rows["PPV for cancer (cancers of investigated)"].value == "[c]"
    assert rows["PPV for cancer (cancers of investigated)"].interval == ""
    assert rows["Cancers detected per 1,000 screened"].value == "[c]"
    assert rows["PPV for high-risk adenoma"].value == "0.0%"


def test_yield_sources_in_words():
    assert present.yield_source_text("observed") == "Observed"
    assert "stated assumption 1 (+11% cancers, 80 to 120 µg/g)" in present.yield_source_text(
        "assumed:nhse_2026_80"
    )
    assert present.yield_source_text("not_estimated").startswith("Not estimated")


def test_demand_by_month_adds_centres_and_compares_with_slots():
    demand = pd.DataFrame(
        {"threshold": [120.0, 120.0, 120.0], "screening_centre_code": ["A", "B", "A"],
         "month": ["2018-04", "2018-04", "2018-05"], "positive": [2, 3, 1], "colonoscopies": [2.0, 3.0, 1.0]}
    )  # fmt: skip
    table = present.demand_by_month(demand, 4.0)
    assert table[["month", "colonoscopies", "shortfall"]].values.tolist() == [
        ["2018-04", 5.0, 1.0],
        ["2018-05", 1.0, -3.0],
    ]
    assert math.isnan(present.demand_by_month(demand, None)["shortfall"].iloc[0])


def test_the_public_plan_controls_the_counts_and_the_estimates_like_counts():
    """Observed yields are counts of people, and at the threshold in use colonoscopies are the
    investigated count: the estimates are withheld up to 7 and rounded to 5 like counts."""
    plan = pd.DataFrame(
        {"threshold": [120.0], "screened": [1003], "positive": [6], "positivity": [6 / 1003],
         "colonoscopies": [5.6], "cancers": [0.4], "high_risk_adenomas": [1.2], "yield_source": ["observed"]}
    )  # fmt: skip
    row = published_plan(plan, DisclosurePolicy()).iloc[0]
    assert row["screened"] == 1005 and math.isnan(row["positive"]) and row["positive_suppressed"]
    assert math.isnan(row["positivity"])
    assert row[["colonoscopies", "cancers", "high_risk_adenomas"]].isna().all()  # would reveal positives
    bigger = published_plan(plan.assign(positive=[60], colonoscopies=[56.4]), DisclosurePolicy()).iloc[0]
    assert (bigger["positive"], bigger["colonoscopies"]) == (60, 55.0) and math.isnan(bigger["cancers"])


def test_the_public_plan_withholds_what_gives_away_the_alliances_complements():
    """An alliance whose positive and cancers counts are complements of the public tables
    (docs/decisions/0054): the plan's positive (the same count at the threshold in use), positivity,
    colonoscopies and cancers are withheld; screened stays."""
    plan = pd.DataFrame(
        {"threshold": [120.0, 80.0], "screened": [1003, 1003], "positive": [60, 90],
         "positivity": [0.06, 0.09], "colonoscopies": [56.4, 84.6], "cancers": [12.0, 14.0],
         "high_risk_adenomas": [20.0, 25.0], "yield_source": ["observed", "observed"]}
    )  # fmt: skip
    out = published_plan(plan, DisclosurePolicy(), frozenset({"positive", "cancers"}))
    assert list(out["screened"]) == [1005, 1005]
    assert out[["positive", "positivity", "colonoscopies", "cancers"]].isna().all().all()
    assert out["positive_suppressed"].all() and list(out["high_risk_adenomas"]) == [20.0, 25.0]
