"""One account per role for the demo, with fresh passwords printed once (issue 6 item 7).

The alliance and trust accounts belong to the trust with the most open pathways and its alliance, so
their patient tracking lists are not empty. Running the demo again gives the same accounts new
passwords (audited as a password change by the demo job).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pandas as pd

from cancer_alliance.store import (
    Auditor,
    Role,
    Store,
    change_password,
    create_user,
    find_user,
    generate_password,
)

DEMO_JOB = "demo-users"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: Role
    organisation_code: str | None


def demo_organisations(ptl: pd.DataFrame, provider_alliance: dict[str, str]) -> tuple[str, str]:
    """(alliance code, trust code): the mapped trust with the most open pathways (ties by code)."""
    counts = ptl[ptl["provider"].isin(provider_alliance.keys())].groupby("provider").size()
    if counts.empty:
        trust = sorted(provider_alliance)[0]
    else:
        trust = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[0][0]
    return provider_alliance[trust], trust


def ensure_demo_users(store: Store, alliance_code: str, trust_code: str) -> list[DemoLogin]:
    """Create (or reset the passwords of) `demo.national`, `demo.alliance` and `demo.trust`."""
    wanted = [
        ("demo.national", Role.national, None, "National analyst (demo)"),
        ("demo.alliance", Role.alliance, alliance_code, "Alliance analyst (demo)"),
        ("demo.trust", Role.trust, trust_code, "Trust cancer manager (demo)"),
    ]
    logins = []
    with store.begin() as session:
        auditor = Auditor(session, job_id=f"{DEMO_JOB}-{uuid.uuid4().hex[:12]}")
        for username, role, code, name in wanted:
            password = generate_password()
            user = find_user(session, username)
            if user is not None and (user.role != role or user.organisation_code != code):
                user = None
                username = f"{username}.{(code or 'all').lower()}"
                user = find_user(session, username)
            if user is None:
                create_user(
                    session,
                    auditor,
                    username=username,
                    role=role,
                    organisation_code=code,
                    display_name=name,
                    password=password,
                )
            else:
                change_password(user, password, auditor)
            logins.append(DemoLogin(username, password, role, code))
    return logins
