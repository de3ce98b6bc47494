"""Spec-test fixtures for the lung risk models: score rows on an engine with the DataFrame rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cancer_alliance.engine import Engine
from cancer_alliance.lung.inputs import fields, input_columns
from cancer_alliance.lung.models import add_risk


def frame_of(engine: Engine, model: str, rows: list[dict[str, Any]]) -> Any:
    """Rows of model inputs as an engine DataFrame (codes as text, numbers as double)."""
    identifier = input_columns(model)[0]
    model_fields = fields(model)
    ddl = ", ".join(
        [f"{identifier} string"]
        + [f"{f.name} {'string' if f.kind == 'code' else 'double'}" for f in model_fields]
    )
    data = [
        tuple(
            [row.get(identifier)]
            + [
                row.get(f.name) if f.kind == "code" or row.get(f.name) is None else float(row[f.name])
                for f in model_fields
            ]
        )
        for row in rows
    ]
    return engine.session.createDataFrame(data, schema=ddl)


@pytest.fixture
def score_on_engine(engine: Engine) -> Callable[..., list[dict[str, Any]]]:
    """Score rows with `model` on the engine; rows back in input order with risk and risk_problem."""

    def run(model: str, rows: list[dict[str, Any]], **options: Any) -> list[dict[str, Any]]:
        result = add_risk(frame_of(engine, model, rows), model, **options)
        if engine.name == "duckdb":
            assert result.sql()  # renders as SQL: no Python fallback
        identifier = input_columns(model)[0]
        by_id = {row[identifier]: row for row in engine.rows(result)}
        return [by_id[row[identifier]] for row in rows]

    return run
