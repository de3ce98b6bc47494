"""`alliance db`: the store's schema (a thin shell over `cancer_alliance.store.migrate`)."""

from __future__ import annotations

from typing import Annotated

import typer
from alembic.migration import MigrationContext
from sqlalchemy import make_url

from cancer_alliance.cli.users import DatabaseUrl
from cancer_alliance.store import database_url as resolve_url
from cancer_alliance.store import migrate, open_store

app = typer.Typer(name="db", help="The store database: apply the migrations.", no_args_is_help=True)


def _revision(url: str) -> str | None:
    store = open_store(url)
    try:
        with store.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        store.close()


@app.command()
def upgrade(
    revision: Annotated[str, typer.Option("--revision", help="Target revision.")] = "head",
    database_url: DatabaseUrl = None,
) -> None:
    """Apply the Alembic migrations to the configured store database (ALLIANCE_DATABASE_URL, else
    the SQLite file in ALLIANCE_HOME), from empty or from any earlier revision. Safe to repeat.

    Example: ALLIANCE_DATABASE_URL=postgresql+psycopg://alliance@db/alliance alliance db upgrade
    """
    url = resolve_url(database_url)
    shown = make_url(url).render_as_string(hide_password=True)
    before = _revision(url)
    migrate(url, revision)
    after = _revision(url)
    typer.echo(f"{shown}: {before or 'empty'} -> {after}")
