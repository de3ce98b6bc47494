"""Store fixtures: every store test runs on SQLite and on PostgreSQL (design.md, "Store").

PostgreSQL is never skipped: the run creates a throwaway database with a unique name on the server
at `ALLIANCE_TEST_POSTGRES_URL` (default: the local server, user postgres), migrates it and drops
it at the end. If the server cannot be reached the PostgreSQL tests fail and say why.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from cancer_alliance.store import Role, Store, migrate, open_store

POSTGRES_URL_VARIABLE = "ALLIANCE_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"

# Organisations the tests treat as known; the reference-data check has its own test.
KNOWN_ORGANISATIONS = {(Role.alliance, "E56000001"), (Role.trust, "RTA"), (Role.trust, "RTB")}


def known_for_tests(role: Role, code: str) -> bool:
    return (role, code) in KNOWN_ORGANISATIONS


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Engine]:
    """An autocommit connection to the server's maintenance database, to create and drop databases."""
    url = make_url(os.environ.get(POSTGRES_URL_VARIABLE, DEFAULT_POSTGRES_URL))
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        engine.dispose()
        pytest.fail(
            f"PostgreSQL store tests need a server at {url.render_as_string(hide_password=True)} "
            f"({type(error.orig).__name__}). Start it (`make services`) or point {POSTGRES_URL_VARIABLE} "
            "at one; these tests are not skipped.",
            pytrace=False,
        )
    yield engine
    engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgresql")])
def new_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[], str]]:
    """A function that makes an empty database on this backend and returns its URL; dropped at the end."""
    if request.param == "sqlite":
        folder = tmp_path_factory.mktemp("store")
        yield lambda: f"sqlite:///{folder / f'{uuid.uuid4().hex}.sqlite3'}"
        return
    admin: Engine = request.getfixturevalue("postgres_admin")
    created: list[str] = []

    def create() -> str:
        name = f"alliance_test_{uuid.uuid4().hex[:16]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return admin.url.set(database=name).render_as_string(hide_password=False)

    yield create
    with admin.connect() as connection:
        for name in created:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def database_url(new_database: Callable[[], str]) -> str:
    """The run's store database, migrated to head."""
    url = new_database()
    migrate(url)
    return url


@pytest.fixture(scope="session")
def store(database_url: str) -> Iterator[Store]:
    opened = open_store(database_url)
    yield opened
    opened.close()


@pytest.fixture
def backend(database_url: str) -> str:
    """'sqlite' or 'postgresql'."""
    return make_url(database_url).get_backend_name()


@pytest.fixture
def unique() -> Callable[[str], str]:
    """Names no other test uses, as tests share the run's database and really commit."""
    return lambda prefix: f"{prefix}-{uuid.uuid4().hex[:10]}"
