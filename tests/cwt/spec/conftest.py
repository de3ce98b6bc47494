"""The `spec_test` fixture: run a rule on a table of CWT records on the current engine and compare
with the expected table (style guide §1). Every spec test runs on DuckDB and on Spark."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cancer_alliance.engine import Engine, EngineName
from cancer_alliance.schemas import schema

from .baseline import BASELINE
from .tables import OUTPUT_TYPES, RECORD_TYPES, header, multiset, parse_table, render, typed

CWT = schema("cwt")


@pytest.fixture
def spec_test(engine: Engine) -> Callable[..., list[dict[str, Any]]]:
    def run(
        records: str,
        rule: Callable[[Any], Any],
        expected: str,
        *,
        defaults: dict[str, Any] | None = None,
        measure: str | tuple[str, ...] | None = None,
    ) -> list[dict[str, Any]]:
        """Evaluate `rule` on `records` (over BASELINE and `defaults`) and assert that its rows,
        restricted to `measure` (one or a tuple) if given and projected on the expected columns, are
        exactly the
        expected rows (as a multiset)."""
        base = {
            name: typed(value, RECORD_TYPES[name]) if isinstance(value, str) else value
            for name, value in (BASELINE | (defaults or {})).items()
        }
        rows = parse_table(records, RECORD_TYPES, base=base)
        frame = engine.frame(CWT, rows)
        result = rule(frame)
        if engine.name == EngineName.duckdb:
            assert result.sql(optimize=False), "the rule must render as SQL"
        got = engine.rows(result)
        if measure is not None:
            wanted = (measure,) if isinstance(measure, str) else measure
            got = [row for row in got if row["measure"] in wanted]
        columns = header(expected)
        want = parse_table(expected, OUTPUT_TYPES)
        assert multiset(got, columns) == multiset(want, columns), (
            f"{engine.name}: got\n{render(got, columns)}\nexpected\n{render(want, columns)}"
        )
        return got

    return run
