"""Early diagnosis as a viewer may see it (`early_diagnosis.published`, docs/decisions/0035, 0042): exact
figures with SPC for signed-in staff; for a published table the counts are controlled, every proportion
and interval comes from them, and there is no SPC over the rounded counts."""

from __future__ import annotations

import math

import pandas as pd

from cancer_alliance.early_diagnosis.published import SPC_WITHHELD, as_seen, yearly_spc
from cancer_alliance.stats.disclosure import DisclosurePolicy

COUNTS = pd.DataFrame(
    {
        "year": [2016, 2017, 2018, 2019, 2020, 2021],
        "registrations": [120, 130, 125, 140, 150, 9],
        "stage_early": [52, 61, 57, 66, 73, 4],
        "stage_staged": [101, 112, 108, 119, 131, 8],
        "stage_missing": [19, 18, 17, 21, 19, 1],
        "stage_unstageable": [0, 0, 0, 0, 0, 0],
        "emergency": [None] * 6,
        "route_known": [None] * 6,
    }
)


def test_exact_figures_have_spc_and_published_ones_say_why_not():
    exact = as_seen(COUNTS, None)
    points, found, withheld = yearly_spc(exact, 0.75, None)
    assert withheld is None and len(points) == 6 and found["assurance_type"]
    assert list(exact["early_stage_proportion"])[:1] == [52 / 101]
    points, found, withheld = yearly_spc(exact, 0.75, DisclosurePolicy())
    assert points.empty and found == {} and withheld == SPC_WITHHELD


def test_published_proportions_and_intervals_come_from_the_published_counts():
    shown = as_seen(COUNTS, DisclosurePolicy())
    assert list(shown["stage_early"])[:2] == [50, 60]
    assert shown["early_stage_proportion"].iloc[0] == 50 / 100
    assert all(
        low <= share <= high
        for share, low, high in shown[
            ["early_stage_proportion", "early_stage_lower_95", "early_stage_upper_95"]
        ]
        .dropna()
        .itertuples(index=False)
    )
    last = shown.iloc[-1]
    assert last["stage_early_suppressed"] and math.isnan(last["early_stage_proportion"])
    assert math.isnan(last["early_stage_lower_95"])
