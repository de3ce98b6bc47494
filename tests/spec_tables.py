"""ASCII tables for the spec tests of every domain (style guide §1): a header line, a line of dashes,
rows. Cells are split on `|`; an empty cell is null, `T`/`F` are booleans, and every other value is typed
by its column (each domain's `tables.py` gives the types: a canonical schema for inputs, the rule's
contract for outputs)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.split("|")]


def header(table: str) -> list[str]:
    return cells(_lines(table)[0])


def parse_table(
    table: str, types: dict[str, str], base: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Rows of `table` as dicts, each value typed by `types`; `base` supplies the other columns."""
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


def typed(text: str, kind: str) -> Any:
    if text == "":
        return None
    if kind == "date":
        return dt.date.fromisoformat(text)
    if kind == "int":
        return int(text)
    if kind == "double":
        return float(text)
    if kind == "boolean":
        return {"T": True, "F": False}[text]
    return text


def multiset(rows: list[dict[str, Any]], columns: list[str]) -> Counter:
    return Counter(tuple(row[name] for name in columns) for row in rows)


def render(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """Rows as an ASCII table (for failure messages), sorted."""
    text = [[_show(row[name]) for name in columns] for row in rows]
    widths = [max([len(name)] + [len(line[i]) for line in text]) for i, name in enumerate(columns)]
    lines = [" | ".join(name.ljust(w) for name, w in zip(columns, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)) for line in sorted(text)]
    return "\n".join(lines)


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "T" if value else "F"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _lines(table: str) -> list[str]:
    return [line for line in table.strip("\n").splitlines() if line.strip()]
