"""Fact tables written as small ASCII tables (style guide §1), typed by the facts contract
(cwt/README.md); shared by the performance tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

#: The per-record facts contract, as produced by `cwt.evaluate` (the facts contract in cwt/README.md).
FACT_TYPES = {
    "record_id": "string",
    "measure": "string",
    "route": "string",
    "treatment_stage": "string",
    "modality_group": "string",
    "clock_start": "date",
    "clock_stop": "date",
    "days": "int",
    "within": "boolean",
    "reporting_month": "string",
    "provider": "string",
    "share": "double",
    "allocation": "string",
    "scenario": "int",
}
FACT_DDL = ", ".join(f"{name} {kind}" for name, kind in FACT_TYPES.items())

OUTPUT_TYPES = {
    "standard_id": "string",
    "reporting_month": "string",
    "provider": "string",
    "alliance": "string",
    "tumour_type": "string",
    "route": "string",
    "total": "double",
    "within": "double",
    "breaches": "double",
    "performance": "double",
    "threshold": "double",
    "meets_threshold": "boolean",
}


def parse_table(text: str) -> list[dict[str, str | None]]:
    """Rows of a `a | b` table with a dashed rule under the header; an empty cell is None."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    header = [cell.strip() for cell in lines[0].split("|")]
    rows = []
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.split("|")]
        rows.append({name: (cell or None) for name, cell in zip(header, cells, strict=True)})
    return rows


def convert(value: str | None, kind: str) -> Any:
    if value is None:
        return None
    if kind == "boolean":
        return {"T": True, "F": False}[value]
    if kind == "date":
        return dt.date.fromisoformat(value)
    if kind == "int":
        return int(value)
    if kind == "double":
        return float(value)
    return value


def typed(rows: list[dict[str, str | None]], types: dict[str, str]) -> list[dict[str, Any]]:
    return [{name: convert(value, types[name]) for name, value in row.items()} for row in rows]
