"""The radiotherapy rules stay on the DataFrame API (decision 0001): no engine, pandas or numpy import
and no collect() outside files.py; the same check as tests/engine/test_import_boundary.py."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import cancer_alliance

RULES = sorted(
    p
    for p in (Path(cancer_alliance.__file__).parent / "radiotherapy").glob("*.py")
    if not p.name.endswith("files.py")
)
FORBIDDEN_IMPORTS = {"pyspark", "sqlframe", "duckdb", "pandas", "numpy", "pyarrow", "polars"}
FORBIDDEN_CALLS = {"collect", "toPandas", "toArrow"}


@pytest.mark.parametrize("path", RULES, ids=lambda p: p.name)
def test_rule_module_stays_on_the_dataframe_api(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.add(node.module.split(".")[0])
    called = {
        n.func.attr for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
    }
    assert not imported & FORBIDDEN_IMPORTS
    assert not called & FORBIDDEN_CALLS


def test_the_rules_are_checked():
    assert {p.name for p in RULES} >= {"compliance.py"}
