"""Where the store lives and how to reach it: engine, sessions and migrations (decision record 0002).

`ALLIANCE_DATABASE_URL` chooses the database (PostgreSQL in production, e.g.
`postgresql+psycopg://user@host/alliance`); without it the store is the SQLite file
`ALLIANCE_HOME/alliance.sqlite3`. The schema comes only from the Alembic migrations packaged in
`store/migrations/`, applied by `migrate()`; nothing calls `metadata.create_all()`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

from cancer_alliance.config import alliance_home

DATABASE_URL_VARIABLE = "ALLIANCE_DATABASE_URL"
SQLITE_FILE_NAME = "alliance.sqlite3"


def database_url(url: str | None = None) -> str:
    """The URL given, else `ALLIANCE_DATABASE_URL`, else the SQLite file in `ALLIANCE_HOME`."""
    if url:
        return url
    if configured := os.environ.get(DATABASE_URL_VARIABLE):
        return configured
    return f"sqlite:///{(alliance_home() / SQLITE_FILE_NAME).resolve()}"


def create_store_engine(url: str | None = None, pool_size: int | None = None) -> Engine:
    """An engine for the store; SQLite gets foreign keys enforced and its folder created.

    `pool_size` connections at most, with no overflow: a server sizes it to its worker threads, so a
    thread never waits for a connection (issue 21); None keeps SQLAlchemy's default (5 + 10 overflow).
    """
    resolved = make_url(database_url(url))
    # hide_parameters: a failed statement's message never carries its values (notes, NHS numbers)
    # into logs or tracebacks (style checklist item 9; issue 21)
    sizing: dict[str, Any] = {"hide_parameters": True}
    if pool_size is not None:
        sizing.update(pool_size=pool_size, max_overflow=0)
    if resolved.get_backend_name() != "sqlite":
        return create_engine(resolved, pool_pre_ping=True, **sizing)
    if resolved.database and resolved.database != ":memory:":
        os.makedirs(os.path.dirname(os.path.abspath(resolved.database)), exist_ok=True)
    engine = create_engine(resolved, **sizing)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """SQLite leaves foreign keys off unless asked, per connection. Write-ahead logging, so that a
    commit (every audited page view is one) waits only for another writer, never for readers: with
    SQLite's default rollback journal a commit needs every reader gone, and at 100 busy clients a
    few commits waited out the 5 s busy timeout and answered 503 (issue 21's load bench). The mode
    is kept in the database file; an in-memory database stays in memory mode."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


@dataclass(frozen=True)
class Store:
    """An open store: the engine and a session factory bound to it."""

    engine: Engine
    sessions: sessionmaker[Session]

    def session(self) -> Session:
        """A new session; the caller controls the transaction (`with store.session() as s, s.begin():`)."""
        return self.sessions()

    @contextmanager
    def begin(self) -> Iterator[Session]:
        """A session in a transaction that commits on success and rolls back on any error."""
        with self.sessions.begin() as session:
            yield session

    def close(self) -> None:
        """Release the engine's connections."""
        self.engine.dispose()


def open_store(url: str | None = None, pool_size: int | None = None) -> Store:
    """Open the store at `url` (see `database_url`) with at most `pool_size` connections (see
    `create_store_engine`); call `migrate()` first on a new database.

    Sessions keep loaded values after commit (`expire_on_commit=False`), so a request or command can
    still read what it saved once its short-lived session has closed.
    """
    engine = create_store_engine(url, pool_size)
    return Store(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))


def alembic_config() -> Config:
    """Alembic settings built in code: the scripts are package data, so no alembic.ini is needed."""
    config = Config()
    config.set_main_option("script_location", str(files("cancer_alliance.store") / "migrations"))
    return config


def migrate(url: str | None = None, revision: str = "head") -> None:
    """Upgrade the database at `url` to `revision` (default: the latest). Safe to repeat."""
    _run(url, command.upgrade, revision)


def downgrade(url: str | None = None, revision: str = "base") -> None:
    """Step the database at `url` back to `revision`; for development and migration tests."""
    _run(url, command.downgrade, revision)


def _run(url: str | None, step: Any, revision: str) -> None:
    engine = create_store_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            step(config, revision)
    finally:
        engine.dispose()
