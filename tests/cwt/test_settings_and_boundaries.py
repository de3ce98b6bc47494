"""CwtSettings refuses inconsistent parameters; the rule modules stay engine-neutral
(docs/decisions/0001, Compliance: no engine or pandas import in a rule)."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

import cancer_alliance.cwt as cwt
from cancer_alliance.cwt import AllocationMethod, AllocationVersion, CwtSettings, routes
from cancer_alliance.reference import code_list

RULE_MODULES = (
    "adjustments",
    "allocation",
    "codes",
    "evaluate",
    "measures",
    "routes",
    "settings",
    "validity",
)
FORBIDDEN = ("pyspark", "sqlframe", "duckdb", "pandas", "pyarrow")


@pytest.mark.parametrize("module", RULE_MODULES)
def test_rule_modules_import_no_engine_library(module):
    tree = ast.parse((Path(cwt.__file__).parent / f"{module}.py").read_text(encoding="utf-8"))
    imported = {
        alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    } | {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.split(".")[0] in FORBIDDEN}


def test_rule_modules_never_collect():
    for module in RULE_MODULES:
        text = (Path(cwt.__file__).parent / f"{module}.py").read_text(encoding="utf-8")
        assert ".collect(" not in text and "toPandas" not in text and "toArrow" not in text, module


def test_the_defaults_are_the_spec_lengths():
    settings = CwtSettings()
    assert dict(settings.measure_days) == {"2ww": 14, "fds": 28, "31d": 31, "62d": 62}
    assert (settings.handover_days, settings.treating_days) == (38, 24)
    assert settings.fds_exclusions == ()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"measure_days": {"2ww": 14, "fds": 28, "31d": 31}}, "measure_days"),
        ({"handover_days": 40}, "handover_days"),
        ({"allocation_versions": ()}, "allocation_versions"),
        (
            {
                "allocation_versions": (
                    AllocationVersion(dt.date(2018, 4, 1), AllocationMethod.six_scenario, "x"),
                    AllocationVersion(dt.date(2016, 4, 1), AllocationMethod.fifty_fifty, "y"),
                )
            },
            "increasing",
        ),
    ],
)
def test_inconsistent_settings_are_refused(changes, message):
    with pytest.raises(ValueError, match=message):
        CwtSettings(**changes)


def test_the_route_codes_are_the_reference_code_list_entries():
    """routes.py names four code values (CWT route codes [S21, S40]); each is in its reference code list with
    the meaning the rule relies on."""
    assert code_list("priority_type")[routes.PRIORITY_TWO_WEEK_WAIT] == "Two Week Wait"
    assert code_list("priority_type")[routes.PRIORITY_URGENT] == "Urgent"
    assert "Screening" in code_list("source_of_referral")[routes.SOURCE_SCREENING]
    assert "breast symptoms" in code_list("referral_type")[routes.REFERRAL_TYPE_BREAST_SYMPTOMATIC]
