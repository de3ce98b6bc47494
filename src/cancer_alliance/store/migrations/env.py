"""Alembic environment: runs the packaged migrations on the connection `migrate()` hands over.

Without a handed-over connection (e.g. `command.revision(alembic_config(), ..., autogenerate=True)`
while writing a new migration) it connects to `database_url()`. Offline SQL generation is not used.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from cancer_alliance.store.database import create_store_engine
from cancer_alliance.store.models import Base
from cancer_alliance.store.programme import maintained_by_sql


def include_name(name: str | None, type_: str, _parents: dict) -> bool:
    """Leave out the search objects migrations make in raw SQL (FTS5 tables, expression indexes)."""
    return not maintained_by_sql(name)


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        compare_type=True,
        include_name=include_name,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("The store's migrations run online only: use cancer_alliance.store.migrate().")

handed_over = context.config.attributes.get("connection")
if handed_over is not None:
    run(handed_over)
else:
    engine = create_store_engine()
    try:
        with engine.begin() as connection:
            run(connection)
    finally:
        engine.dispose()
