"""Rules run unchanged on DuckDB and Spark only if they never reach past the PySpark DataFrame API
(docs/decisions/0001, Compliance): no rule module imports an engine library, pandas or numpy, and
none calls `collect()` or `toPandas()`, nor a function that depends on the session time zone (0034).
File I/O around the rules lives in each domain's `files.py`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import cancer_alliance

PACKAGE = Path(cancer_alliance.__file__).parent
#: Domains whose every module but the I/O ones is a rule.
RULE_PACKAGES = ["cwt", "lung", "radiotherapy"]
IO_MODULES_SUFFIX = "files.py"  # e.g. files.py, report_files.py
#: Each domain's published layer works on the small aggregated results tables, not on the engine
#: (docs/decisions/0035).
PUBLISHED_MODULE = "published.py"
#: Rule modules of domains whose other modules work on small aggregated tables (statistics, pages).
RULE_MODULES = [
    "early_diagnosis/counts.py",
    "fit/rules.py",
    "pathways/definitions.py",
    "pathways/milestones.py",
    "pathways/settings.py",
]
FORBIDDEN_IMPORTS = {"pyspark", "sqlframe", "duckdb", "pandas", "numpy", "pyarrow", "polars"}
FORBIDDEN_CALLS = {"collect", "toPandas", "toArrow"}
#: Functions whose result depends on the session time zone. Rules use DATE values only, so they run on an
#: analyst's session without changing its time zone (docs/decisions/0034).
TIME_ZONE_CALLS = {
    "current_date",
    "current_timestamp",
    "localtimestamp",
    "now",
    "to_timestamp",
    "unix_timestamp",
    "from_unixtime",
    "from_utc_timestamp",
    "to_utc_timestamp",
    "date_trunc",
    "hour",
}


def rule_modules() -> list[Path]:
    packages = {
        path
        for package in RULE_PACKAGES
        for path in (PACKAGE / package).rglob("*.py")
        if not path.name.endswith(IO_MODULES_SUFFIX) and path.name != PUBLISHED_MODULE
    }
    return sorted(packages | {PACKAGE / module for module in RULE_MODULES})


def imported_roots(tree: ast.AST) -> set[str]:
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def called_methods(tree: ast.AST) -> set[str]:
    return {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }


def test_there_are_rule_modules_to_check():
    assert all(path.is_file() for path in rule_modules())
    assert len(rule_modules()) >= 3 * len(RULE_PACKAGES) + len(RULE_MODULES)


@pytest.mark.parametrize("path", rule_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_rule_module_stays_on_the_dataframe_api(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert not imported_roots(tree) & FORBIDDEN_IMPORTS
    assert not called_methods(tree) & FORBIDDEN_CALLS
    assert not called_methods(tree) & TIME_ZONE_CALLS
