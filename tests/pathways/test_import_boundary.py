"""The pathway rules stay on the PySpark DataFrame API (docs/decisions/0001): no engine, pandas or
numpy import and no collect in the rule modules; I/O lives in `files.py`. Same checks as
tests/engine/test_import_boundary.py, applied to this domain's rule modules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import cancer_alliance.pathways as pathways

FORBIDDEN_IMPORTS = {"pyspark", "sqlframe", "duckdb", "pandas", "numpy", "pyarrow", "polars"}
FORBIDDEN_CALLS = {"collect", "toPandas", "toArrow"}
RULES = ["milestones.py", "definitions.py", "settings.py"]


@pytest.mark.parametrize("name", RULES)
def test_rule_module_stays_on_the_dataframe_api(name):
    tree = ast.parse((Path(pathways.__file__).parent / name).read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    calls = {
        n.func.attr for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
    }
    assert not roots & FORBIDDEN_IMPORTS
    assert not calls & FORBIDDEN_CALLS
