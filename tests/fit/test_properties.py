"""Invariants of the FIT rules on generated episodes (Hypothesis; style guide §1): positivity never
rises as the threshold rises; counts add up across groups; every count is a subset of the one before."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.fit.spec.conftest import BASE, EPISODE

from cancer_alliance.engine import open_engine
from cancer_alliance.fit.files import collect
from cancer_alliance.fit.planning import edges, plan
from cancer_alliance.fit.rules import COUNT_COLUMNS, band_counts, programme_counts

pytestmark = pytest.mark.property

START = dt.date(2018, 4, 2)


@st.composite
def episode(draw, number: int) -> dict:
    invited = START + dt.timedelta(days=draw(st.integers(0, 300)))
    returned = draw(st.booleans())
    delay = draw(st.integers(0, 250))
    result = draw(
        st.one_of(st.none(), st.just(0.0), st.floats(0, 1000, allow_nan=False).map(lambda v: round(v, 1)))
    )
    has_result = returned and result is not None
    result_date = invited + dt.timedelta(days=delay) if has_result else None
    tested = has_result and draw(st.booleans())
    return {
        **BASE,
        "episode_id": f"e{number}",
        "ccg_code": draw(st.sampled_from(["E38000001", "E38000002", "E38000003"])),
        "sex": draw(st.sampled_from(["F", "M"])),
        "invitation_date": invited,
        "kit_returned_date": result_date,
        "fit_result_ug_g": result if has_result else None,
        "threshold_ug_g": draw(st.sampled_from([None, 120.0, 80.0])),
        "result_date": result_date,
        "diagnostic_test": "colonoscopy" if tested else None,
        "diagnostic_test_date": result_date + dt.timedelta(days=14) if tested else None,
        "outcome": draw(st.sampled_from(["cancer", "high_risk_adenoma", "no_neoplasia"])) if tested else None,
    }


@st.composite
def episodes(draw) -> list[dict]:
    n = draw(st.integers(1, 25))
    return [draw(episode(i)) for i in range(n)]


ENGINE = open_engine("duckdb")
#: Each example runs engine queries (about a second on a shared machine): fewer than the profile's 50.
EXAMPLES = settings(max_examples=15)


@EXAMPLES
@given(episodes(), st.lists(st.floats(0, 500, allow_nan=False), min_size=1, max_size=5))
def test_positivity_never_rises_as_the_threshold_rises(rows, thresholds):
    frame = ENGINE.frame(EPISODE, rows)
    table = plan(collect(band_counts(frame, edges(thresholds))), thresholds).sort_values("threshold")
    assert table["positive"].is_monotonic_decreasing
    assert table["colonoscopies"].dropna().is_monotonic_decreasing


@EXAMPLES
@given(episodes())
def test_counts_add_up_across_groups_and_nest(rows):
    frame = ENGINE.frame(EPISODE, rows)
    total = collect(programme_counts(frame)).iloc[0]
    by_group = collect(programme_counts(frame, ["ccg_code", "sex"]))
    for name in COUNT_COLUMNS:
        assert by_group[name].sum() == total[name]
    assert total["invited"] == len(rows)
    for bigger, smaller in zip(COUNT_COLUMNS, COUNT_COLUMNS[1:4], strict=False):
        assert total[smaller] <= total[bigger]
    assert total["cancers"] + total["high_risk_adenomas"] <= total["investigated"]
