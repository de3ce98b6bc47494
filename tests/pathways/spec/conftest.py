"""The `spec_test` fixture: evaluate pathway events (an ASCII table over `BASE`) on the current
engine and compare with the expected milestone rows (style guide §1). Only the milestones named in
the expected table are compared, so a paragraph shows just the milestones it is about. Every spec
test runs on DuckDB and on Spark."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from cancer_alliance.engine import Engine, EngineName
from cancer_alliance.pathways import DEFAULT_SETTINGS, milestones
from cancer_alliance.schemas import schema

from .tables import EVENT_TYPES, OUTPUTS, header, multiset, parse_table, render

PATHWAY_EVENT = schema("pathway_event")
#: Columns a paragraph need not write: one patient at one provider, a lung pathway.
BASE = {"nhs_number": "pseudonym", "provider_code": "RAA", "tumour": "lung"}


def frame(engine: Engine, events: str, defaults: dict[str, Any] | None = None) -> Any:
    rows = parse_table(events, EVENT_TYPES, base=BASE | (defaults or {}))
    for number, row in enumerate(rows, start=1):
        row.setdefault("event_id", f"e{number}")
    return engine.frame(PATHWAY_EVENT, rows)


@pytest.fixture
def spec_test(engine: Engine) -> Callable[..., list[dict[str, Any]]]:
    def run(
        events: str,
        expected: str,
        *,
        as_of: str,
        defaults: dict[str, Any] | None = None,
        rule: Callable[..., Any] = milestones,
        settings: Any = DEFAULT_SETTINGS,
    ) -> list[dict[str, Any]]:
        result = rule(frame(engine, events, defaults), dt.date.fromisoformat(as_of), settings)
        if engine.name == EngineName.duckdb:
            assert result.sql(optimize=False), "the rule must render as SQL"
        got = engine.rows(result)
        columns = header(expected)
        want = parse_table(expected, OUTPUTS)
        if "milestone" in columns:
            named = {row["milestone"] for row in want}
            got = [row for row in got if row["milestone"] in named]
        assert multiset(got, columns) == multiset(want, columns), (
            f"{engine.name}: got\n{render(got, columns)}\nexpected\n{render(want, columns)}"
        )
        return got

    return run
