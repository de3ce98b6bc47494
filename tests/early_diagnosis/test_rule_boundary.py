"""The early-diagnosis rule (`counts.py`) stays on the PySpark DataFrame API (docs/decisions/0001): no
engine library, pandas or numpy, no collect. The other modules work on the small aggregated tables
(statistics layer) and may use pandas."""

import ast
from pathlib import Path

import cancer_alliance.early_diagnosis.counts as counts

FORBIDDEN_IMPORTS = {"pyspark", "sqlframe", "duckdb", "pandas", "numpy", "pyarrow", "polars"}
FORBIDDEN_CALLS = {"collect", "toPandas", "toArrow"}


def test_counts_is_a_dataframe_api_rule():
    tree = ast.parse(Path(counts.__file__).read_text(encoding="utf-8"))
    imported = {
        name.split(".")[0]
        for node in ast.walk(tree)
        for name in (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module]
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
            else []
        )
    }
    calls = {
        n.func.attr for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
    }
    assert not imported & FORBIDDEN_IMPORTS
    assert not calls & FORBIDDEN_CALLS
