"""Shared fixtures: every engine-facing test runs on DuckDB and on Spark (style guide §1)."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from cancer_alliance.engine import Engine, EngineName, open_engine

settings.register_profile("ci", max_examples=50, derandomize=True, deadline=None)
settings.register_profile("long", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(
    scope="session", params=[EngineName.duckdb, pytest.param(EngineName.spark, marks=pytest.mark.spark)]
)
def engine(request: pytest.FixtureRequest) -> Engine:
    """Each engine in turn, opened by the same function the CLI uses."""
    return open_engine(request.param)


@pytest.fixture
def alliance_home(tmp_path, monkeypatch):
    """A fresh, empty ALLIANCE_HOME for one test."""
    home = tmp_path / "alliance-home"
    monkeypatch.setenv("ALLIANCE_HOME", str(home))
    return home


@pytest.fixture(scope="session", autouse=True)
def plan_cache(tmp_path_factory):
    """Compiled rule SQL (docs/decisions/0033) in the session's temporary folder, not the working tree."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ALLIANCE_PLAN_CACHE", str(tmp_path_factory.mktemp("plans")))
        yield
