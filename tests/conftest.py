"""Shared fixtures: every engine-facing test runs on DuckDB and on Spark (style guide §1)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

from cancer_alliance.engine import Engine, EngineName, open_engine

settings.register_profile("ci", max_examples=50, derandomize=True, deadline=None)
settings.register_profile("long", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


CONNECT = "connect"


@pytest.fixture(
    scope="session",
    params=[
        EngineName.duckdb,
        pytest.param(EngineName.spark, marks=pytest.mark.spark),
        pytest.param(CONNECT, marks=[pytest.mark.spark, pytest.mark.connect]),
    ],
)
def engine(request: pytest.FixtureRequest) -> Engine:
    """Each engine in turn, opened by the same functions the CLI uses; Spark Connect only for the tests
    marked `over_connect` (a representative subset of each domain's spec tables, docs/decisions/0034)."""
    if request.param == CONNECT:
        from cancer_alliance.engine.spark import connect_engine

        engine = connect_engine(request.getfixturevalue("spark_connect_url"))
        request.addfinalizer(
            engine.session.stop
        )  # before the server stops, or the client retries for minutes
        return engine
    return open_engine(request.param)


@pytest.fixture(scope="session")
def spark_connect_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Spark Connect server started from the installed PySpark, once per test session."""
    from tests.spark_servers import connect_server

    with connect_server(tmp_path_factory.mktemp("spark-connect")) as url:
        yield url


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep the Spark Connect variant of an engine test only where the test is marked `over_connect`."""
    keep, drop = [], []
    for item in items:
        params = getattr(item, "callspec", None)
        over_connect = params is not None and params.params.get("engine") == CONNECT
        (drop if over_connect and not item.get_closest_marker("over_connect") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


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


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A local S3-compatible server, started once per test session (`tests/object_storage.py`)."""
    from tests.object_storage import s3_server

    with s3_server() as endpoint:
        yield endpoint


@pytest.fixture
def s3_storage(s3_endpoint, request, monkeypatch) -> str:
    """An empty prefix of the local S3 server's bucket, as a storage URI, with its credentials set."""
    import uuid

    from tests.object_storage import CREDENTIALS, s3_uri

    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    return s3_uri(s3_endpoint, f"{request.node.originalname[:40]}-{uuid.uuid4().hex[:8]}")
