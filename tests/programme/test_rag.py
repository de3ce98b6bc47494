"""The RAG rule as data (issue 15 item 1): green at or above the trajectory, amber within the tolerance
below it, red further below; the latest trajectory month with a value decides."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cancer_alliance.programme import metrics
from cancer_alliance.programme.metrics import MetricSource, metric_source, metric_sources, register
from cancer_alliance.programme.rag import RagBand, RagRules, assess, rag_rules, tally
from cancer_alliance.store.programme import Rag

TRAJECTORY = {"2019-01": 0.80, "2019-02": 0.82, "2019-03": 0.85}

# actual in the month decided, the month `as_of`, the expected RAG and the month that decided it
CASES = [
    (0.85, "2019-03", Rag.green, "2019-03"),  # exactly on the trajectory
    (0.90, "2019-03", Rag.green, "2019-03"),
    (0.80, "2019-03", Rag.amber, "2019-03"),  # exactly the 5-point tolerance below
    (0.7999, "2019-03", Rag.red, "2019-03"),
    (0.50, "2019-03", Rag.red, "2019-03"),
]


@pytest.mark.parametrize(("actual", "as_of", "expected", "month"), CASES)
def test_the_shipped_rule_at_its_boundaries(actual, as_of, expected, month):
    result = assess(TRAJECTORY, {"2019-03": actual}, as_of)
    assert (result.rag, result.month, result.target) == (expected, month, 0.85)


def test_the_latest_trajectory_month_with_a_value_up_to_the_month_decides():
    actuals = {"2019-01": 0.81, "2019-02": 0.70, "2019-04": 0.99}
    assert assess(TRAJECTORY, actuals, "2019-03").month == "2019-02"  # March has no value yet
    assert assess(TRAJECTORY, actuals, "2019-03").rag is Rag.red
    assert assess(TRAJECTORY, actuals, "2019-01").rag is Rag.green
    assert assess(TRAJECTORY, {"2019-04": 0.99}, "2019-12").rag is None  # April is not a trajectory month


def test_lower_is_better_turns_the_gap_round():
    assert assess({"2019-01": 10.0}, {"2019-01": 9.0}, "2019-01", higher_is_better=False).rag is Rag.green
    assert assess({"2019-01": 10.0}, {"2019-01": 11.0}, "2019-01", higher_is_better=False).rag is Rag.red


def test_the_tolerance_is_a_setting():
    strict = rag_rules().with_tolerance(0.0)
    assert assess(TRAJECTORY, {"2019-03": 0.849}, "2019-03", rules=strict).rag is Rag.red
    wide = rag_rules().with_tolerance(0.10)
    assert assess(TRAJECTORY, {"2019-03": 0.76}, "2019-03", rules=wide).rag is Rag.amber


def test_rules_must_end_with_a_band_for_every_gap_and_fall_in_order():
    with pytest.raises(ValueError, match="last band"):
        RagRules((RagBand(Rag.green, 0.0, "on"),))
    with pytest.raises(ValueError, match="fall"):
        RagRules((RagBand(Rag.amber, -0.1, "a"), RagBand(Rag.green, 0.0, "g"), RagBand(Rag.red, None, "r")))


def test_tally_counts_each_status():
    results = [assess(TRAJECTORY, {"2019-03": a}, "2019-03") for a in (0.9, 0.81, 0.5, None)]
    assert tally(results) == {"red": 1, "amber": 1, "green": 1, "none": 1}


def test_every_cwt_standard_and_the_early_stage_proportion_are_linkable():
    keys = {source.key for source in metric_sources()}
    assert {
        "cwt:62d_usc",
        "cwt:2ww",
        "cwt:31d_first",
        "cwt:fds",
        "early_diagnosis:early_stage_proportion",
    } <= keys


def test_the_cwt_source_reads_the_alliance_performance_results(tmp_path):
    results = tmp_path / "results"
    results.mkdir()
    pd.DataFrame(
        {
            "standard_id": ["62d_usc", "62d_usc", "2ww", "62d_usc"],
            "reporting_month": ["2019-01", "2019-02", "2019-01", "2019-01"],
            "alliance": ["E56000009", "E56000009", "E56000009", "E56000018"],
            "within": [34.0, 0.0, 10.0, 1.0],
            "total": [40.0, 0.0, 10.0, 1.0],
        }
    ).to_parquet(results / "performance_month_alliance.parquet")
    source = metric_source("cwt:62d_usc")
    assert source.actuals(tmp_path, "E56000009") == {"2019-01": 0.85}  # no patients: no value
    assert source.series(tmp_path / "nowhere", "E56000009").empty


def test_the_early_stage_source_gives_each_month_its_years_ndrs_value():
    actuals = metric_source("early_diagnosis:early_stage_proportion").actuals(None, "E56000009")
    assert actuals["2018-01"] == actuals["2018-12"]
    assert 0.4 < actuals["2018-06"] < 0.7


def test_another_domain_adds_a_metric_with_one_register_call(monkeypatch):
    metric_sources()  # the shipped ones first, then a copy this test may add to
    monkeypatch.setattr(metrics, "_REGISTRY", dict(metrics._REGISTRY))
    source = MetricSource(
        key="test:uptake",
        label="Test uptake",
        priority="screening",
        load=lambda home, code: pd.DataFrame({"month": ["2019-01"], "value": [0.6]}),
    )
    register(source)
    assert metric_source("test:uptake").actuals(None, "E56000009") == {"2019-01": 0.6}
    with pytest.raises(ValueError, match="already registered"):
        register(MetricSource(key="test:uptake", label="other", priority="screening", load=source.load))


@pytest.mark.property
@given(
    target=st.floats(0, 1),
    low=st.floats(0, 1),
    high=st.floats(0, 1),
    tolerance=st.floats(0, 0.5),
    higher_is_better=st.booleans(),
)
def test_a_better_value_never_gets_a_worse_rag(target, low, high, tolerance, higher_is_better):
    """Invariant of any RAG rule: moving the metric in the better direction never worsens the status."""
    worse, better = sorted([low, high]) if higher_is_better else sorted([low, high], reverse=True)
    rules = rag_rules().with_tolerance(tolerance)
    order = {Rag.red: 0, Rag.amber: 1, Rag.green: 2}
    at = {"2019-01": target}
    first = assess(at, {"2019-01": worse}, "2019-01", higher_is_better=higher_is_better, rules=rules)
    second = assess(at, {"2019-01": better}, "2019-01", higher_is_better=higher_is_better, rules=rules)
    assert order[first.rag] <= order[second.rag]
    on_target = assess(at, {"2019-01": target}, "2019-01", higher_is_better=higher_is_better, rules=rules)
    assert on_target.rag is Rag.green
