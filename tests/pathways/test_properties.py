"""Hypothesis properties of the milestone rules (issue 12 item 9) on DuckDB: the status is a function
of day and target (and, when not reached, of the as-of day); adding a later event never changes an
earlier milestone."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cancer_alliance.engine import open_engine
from cancer_alliance.pathways import milestones
from cancer_alliance.schemas import schema

from .events import DAY0, EVENTS, event_sets, row

pytestmark = pytest.mark.property
PATHWAY_EVENT = schema("pathway_event")
AS_OF = DAY0 + dt.timedelta(days=90)


def _evaluate(rows, as_of=AS_OF):
    engine = open_engine("duckdb")
    return engine.rows(milestones(engine.frame(PATHWAY_EVENT, rows), as_of))


def _expected_status(result: dict) -> str:
    if result["outcome"] == "ruled_out" and result["status"] == "not_applicable":
        return "not_applicable"
    if result["day"] is not None:
        return "met" if result["day"] <= result["target_day"] else "breached"
    as_of_day = (result["as_of"] - result["start_date"]).days
    return "open" if as_of_day <= result["target_day"] else "overdue"


@settings(max_examples=8)  # each example is one engine query (about 2 s on DuckDB)
@given(rows=event_sets(), as_of_days=st.integers(0, 90))
def test_status_is_a_function_of_day_and_target(rows, as_of_days):
    as_of = DAY0 + dt.timedelta(days=as_of_days)
    results = _evaluate(rows, as_of)
    for result in results:
        assert result["status"] == _expected_status(result), result
        if result["day"] is not None:
            assert result["milestone_date"] <= as_of
        if result["status"] == "not_applicable":
            assert result["outcome"] == "ruled_out" and result["sequence"] > 1


@settings(max_examples=8)  # each example is one engine query (about 2 s on DuckDB)
@given(rows=event_sets(), extra=st.sampled_from(EVENTS), after=st.integers(0, 5), which=st.integers(0, 5))
def test_adding_a_later_event_never_changes_an_earlier_milestone(rows, extra, after, which):
    pathways = sorted({r["pathway_id"] for r in rows})
    pathway = pathways[which % len(pathways)]
    mine = [r for r in rows if r["pathway_id"] == pathway]
    latest = max(r["event_date"] for r in mine)
    offset = (latest - DAY0).days + after
    outcome = "cancer" if extra == "diagnosis_communicated" else None
    added = row(pathway, extra, offset, mine[0]["tumour"], outcome) | {"event_id": "added"}
    before = {(r["pathway_id"], r["milestone"]): r for r in _evaluate(rows)}
    after_rows = {(r["pathway_id"], r["milestone"]): r for r in _evaluate([*rows, added])}
    assert before.keys() == after_rows.keys()
    for key, old in before.items():
        if old["day"] is not None:
            new = after_rows[key]
            assert (new["day"], new["status"], new["milestone_date"]) == (
                old["day"],
                old["status"],
                old["milestone_date"],
            ), key
