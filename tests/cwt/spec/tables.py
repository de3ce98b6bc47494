"""ASCII tables for the CWT spec tests (style guide §1): a header line, a line of dashes, rows.
Cells are split on `|`; an empty cell is null, `T`/`F` are booleans, and every other value is
typed by the column: the canonical record schema for inputs, the facts contract for outputs."""

from __future__ import annotations

from tests.spec_tables import header, multiset, parse_table, render, typed  # noqa: F401  (re-exported)

from cancer_alliance.cwt.measures import TYPES as FACT_TYPES
from cancer_alliance.schemas import schema

RECORD_TYPES = {column.name: column.storage_type for column in schema("cwt").columns}
OUTPUT_TYPES = {**FACT_TYPES, "reason": "string", "measures": "string"}
