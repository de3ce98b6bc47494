"""No generated number reaches a result (issue 19, item 6): nothing but the generator itself, the demo
(generate, ingest, refresh) and the `alliance synth` command imports `cancer_alliance.synth`; every
domain and the results layer read the lake only."""

from __future__ import annotations

import ast
from pathlib import Path

import cancer_alliance

PACKAGE = Path(cancer_alliance.__file__).parent
SYNTH = "cancer_alliance.synth"
#: Modules allowed to import the generator, relative to the package.
ALLOWED = {"demo.py", "cli/synth.py"}


def imports_synth(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name.startswith(SYNTH) for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith(SYNTH):
                return True
            if node.module == "cancer_alliance" and any(a.name == "synth" for a in node.names):
                return True
    return False


def checked_modules() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).parts[0] != "synth"
        and path.relative_to(PACKAGE).as_posix() not in ALLOWED
    ]


def test_the_check_sees_an_import_of_the_generator():
    assert imports_synth(ast.parse("from cancer_alliance.synth.lung import generate_invitations"))
    assert imports_synth(ast.parse("from cancer_alliance import synth"))
    assert imports_synth(ast.parse("import cancer_alliance.synth.generate"))
    assert not imports_synth(ast.parse("from cancer_alliance import schemas"))
    assert all((PACKAGE / module).is_file() for module in ALLOWED)


def test_no_domain_or_results_module_imports_the_generator():
    offenders = [
        path.relative_to(PACKAGE).as_posix()
        for path in checked_modules()
        if imports_synth(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert len(checked_modules()) > 100
    assert offenders == []
