"""The timed-pathways presenter (issue 12 item 8): rows as the page shows them, without a browser."""

from __future__ import annotations

import pandas as pd
import pytest

from cancer_alliance.pathways.published import (
    COMPLIANCE,
    COMPLIANCE_COUNTS,
    published,
    published_bottleneck,
    published_steps,
    with_intervals,
)
from cancer_alliance.stats.disclosure import DisclosurePolicy
from cancer_alliance.web.presenters import pathways as present

pytestmark = pytest.mark.web


def _compliance(met: int, decided: int) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "tumour": "lung",
                "milestone": "pet_ct",
                "met": met,
                "breached": decided - met,
                "overdue": 0,
                "open": 2,
                "decided": decided,
                "compliance": met / decided,
            }
        ]
    )


def test_compliance_rows_name_the_milestone_its_target_and_interval():
    [row] = present.compliance_rows(with_intervals(_compliance(30, 40)))
    assert (row.tumour, row.milestone, row.target) == ("Lung", "PET-CT", "day 14 (unverified)")
    assert (row.met, row.decided, row.compliance) == ("30", "40", "75.0%")
    assert row.interval == "59.8% to 85.8%"


def test_the_public_gets_rounded_counts_and_withheld_small_ones():
    public = with_intervals(
        published(_compliance(5, 40), DisclosurePolicy(), COMPLIANCE_COUNTS, (COMPLIANCE,))
    )
    [row] = present.compliance_rows(public)
    assert (row.met, row.decided, row.compliance, row.interval) == ("[c]", "40", "", "")


def test_steps_are_named_from_day_0_and_hidden_when_withheld():
    steps = pd.DataFrame(
        [
            {
                "tumour": "lung",
                "step": "day 0 to ct",
                "sequence": 1,
                "pathways": 4,
                "median_days": 2.0,
                "p90_days": 5.0,
                "allowed": 3,
                "mean_days_lost": 1.25,
                "share_over": 0.25,
            },
            {
                "tumour": "lung",
                "step": "ct to pet_ct",
                "sequence": 2,
                "pathways": 40,
                "median_days": 9.0,
                "p90_days": 20.0,
                "allowed": 11,
                "mean_days_lost": 3.0,
                "share_over": 0.4,
            },
        ]
    )
    rows = present.step_rows(published_steps(steps, DisclosurePolicy()))
    assert [(r.step, r.pathways, r.median, r.p90, r.lost) for r in rows] == [
        ("Day 0 to CT", "[c]", "[c]", "[c]", "[c]"),  # withheld with its count, never blank
        ("CT to PET-CT", "40", "9", "20", "3.0"),
    ]
    spec = present.steps_chart(steps, "East of England")
    assert [v["step"] for v in spec["data"]["values"]] == ["Day 0 to CT", "CT to PET-CT"]


def test_a_bottleneck_whose_pathways_are_withheld_withholds_its_mean_days_lost():
    """A mean of whole days over a few pathways narrows their number (1.4 days: 7 over 5 or 10 over 7),
    so the public sees [c] for both, as the trust's own step row shows them."""
    bottleneck = pd.DataFrame(
        [
            {
                "provider_code": "RX1",
                "tumour": "lung",
                "step": "mdt to diagnosis",
                "mean_days_lost": 1.4,
                "pathways": 5,
            },
            {
                "provider_code": "RX1",
                "tumour": "prostate",
                "step": "triage to mpmri",
                "mean_days_lost": 2.2,
                "pathways": 30,
            },
        ]
    )
    steps = pd.DataFrame(
        [
            {"code": "RX1", "tumour": "lung", "step": "mdt to diagnosis", "pathways": None},
            {"code": "RX1", "tumour": "prostate", "step": "triage to mpmri", "pathways": 30.0},
        ]
    )
    shown = published_bottleneck(bottleneck, DisclosurePolicy(), steps)
    rows = present.bottleneck_rows(shown, {"RX1": "Nottingham"})
    assert [(r.lost, r.pathways) for r in rows] == [("[c]", "[c]"), ("2.2", "30")]


def test_a_trend_month_with_withheld_counts_shows_its_compliance_as_withheld():
    trend = pd.DataFrame(
        [
            {
                "month": "2018-04",
                "met": None,
                "decided": None,
                "compliance": None,
                "mean": None,
                "lpl": None,
                "upl": None,
                "point_type": None,
            },
            {
                "month": "2018-05",
                "met": 20.0,
                "decided": 25.0,
                "compliance": 0.8,
                "mean": None,
                "lpl": None,
                "upl": None,
                "point_type": None,
            },
        ]
    )
    assert [(r.met, r.decided, r.compliance) for r in present.trend_rows(trend)] == [
        ("[c]", "[c]", "[c]"),
        ("20", "25", "80.0%"),
    ]
