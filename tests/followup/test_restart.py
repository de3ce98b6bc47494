"""The store survives a PostgreSQL restart while the application is using it (issue 11, item 7):
connections are checked before use (`pool_pre_ping`), an action that meets a lost connection is
retried (`actions.with_retry`) and, carrying its action key, is never done twice. Runs on a private
throwaway cluster (tests/followup/private_postgres.py), never the shared server."""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid

import pytest
from sqlalchemy import func, select, text
from tests.followup.conftest import candidate
from tests.followup.private_postgres import PrivatePostgres

from cancer_alliance.followup import actions
from cancer_alliance.followup.protocol import stratify
from cancer_alliance.followup.worklist import worklist
from cancer_alliance.store import AuditEvent, Auditor, migrate, open_store
from cancer_alliance.store.followup import FollowupAction, FollowupPatient

pytestmark = pytest.mark.store


@pytest.fixture(scope="module")
def server():
    cluster = PrivatePostgres()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


def contact(patient_id: int, key: str, day: dt.date):
    """A contact on its own day (a new last-contact date, so each one is a real update)."""
    day = day + dt.timedelta(days=int(key.split("-")[1]))

    def work(session):
        actions.patient_action(
            session,
            Auditor(session, job_id="restart-test"),
            patient_id,
            "contact",
            action_key=key,
            expected_version=None,
            on=day,
        )

    return work


def test_actions_survive_a_restart_with_nothing_lost_or_duplicated(server, protocol):
    migrate(server.url)
    store = open_store(server.url)
    try:
        row = candidate(trust_code="RPG")
        with store.begin() as session:
            patient_id = actions.register(
                session,
                Auditor(session, job_id="restart-test"),
                row,
                stratify(protocol, row),
                dt.date(2018, 9, 1),
            ).id
        keys = [f"restart-{n}-{uuid.uuid4().hex[:8]}" for n in range(12)]
        day = dt.date(2019, 1, 1)
        for key in keys[:4]:
            actions.with_retry(store, contact(patient_id, key, day))

        server.stop("fast")  # a planned restart between requests: pooled connections are now dead
        server.start()
        with store.begin() as session:  # no retry needed: pool_pre_ping replaces the dead connection
            listed = worklist(session, protocol, day, "RPG")  # contacted: only the care plan is due
            assert [item.category for item in listed] == ["personalised_care"]
        for key in keys[4:8]:
            actions.with_retry(store, contact(patient_id, key, day))

        server.stop("immediate")  # a crash: the next action meets a down server and waits for it
        restarted = threading.Timer(1.5, server.start)
        restarted.start()
        started = time.monotonic()
        actions.with_retry(store, contact(patient_id, keys[8], day))
        restarted.join()
        assert time.monotonic() - started >= 1.0  # it really waited for the server
        for key in keys[9:]:
            actions.with_retry(store, contact(patient_id, key, day))
        for key in keys[6:10]:  # a client resending actions it is unsure about after the restart
            actions.with_retry(store, contact(patient_id, key, day))

        with store.begin() as session:
            done = session.scalars(
                select(FollowupAction.action_key).where(
                    FollowupAction.patient_id == patient_id, FollowupAction.action == "contact"
                )
            ).all()
            assert sorted(done) == sorted(keys)  # none lost, none twice
            audited = session.scalar(
                select(func.count()).where(
                    AuditEvent.object_type == "followup_action", AuditEvent.job_id == "restart-test"
                )
            )
            assert audited == len(keys) + 1  # the stratification and each contact, once
            assert session.get(FollowupPatient, patient_id).version == 1 + len(keys)
            assert session.execute(
                text("SELECT pg_postmaster_start_time() > now() - interval '1 minute'")
            ).scalar()
    finally:
        store.close()
