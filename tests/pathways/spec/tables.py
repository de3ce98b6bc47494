"""ASCII tables for the timed-pathway spec tests (style guide §1): a header line, a line of dashes,
rows. Cells are split on `|`; an empty cell is null, `T`/`F` are booleans, every other value is typed
by the column: the `pathway_event` schema for inputs, `milestones.TYPES` for outputs."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from cancer_alliance.pathways.milestones import TYPES as OUTPUT_TYPES
from cancer_alliance.schemas import schema

EVENT_TYPES = {column.name: column.storage_type for column in schema("pathway_event").columns}
OUTPUTS = {**OUTPUT_TYPES, "reason": "string"}


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.split("|")]


def _lines(table: str) -> list[str]:
    return [line for line in table.strip("\n").splitlines() if line.strip()]


def header(table: str) -> list[str]:
    return cells(_lines(table)[0])


def typed(text: str, kind: str) -> Any:
    if text == "":
        return None
    if kind == "date":
        return dt.date.fromisoformat(text)
    if kind == "int":
        return int(text)
    if kind == "boolean":
        return {"T": True, "F": False}[text]
    return text


def parse_table(table: str, types: dict[str, str], base: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    lines = _lines(table)
    names = cells(lines[0])
    if not set(lines[1]) <= set("-+| "):
        raise ValueError(f"second line of a spec table must be dashes, got {lines[1]!r}")
    rows = []
    for line in lines[2:]:
        values = cells(line)
        if len(values) != len(names):
            raise ValueError(f"row {line!r} has {len(values)} cells for {len(names)} columns")
        row = dict(base or {})
        row.update({name: typed(value, types[name]) for name, value in zip(names, values, strict=True)})
        rows.append(row)
    return rows


def multiset(rows: list[dict[str, Any]], columns: list[str]) -> Counter:
    return Counter(tuple(row[name] for name in columns) for row in rows)


def render(rows: list[dict[str, Any]], columns: list[str]) -> str:
    text = [["" if row[n] is None else str(row[n]) for n in columns] for row in rows]
    widths = [max([len(n)] + [len(line[i]) for line in text]) for i, n in enumerate(columns)]
    lines = [" | ".join(n.ljust(w) for n, w in zip(columns, widths, strict=True))]
    lines += [" | ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)) for line in sorted(text)]
    return "\n".join(lines)
