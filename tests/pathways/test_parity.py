"""DuckDB and Spark give the same milestones and unevaluated pathways on a generated sample
(docs/decisions/0001, Compliance)."""

from __future__ import annotations

import datetime as dt

import pytest

from cancer_alliance.engine.parity import assert_parity
from cancer_alliance.pathways import milestones, unevaluated
from cancer_alliance.schemas import schema

from .events import DAY0, random_events

pytestmark = [pytest.mark.parity, pytest.mark.spark]
AS_OF = DAY0 + dt.timedelta(days=60)


def test_milestones_agree_on_both_engines():
    result = assert_parity(
        lambda f: milestones(f, AS_OF), schema("pathway_event"), random_events(300, seed=12)
    )
    assert len(result.duckdb) > 1000
    assert {r["status"] for r in result.duckdb} == {"met", "breached", "open", "overdue", "not_applicable"}


def test_unevaluated_agree_on_both_engines():
    result = assert_parity(
        lambda f: unevaluated(f, AS_OF), schema("pathway_event"), random_events(300, seed=12)
    )
    assert result.duckdb
