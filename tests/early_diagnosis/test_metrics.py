"""Metrics from counts: proportions, Wilson intervals, completeness, disclosure control before the
proportions, and the ambitions as data."""

import numpy as np
import pandas as pd
import pytest

from cancer_alliance.early_diagnosis.definitions import ambitions
from cancer_alliance.early_diagnosis.metrics import against_ambitions, metrics
from cancer_alliance.early_diagnosis.published import publish_metrics

pytestmark = pytest.mark.spec


def counts(**values):
    base = dict(
        registrations=200,
        stageable=180,
        stage_early=90,
        stage_staged=150,
        stage_missing=20,
        stage_unstageable=10,
        emergency=30,
        route_known=190,
    )
    return pd.DataFrame([{**base, **values}])


def test_proportions_and_completeness():
    got = metrics(counts()).iloc[0]
    assert got["early_stage_proportion"] == 0.6
    assert got["stage_completeness"] == 150 / 170
    assert got["emergency_proportion"] == 30 / 190
    assert got["early_stage_lower_95"] < 0.6 < got["early_stage_upper_95"]


def test_public_metrics_are_computed_from_the_published_counts():
    got = publish_metrics(counts(stage_early=88, stage_staged=152, emergency=5)).iloc[0]
    assert got["stage_early"] == 90 and got["stage_staged"] == 150
    assert got["early_stage_proportion"] == 0.6
    assert got["emergency_suppressed"] and np.isnan(got["emergency_proportion"])
    assert np.isnan(got["emergency_lower_95"])


def test_ambitions_are_62_by_2020_21_and_75_by_2028_with_sources():
    assert [(a.target_proportion, a.by_period) for a in ambitions()] == [(0.62, "2020/21"), (0.75, "2028")]
    assert all(a.source and a.source_url.startswith("https://") for a in ambitions())


def test_gap_to_each_ambition():
    got = against_ambitions(metrics(counts()))
    assert got["gap_pp"].round(6).tolist() == [-2.0, -15.0]
    assert got["met"].tolist() == [False, False]
