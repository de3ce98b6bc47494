"""Every canonical schema builds a typed DataFrame on DuckDB and on Spark (the engines read the
same TOML the ingest does; issue #2 item 3)."""

from __future__ import annotations

from datetime import date

from cancer_alliance.reference import code_list
from cancer_alliance.schemas import Column, schema, table_names


def _example(column: Column) -> object:
    """A valid value of the column's type (codes from its code list)."""
    if column.type == "code":
        return next(iter(code_list(column.codes)))
    return {
        "string": "ABC12",
        "nhs_number": "pseudonym",
        "date": date(2019, 1, 31),
        "integer": int(column.minimum or 1),
        "number": float(column.minimum or 1.5),
        "boolean": True,
    }[column.type]


def test_each_table_round_trips_a_full_row(engine):
    for name in table_names():
        table = schema(name)
        row = {column.name: _example(column) for column in table.columns}
        got = engine.rows(engine.frame(table, [row]))
        assert got == [row], f"{engine.name}: {name}"
