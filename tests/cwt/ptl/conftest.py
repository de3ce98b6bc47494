"""Fixtures for the PTL tests: canonical CWT records written as small ASCII tables (style guide §1),
typed by the canonical schema, on each engine."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest

from cancer_alliance.schemas import schema

CWT = schema("cwt")

#: PTL output columns and their types, for reading expected tables.
PTL_TYPES = {
    "record_id": "string",
    "census_date": "date",
    "route": "string",
    "provider": "string",
    "alliance": "string",
    "tumour_type": "string",
    "tumour_type_source": "string",
    "days_waited": "int",
    "band": "string",
    "over_62_backlog": "boolean",
    "over_104": "boolean",
    "passed_day_28_last_7_days": "boolean",
    "passed_day_62_last_7_days": "boolean",
    "passed_day_104_last_7_days": "boolean",
    "breach_date_2ww": "date",
    "breach_date_fds": "date",
    "breach_date_62d": "date",
    "next_milestone": "string",
    "next_milestone_date": "date",
    "breakdown": "string",
    "group_name": "string",
    "open_pathways": "int",
    "crossed_28_last_7_days": "int",
    "crossed_62_last_7_days": "int",
    "crossed_104_last_7_days": "int",
}


def parse_table(text: str) -> list[dict[str, str | None]]:
    """Rows of a `a | b` table with a dashed rule under the header; an empty cell is None."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    header = [cell.strip() for cell in lines[0].split("|")]
    return [
        {name: (cell.strip() or None) for name, cell in zip(header, line.split("|"), strict=True)}
        for line in lines[2:]
    ]


def convert(value: str | None, kind: str) -> Any:
    if value is None:
        return None
    if kind == "boolean":
        return {"T": True, "F": False}[value]
    if kind == "date":
        return dt.date.fromisoformat(value)
    if kind in ("int", "integer"):
        return int(value)
    return value


@pytest.fixture
def records(engine):
    """records(table, **defaults): canonical CWT records on the engine under test."""

    def build(table: str, **defaults: str) -> Any:
        rows = []
        for row in parse_table(table):
            values = {
                "nhs_number": "0000000000",
                **defaults,
                **{k: v for k, v in row.items() if v is not None},
            }
            rows.append({name: convert(value, CWT.column(name).type) for name, value in values.items()})
        return engine.frame(CWT, rows)

    return build


@pytest.fixture
def expect(engine):
    """expect(result, table, types=None): the rows, on the table's columns, equal the table's (any order)."""

    def check(result: Any, table: str, types: dict[str, str] | None = None) -> None:
        kinds = {**PTL_TYPES, **(types or {})}
        wanted = [
            {name: convert(value, kinds[name]) for name, value in row.items()} for row in parse_table(table)
        ]
        columns = list(wanted[0])
        got = [{name: row[name] for name in columns} for row in engine.rows(result)]

        def key(rows: list[dict[str, Any]]) -> Counter:
            return Counter(tuple(row[name] for name in columns) for row in rows)

        assert key(got) == key(wanted), (engine.name, got)

    return check
