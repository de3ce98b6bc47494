"""Threshold planning (issue #13 item 2; `fit/planning.py`): positives at each threshold observed from
every screened result; colonoscopies = positives x observed conversion; expected cancers and high-risk
adenomas from each result band's observed yield where that band was referred, else the stated
assumption (NHS England, Jan 2026: +11% cancers at 80 µg/g, 2,000 / 600 high-risk adenomas per extra
cancer; `fit/data/yield_assumptions.csv`), else not estimated; `yield_source` says which."""

import math

import pytest

from cancer_alliance.fit.planning import demand, edges, plan

title = "Threshold planning"

pytestmark = pytest.mark.spec

COLUMNS = ["threshold", "screened", "positive", "positivity", "colonoscopies", "cancers", "high_risk_adenomas", "yield_source"]

#: Everyone at the default 120: 20 screened; 4 at or above 120 (3 investigated: 1 cancer, 1 HRA);
#: 2 in [80, 120), 1 in [40, 80), 1 in [20, 40), 12 below 20.
AT_120 = (
    """
    fit_result_ug_g | diagnostic_test | diagnostic_test_date | outcome
    ----------------+-----------------+----------------------+------------------
    400             | colonoscopy     | 2018-05-02           | cancer
    200             | colonoscopy     | 2018-05-02           | high_risk_adenoma
    130             | colonoscopy     | 2018-05-02           | no_neoplasia
    120             |                 |                      |
    100             |                 |                      |
    80              |                 |                      |
    50              |                 |                      |
    25              |                 |                      |
"""
    + "    0               |                 |                      |\n" * 12
)


def rows(table):
    return [tuple(row) for row in table[COLUMNS].itertuples(index=False)]


def close(got, expected):
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        for a, b in zip(g, e, strict=True):
            if isinstance(b, float) and math.isnan(b):
                assert isinstance(a, float) and math.isnan(a), (g, e)
            elif isinstance(b, float):
                assert a == pytest.approx(b), (g, e)
            else:
                assert a == b, (g, e)


def test_everyone_at_120_observed_at_120_assumed_at_80_not_estimated_below(bands):
    """Conversion 3/4. At 120: 4 x 3/4 = 3 colonoscopies, 3 x 1/3 = 1 cancer and 1 HRA (observed). At 80:
    band [80,120) was never referred, so +11% of 1 cancer = 0.11 and 0.11 x 2000/600 HRA. Below 80 there
    is no stated assumption: cancers blank, `not_estimated`."""
    got = plan(bands(AT_120, edges([120, 80, 40, 20])), [120, 80, 40, 20])
    hra_80 = 1 + 0.11 * 2000 / 600
    close(
        rows(got),
        [
            (120.0, 20, 4, 0.2, 3.0, 1.0, 1.0, "observed"),
            (80.0, 20, 6, 0.3, 4.5, 1.11, hra_80, "assumed:nhse_2026_80"),
            (40.0, 20, 7, 0.35, 5.25, math.nan, math.nan, "not_estimated"),
            (20.0, 20, 8, 0.4, 6.0, math.nan, math.nan, "not_estimated"),
        ],
    )


def test_a_centre_already_on_80_makes_the_80_band_observed(bands):
    """A centre on 80 referred a 90 µg/g result (a cancer) and a 100 (no neoplasia). Referred: the 4 at
    120+ at RAA and both 80-band episodes at RAB; investigated 3 + 2: conversion 5/6. Band [80,120)
    PPV cancer 1/2: 2 positives x 5/6 x 1/2 = 5/6 cancers; band 120+: 4 x 5/6 x 1/3 = 10/9."""
    table = """
        screening_centre_code | fit_result_ug_g | threshold_ug_g | diagnostic_test | diagnostic_test_date | outcome
        ----------------------+-----------------+----------------+-----------------+----------------------+-------------
        RAA                   | 400             | 120            | colonoscopy     | 2018-05-02           | cancer
        RAA                   | 200             | 120            | colonoscopy     | 2018-05-02           | high_risk_adenoma
        RAA                   | 130             | 120            | colonoscopy     | 2018-05-02           | no_neoplasia
        RAA                   | 120             | 120            |                 |                      |
        RAB                   | 90              | 80             | colonoscopy     | 2018-05-02           | cancer
        RAB                   | 100             | 80             | colonoscopy     | 2018-05-02           | no_neoplasia
        RAB                   | 0               | 80             |                 |                      |
    """
    got = plan(bands(table, edges([120, 80]), ["screening_centre_code", "result_month"]), [120, 80])
    c = 5 / 6
    close(
        rows(got),
        [
            (120.0, 7, 4, 4 / 7, 4 * c, 4 * c / 3, 4 * c / 3, "observed"),
            (80.0, 7, 6, 6 / 7, 6 * c, 4 * c / 3 + c, 4 * c / 3, "observed"),
        ],
    )


def test_a_threshold_between_bands_shares_the_assumption_by_positives(bands):
    """Planning 100 with everyone at 120: [100,120) has 1 of the 2 positives in [80,120), so half of the
    +11%: 0.055 cancers more than at 120."""
    got = plan(bands(AT_120, edges([100])), [100])
    close(rows(got), [(100.0, 20, 5, 0.25, 3.75, 1.055, 1 + 0.055 * 2000 / 600, "assumed:nhse_2026_80")])


def test_demand_by_centre_and_month_against_capacity(bands):
    """Demand = positives x observed conversion (here 1: every positive investigated); shortfall =
    demand - slots; a centre-month without capacity has blank slots."""
    import pandas as pd

    table = """
        screening_centre_code | invitation_date | kit_returned_date | fit_result_ug_g | result_date | diagnostic_test | diagnostic_test_date | outcome
        ----------------------+-----------------+-------------------+-----------------+-------------+-----------------+----------------------+-------
        RAA                   | 2018-04-02      | 2018-04-10        | 150             | 2018-04-12  | colonoscopy     | 2018-05-02           | cancer
        RAA                   | 2018-04-02      | 2018-05-10        | 100             | 2018-05-12  |                 |                      |
        RAB                   | 2018-04-02      | 2018-04-10        | 130             | 2018-04-12  | colonoscopy     | 2018-05-02           | adenoma
    """
    capacity = pd.DataFrame({"screening_centre_code": ["RAA"], "month": ["2018-04"], "slots": [3.0]})
    got = demand(bands(table, edges([120, 80]), ["screening_centre_code", "result_month"]), [120, 80], capacity)
    assert [tuple(r) for r in got[["threshold", "screening_centre_code", "month", "colonoscopies"]].itertuples(index=False)] == [
        (120.0, "RAA", "2018-04", 1.0),
        (120.0, "RAB", "2018-04", 1.0),
        (80.0, "RAA", "2018-04", 1.0),
        (80.0, "RAA", "2018-05", 1.0),
        (80.0, "RAB", "2018-04", 1.0),
    ]
    assert got["shortfall"].tolist()[0] == -2.0
    assert got["slots"].isna().sum() == 3
