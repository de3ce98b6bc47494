"""Patient-level data only through `Scope` (style.md §2 fitness test): no web module other than
`scope.py` reads the PTL or pathway timelines from the results, or selects PTL notes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import cancer_alliance.web as web

pytestmark = pytest.mark.web

WEB = Path(web.__file__).parent
PATIENT_LEVEL_READS = {"ptl", "timelines"}
SCOPE = WEB / "scope.py"
RESULTS = WEB / "results.py"


def _violations(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in PATIENT_LEVEL_READS:
                found.append(f"{path.name}:{node.lineno} calls .{node.func.attr}()")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "select":
            if any(isinstance(arg, ast.Name) and arg.id == "PtlNote" for arg in node.args):
                found.append(f"{path.name}:{node.lineno} selects PtlNote")
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "read_parquet"
            or (isinstance(node, ast.Name) and node.id in ("read_table", "read_parquet"))
        ):
            if path not in (RESULTS,):
                found.append(f"{path.name}:{node.lineno} reads Parquet directly")
    return found


def test_only_scope_reads_patient_level_results_or_notes():
    modules = [p for p in WEB.rglob("*.py") if p not in (SCOPE, RESULTS)]
    assert len(modules) > 10
    violations = [v for path in modules for v in _violations(path)]
    assert violations == []


def test_the_check_catches_a_direct_read(tmp_path):
    offender = tmp_path / "page.py"
    offender.write_text("def page(ctx):\n    return ctx.results.ptl()\n", encoding="utf-8")
    assert _violations(offender) == ["page.py:2 calls .ptl()"]
