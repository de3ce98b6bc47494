"""Putting follow-up patients and the clinical role into a web test's store."""

from __future__ import annotations

from sqlalchemy import select
from tests.followup.conftest import candidate

from cancer_alliance.followup import actions
from cancer_alliance.followup.protocol import load_protocol, stratify
from cancer_alliance.store import Auditor, Store, UserAccount
from cancer_alliance.store.followup import ClinicalAccess


def grant_clinical(store: Store, username: str) -> None:
    with store.begin() as session:
        user = session.scalar(select(UserAccount).where(UserAccount.username == username))
        if session.get(ClinicalAccess, user.id) is None:  # a shared home may hold the grant already
            session.add(ClinicalAccess(user_id=user.id, granted_by="test"))


def add_patient(store: Store, **changes) -> int:
    row = candidate(**changes)
    with store.begin() as session:
        patient = actions.register(
            session,
            Auditor(session, job_id="test"),
            row,
            stratify(load_protocol(), row),
            row["treatment_end_date"],
        )
        return patient.id
