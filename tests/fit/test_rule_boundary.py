"""The FIT rule module stays on the PySpark DataFrame API (docs/decisions/0001; the same checks as
tests/engine/test_import_boundary.py, which lists only the `cwt` package)."""

from __future__ import annotations

import ast

from tests.engine.test_import_boundary import (
    FORBIDDEN_CALLS,
    FORBIDDEN_IMPORTS,
    called_methods,
    imported_roots,
)

from cancer_alliance.fit import rules


def test_the_fit_rules_import_no_engine_and_collect_nothing():
    tree = ast.parse(open(rules.__file__, encoding="utf-8").read())
    assert not imported_roots(tree) & FORBIDDEN_IMPORTS
    assert not called_methods(tree) & FORBIDDEN_CALLS
