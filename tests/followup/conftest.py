"""Follow-up fixtures: the store tests run on SQLite and PostgreSQL with the store's own fixtures."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import pytest
from tests.store.conftest import database_url, new_database, postgres_admin, store  # noqa: F401

from cancer_alliance.followup.protocol import Protocol, load_protocol
from cancer_alliance.store import Auditor, Role, Store, create_user

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def protocol() -> Protocol:
    return load_protocol()


def candidate(**values) -> dict:
    """A patient finishing treatment: early, low-risk, able to self-manage, unless told otherwise."""
    row = {
        "episode_id": f"EP-{uuid.uuid4().hex[:10]}",
        "nhs_number": f"pseudo-{uuid.uuid4().hex[:12]}",
        "trust_code": "RTA",
        "alliance_code": "E56000001",
        "age_at_diagnosis": 58,
        "diagnosis_date": dt.date(2018, 3, 1),
        "treatment_end_date": dt.date(2018, 9, 1),
        "stage": "1",
        "grade": 2,
        "er_status": "positive",
        "her2_status": "negative",
        "surgery": "breast_conserving",
        "ongoing_treatment": False,
        "in_clinical_trial": False,
        "able_to_self_manage": True,
        "patient_preference": None,
        "key_worker_id": "RTA-CNS1",
    }
    return row | values


@pytest.fixture
def nurse(store: Store) -> Callable[[str], int]:  # noqa: F811  (the store fixture)
    """Makes a trust account (code RTA unless told) and returns its id."""

    def make(trust: str = "RTA") -> int:
        with store.begin() as session:
            user = create_user(
                session,
                Auditor(session, job_id="test-setup"),
                username=f"nurse-{uuid.uuid4().hex[:8]}",
                role=Role.trust,
                password=PASSWORD,
                organisation_code=trust,
                organisation_known=lambda role, code: True,
            )
            session.flush()
            return user.id

    return make
