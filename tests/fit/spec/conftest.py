"""Spec-test fixtures for FIT: episodes as a small ASCII table (blank cell = null; values typed by the
canonical `fit_screening_episode` schema; other columns from BASE), run through the rules on each engine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from tests.spec_tables import parse_table

from cancer_alliance.engine import Engine
from cancer_alliance.fit.files import collect
from cancer_alliance.fit.rules import band_counts, programme_counts
from cancer_alliance.schemas import schema

EPISODE = schema("fit_screening_episode")
TYPES = {column.name: column.storage_type for column in EPISODE.columns}
#: A screened, negative episode at a centre on the programme threshold (blank = programme default).
BASE: dict[str, Any] = {
    "nhs_number": "pseudonym",
    "sex": "F",
    "age_at_invitation": 62,
    "deprivation_quintile": 3,
    "ccg_code": "E38000001",
    "screening_centre_code": "RAA",
    "alliance_code": "E56000005",
    "invitation_date": dt.date(2018, 4, 2),
    "kit_returned_date": dt.date(2018, 4, 10),
    "fit_result_ug_g": 0.0,
    "threshold_ug_g": None,
    "result_date": dt.date(2018, 4, 12),
    "diagnostic_test": None,
    "diagnostic_test_date": None,
    "outcome": None,
}


def parse(table: str) -> list[dict[str, Any]]:
    rows = parse_table(table, TYPES, base=BASE)
    return [{"episode_id": f"e{number}", **row} for number, row in enumerate(rows, start=1)]


@pytest.fixture
def episodes(engine: Engine) -> Callable[[str], Any]:
    """An engine DataFrame of the ASCII episodes."""

    def make(table: str) -> Any:
        return engine.frame(EPISODE, parse(table))

    return make


@pytest.fixture
def count(engine: Engine, episodes) -> Callable[..., list[dict[str, Any]]]:
    """`programme_counts` of the ASCII episodes by `by`, as rows sorted by the groups."""

    def run(table: str, by: list[str] | None = None, **kwargs: Any) -> list[dict[str, Any]]:
        result = programme_counts(episodes(table), by or [], **kwargs)
        if engine.name == "duckdb":
            assert result.sql()  # renders as SQL: no Python fallback
        rows = engine.rows(result)
        return sorted(rows, key=lambda row: tuple(str(row[name]) for name in by or []))

    return run


@pytest.fixture
def bands(engine: Engine, episodes) -> Callable[..., Any]:
    """`band_counts` of the ASCII episodes as pandas."""

    def run(table: str, edges: list[float], by: list[str] | None = None) -> Any:
        return collect(band_counts(episodes(table), edges, by or []))

    return run
