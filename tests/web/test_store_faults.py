"""Store faults while serving (issue 21 item 1): a route's store work, its audit event included, is
committed before the response is sent, so a failed commit gives the client an error and never the
data (decision record 0028). Here another connection holds the SQLite write lock; the PostgreSQL
variant, with connections killed under load, is `test_store_faults_postgres.py`."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from cancer_alliance.web import create_app

pytestmark = pytest.mark.web

PATIENT_LEVEL = ["/ptl/P-RGT-1", "/api/ptl/P-RGT-1", "/ptl.csv", "/api/ptl?format=csv"]


@pytest.fixture
def app(settings):
    """The application waiting only briefly for the SQLite write lock."""
    return create_app(replace(settings, sqlite_busy_timeout=timedelta(milliseconds=200)))


@contextmanager
def write_lock(home: Path) -> Iterator[None]:
    """Hold the SQLite store's write lock from another connection."""
    holder = sqlite3.connect(home / "alliance.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_no_patient_data_is_sent_when_its_audit_event_cannot_be_committed(signed_in, web_home, audit_events):
    rgt = signed_in("rgt")
    before = len(audit_events())
    with write_lock(web_home):
        responses = {path: rgt.get(path) for path in PATIENT_LEVEL}
    assert {path: r.status_code for path, r in responses.items()} == dict.fromkeys(PATIENT_LEVEL, 503)
    assert not [path for path, r in responses.items() if "P-RGT-1" in r.text]
    assert len(audit_events()) == before
    assert rgt.get("/ptl/P-RGT-1").status_code == 200  # and served again once the lock is gone


def test_a_note_is_not_acknowledged_when_it_cannot_be_stored(signed_in, web_home, notes):
    rgt = signed_in("rgt")
    token = rgt.get("/api/session").json()["csrf_token"]
    with write_lock(web_home):
        created = rgt.post(
            "/api/ptl/P-RGT-2/notes", json={"text": "MDT Tuesday"}, headers={"X-CSRF-Token": token}
        )
    assert created.status_code == 503
    assert notes() == []
