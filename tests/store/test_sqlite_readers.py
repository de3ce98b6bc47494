"""On SQLite a commit does not wait for readers (write-ahead logging, `store.database`): an audited
page view commits while other requests are still reading. With SQLite's default rollback journal
the commit below waits for the open read and fails once the busy timeout is over."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text

from cancer_alliance.store import migrate, open_store

pytestmark = pytest.mark.store


def test_a_commit_goes_through_while_another_connection_is_reading(tmp_path):
    url = f"sqlite:///{tmp_path / 'alliance.sqlite3'}"
    migrate(url)
    store = open_store(url)
    try:
        with store.engine.connect() as reader, store.engine.connect() as writer:
            reader.exec_driver_sql("PRAGMA busy_timeout = 200")
            writer.exec_driver_sql("PRAGMA busy_timeout = 200")
            reader.exec_driver_sql("BEGIN")
            reader.execute(text("SELECT count(*) FROM audit_event")).scalar()  # holds its read snapshot
            writer.exec_driver_sql("BEGIN IMMEDIATE")
            writer.execute(text("CREATE TABLE probe (x INTEGER)"))
            writer.exec_driver_sql("COMMIT")  # rollback journal: 'database is locked' after 200 ms
            reader.exec_driver_sql("COMMIT")
            assert writer.execute(text("SELECT count(*) FROM probe")).scalar() == 0
    finally:
        store.close()


def test_the_rollback_journal_is_what_waited(tmp_path):
    """The guard of the test above: the same steps without write-ahead logging do fail."""
    path = tmp_path / "plain.sqlite3"
    reader = sqlite3.connect(path, timeout=0.2, isolation_level=None)
    writer = sqlite3.connect(path, timeout=0.2, isolation_level=None)
    try:
        writer.execute("CREATE TABLE audit_event (x INTEGER)")
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM audit_event").fetchone()
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("CREATE TABLE probe (x INTEGER)")
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            writer.execute("COMMIT")
    finally:
        reader.close()
        writer.close()
