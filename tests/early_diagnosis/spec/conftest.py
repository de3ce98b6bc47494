"""Spec-test fixture for early diagnosis: registrations as a small ASCII table (style guide §1; blank
cell = null; values typed by the canonical `tumour_registration` schema), counted on each engine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from cancer_alliance.early_diagnosis.counts import registration_counts
from cancer_alliance.engine import Engine
from cancer_alliance.schemas import schema

REGISTRATION = schema("tumour_registration")
TYPES = {column.name: column.storage_type for column in REGISTRATION.columns}
BASE = {
    "tumour_id": "t",
    "nhs_number": "pseudonym",
    "diagnosis_date": dt.date(2018, 6, 1),
    "icd10": "C34.1",
    "cancer_site": "lung",
    "stage": "1",
    "route_to_diagnosis": "two_week_wait",
    "sex": "F",
    "age_at_diagnosis": 70,
    "deprivation_quintile": 3,
    "ccg_code": "E38000001",
    "trust_code": "RAA",
    "alliance_code": "E56000005",
}


def _typed(text: str, kind: str) -> Any:
    if text == "":
        return None
    if kind == "date":
        return dt.date.fromisoformat(text)
    if kind in {"int", "integer", "long"}:
        return int(text)
    return text


def parse(table: str, types: dict[str, str] | None = None) -> list[dict[str, Any]]:
    lines = [line.strip() for line in table.strip().splitlines()]
    names = [cell.strip() for cell in lines[0].split("|")]
    rows = []
    for number, line in enumerate(lines[2:]):
        values = [cell.strip() for cell in line.split("|")]
        row = {**BASE, "tumour_id": f"t{number}"} if types is None else {}
        row.update({n: _typed(v, (types or TYPES).get(n, "int")) for n, v in zip(names, values, strict=True)})
        rows.append(row)
    return rows


@pytest.fixture
def count_registrations(engine: Engine) -> Callable[..., list[dict[str, Any]]]:
    """Count `registrations` (ASCII) by `by` on the engine; the result as rows sorted by the groups."""

    def run(registrations: str, by: list[str], columns: list[str]) -> list[dict[str, Any]]:
        frame = engine.frame(REGISTRATION, parse(registrations))
        result = registration_counts(frame, by)
        if engine.name == "duckdb":
            assert result.sql()  # renders as SQL: no Python fallback
        rows = [{name: row[name] for name in [*by, *columns]} for row in engine.rows(result)]
        return sorted(rows, key=lambda row: tuple(str(row[name]) for name in by))

    return run
