"""The API and the pages share one query module per domain (`web/domain_queries`), so the API never
imports a page module (issue 22: all eight `web/api` modules imported `web/pages`, private helpers
included). Checked on the source: every import in `web/api`, `web/domain_queries` and the board pack,
read from the syntax tree, including imports inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import cancer_alliance

PACKAGE = Path(cancer_alliance.__file__).parent
PAGES = "cancer_alliance.web.pages"


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports (absolute names; `from x import y` also gives `x.y`, since y may be
    a module)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import"
            found.add(node.module or "")
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def sources(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (PACKAGE / folder).rglob("*.py"))


CHECKED = [
    *sources("web/api", "web/domain_queries"),
    PACKAGE / "programme" / "board.py",
    PACKAGE / "programme" / "board_sections.py",
]


@pytest.mark.parametrize("path", CHECKED, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_api_query_modules_and_the_board_pack_never_import_a_page(path):
    pages = sorted(m for m in imported_modules(path) if m == PAGES or m.startswith(PAGES + "."))
    assert pages == [], f"{path.relative_to(PACKAGE)} imports {pages}: read from web/domain_queries instead"


def test_the_rule_sees_the_imports_it_forbids(tmp_path):
    """The checker itself: a top-level and a function-level import of a page are both found."""
    source = tmp_path / "bad.py"
    source.write_text(
        "from cancer_alliance.web.pages.fit import alliance_table\n"
        "def f():\n    import cancer_alliance.web.pages.lung\n    from cancer_alliance.web import pages\n"
    )
    found = imported_modules(source)
    assert {"cancer_alliance.web.pages.fit", "cancer_alliance.web.pages.lung", PAGES} <= found


def test_every_api_module_is_checked():
    api = {p.name for p in (PACKAGE / "web" / "api").glob("*.py")}
    assert {"aggregates.py", "fit.py", "followup.py", "lung.py", "pathways.py", "patients.py"} <= api
    assert len([p for p in CHECKED if "web/api" in str(p)]) == len(api)
