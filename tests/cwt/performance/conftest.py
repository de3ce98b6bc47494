"""Fixtures for the performance-table tests: fact rows written as small ASCII tables (style guide §1),
typed by the facts contract (the facts contract in cwt/README.md), on each engine."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from fact_tables import FACT_DDL, FACT_TYPES, OUTPUT_TYPES, parse_table, typed


@pytest.fixture
def facts(engine):
    """facts(table, **defaults): a facts DataFrame on the engine under test."""

    def build(table: str, **defaults: Any) -> Any:
        rows = typed(parse_table(table), FACT_TYPES)
        values = [tuple({**defaults, **row}.get(name) for name in FACT_TYPES) for row in rows]
        return engine.session.createDataFrame(values, schema=FACT_DDL)

    return build


def _comparable(value: Any) -> Any:
    return round(value, 12) if isinstance(value, float) else value


@pytest.fixture
def expect(engine):
    """expect(result, table): the result's rows, on the table's columns, equal the table's (any order)."""

    def check(result: Any, table: str) -> None:
        wanted = typed(parse_table(table), OUTPUT_TYPES)
        columns = list(wanted[0])
        got = [{name: row[name] for name in columns} for row in engine.rows(result)]

        def key(rows: list[dict[str, Any]]) -> Counter:
            return Counter(tuple(_comparable(row[name]) for name in columns) for row in rows)

        assert key(got) == key(wanted), (engine.name, got)

    return check
