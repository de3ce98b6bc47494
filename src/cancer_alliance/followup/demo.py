"""Follow-up in the demo (`alliance demo`): the generated episodes loaded into the store, and a
clinical nurse login at the demo trust, so the worklist is populated on the reference date."""

from __future__ import annotations

import uuid
from pathlib import Path

from cancer_alliance.followup.files import FollowupImport, import_episodes
from cancer_alliance.followup.protocol import load_protocol
from cancer_alliance.store import (
    Auditor,
    Role,
    Store,
    change_password,
    create_user,
    find_user,
    generate_password,
    migrate,
    open_store,
)
from cancer_alliance.store.followup import ClinicalAccess
from cancer_alliance.web.demo_users import DemoLogin

DEMO_NURSE = "demo.nurse"
DEMO_JOB = "demo-followup"


def load_demo_followup(episodes: Path) -> FollowupImport:
    """Register the generated follow-up episodes in the configured store (idempotent)."""
    migrate()
    store = open_store()
    try:
        return import_episodes(episodes, store, load_protocol(), job_id=f"{DEMO_JOB}-{uuid.uuid4().hex[:12]}")
    finally:
        store.close()


def ensure_demo_nurse(store: Store, trust_code: str) -> DemoLogin:
    """`demo.nurse`: a trust user at `trust_code` with the clinical role, with a new password."""
    password = generate_password()
    username = DEMO_NURSE
    with store.begin() as session:
        auditor = Auditor(session, job_id=f"{DEMO_JOB}-{uuid.uuid4().hex[:12]}")
        user = find_user(session, username)
        if user is not None and user.organisation_code != trust_code:
            username = f"{DEMO_NURSE}.{trust_code.lower()}"
            user = find_user(session, username)
        if user is None:
            user = create_user(
                session,
                auditor,
                username=username,
                role=Role.trust,
                organisation_code=trust_code,
                display_name="Breast care nurse (demo)",
                password=password,
            )
            session.flush()
        else:
            change_password(user, password, auditor)
        if session.get(ClinicalAccess, user.id) is None:
            grant = ClinicalAccess(user_id=user.id, granted_by=auditor.job_id or DEMO_JOB)
            session.add(grant)
            auditor.created(grant)
    return DemoLogin(username, password, Role.trust, trust_code)
