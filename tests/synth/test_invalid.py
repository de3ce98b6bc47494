"""Each deliberate defect really breaks its field, whatever the width of the generated column
(invalid.py; the ingest checks are in cancer_alliance.ingest.checks)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from cancer_alliance.reference import code_list
from cancer_alliance.schemas import schema, table_names
from cancer_alliance.synth.invalid import InvalidPlan, apply_defects

COLUMNS = [(t, c) for t in table_names() for c in schema(t).columns if c.name != schema(t).key]


@pytest.mark.parametrize(
    ("table", "column"), [(t, c) for t, c in COLUMNS if c.type == "code"], ids=lambda x: getattr(x, "name", x)
)
def test_an_unknown_code_is_in_no_code_list_even_in_a_one_letter_column(table, column):
    codes = sorted(code_list(column.codes), key=len)
    values = {column.name: np.array([codes[0]], dtype=f"<U{len(codes[0])}")}
    plan = InvalidPlan(np.array([0]), [("unknown_code", column.name)])
    apply_defects(schema(table), values, np.array([0]), plan, np.random.default_rng(0))
    assert values[column.name][0] not in code_list(column.codes)


@pytest.mark.parametrize(
    ("table", "column"),
    [(t, c) for t, c in COLUMNS if c.pattern and c.type == "string"],
    ids=lambda x: getattr(x, "name", x),
)
def test_a_malformed_value_fails_the_pattern(table, column):
    values = {column.name: np.array(["A"], dtype="<U1")}
    plan = InvalidPlan(np.array([0]), [("pattern_mismatch", column.name)])
    apply_defects(schema(table), values, np.array([0]), plan, np.random.default_rng(0))
    assert not re.fullmatch(column.pattern, values[column.name][0])
