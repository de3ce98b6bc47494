"""ASCII tables for the timed-pathway spec tests (style guide §1): a header line, a line of dashes,
rows. Cells are split on `|`; an empty cell is null, `T`/`F` are booleans, every other value is typed
by the column: the `pathway_event` schema for inputs, `milestones.TYPES` for outputs."""

from __future__ import annotations

from tests.spec_tables import header, multiset, parse_table, render, typed  # noqa: F401  (re-exported)

from cancer_alliance.pathways.milestones import TYPES as OUTPUT_TYPES
from cancer_alliance.schemas import schema

EVENT_TYPES = {column.name: column.storage_type for column in schema("pathway_event").columns}
OUTPUTS = {**OUTPUT_TYPES, "reason": "string"}
