"""Accounts: create, sign in, change password, deactivate (issue 6, "Accounts and roles").

Passwords are hashed with Argon2id (argon2-cffi defaults, RFC 9106 low-memory profile) and checked
by argon2's own verification, so the comparison takes the same time however much of a guess is
right; an unknown username is checked against a dummy hash so it takes as long as a known one.
Every change is audited in the caller's transaction; no function here commits.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from cancer_alliance.errors import AllianceError
from cancer_alliance.store.audit import Auditor
from cancer_alliance.store.models import Role, UserAccount, utcnow

# Length over complexity rules, as NCSC password guidance advises; generated passwords are longer.
MIN_PASSWORD_LENGTH = 12
GENERATED_PASSWORD_BYTES = 18  # 24 URL-safe characters, 144 random bits
USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
# Sign-in throttling: after this many wrong passwords in a row the account is locked for a while.
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
SIGN_IN_JOB = "sign-in"

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(GENERATED_PASSWORD_BYTES))

OrganisationCheck = Callable[[Role, str], bool]
"""Says whether `code` is a known organisation for `role` (an alliance ONS code, a trust ODS code)."""


class AccountError(AllianceError):
    """An account cannot be created or changed as asked."""


def hash_password(password: str) -> str:
    """An Argon2id hash of `password`, after checking it is long enough."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password too short: at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def generate_password() -> str:
    """A random password to hand to a new user once."""
    return secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)


def verify_password(user: UserAccount, password: str) -> bool:
    """Whether `password` is the user's password (constant-time check by argon2)."""
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def find_user(session: Session, username: str) -> UserAccount | None:
    """The account called `username` (case-insensitive), if any."""
    return session.scalar(select(UserAccount).where(UserAccount.username == username.strip().lower()))


def list_users(session: Session) -> list[UserAccount]:
    """All accounts, by username."""
    return list(session.scalars(select(UserAccount).order_by(UserAccount.username)))


def create_user(
    session: Session,
    auditor: Auditor,
    *,
    username: str,
    role: Role | str,
    password: str,
    organisation_code: str | None = None,
    display_name: str | None = None,
    organisation_known: OrganisationCheck | None = None,
) -> UserAccount:
    """Add an account and audit it. National users have no organisation; alliance users need a
    known alliance ONS code and trust users a known trust ODS code (checked by
    `organisation_known`, by default against `cancer_alliance.reference`)."""
    name = username.strip().lower()
    if not USERNAME_PATTERN.fullmatch(name):
        raise AccountError(
            f"username {username!r}: use 2-64 lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    try:
        role = Role(role)
    except ValueError:
        raise AccountError(f"role {role!r}: expected one of {', '.join(Role)}") from None
    code = _check_organisation(role, organisation_code, organisation_known or known_organisation)
    if find_user(session, name) is not None:
        raise AccountError(f"username {name!r} already exists")
    user = UserAccount(
        username=name,
        display_name=(display_name or name).strip(),
        password_hash=hash_password(password),
        role=role,
        organisation_code=code,
    )
    session.add(user)
    auditor.created(user)
    return user


def _check_organisation(role: Role, code: str | None, known: OrganisationCheck) -> str | None:
    code = (code or "").strip().upper() or None
    if role is Role.national:
        if code is not None:
            raise AccountError("national users have no organisation code")
        return None
    kind = "alliance ONS code" if role is Role.alliance else "trust ODS code"
    if code is None:
        raise AccountError(f"{role} users need an organisation code (the {kind})")
    if not known(role, code):
        raise AccountError(f"organisation code {code!r} is not a known {kind}")
    return code


def known_organisation(role: Role, code: str) -> bool:
    """Whether `code` is an alliance ONS code (any vintage) or a trust ODS code (any mapping
    version) in the packaged reference data, so accounts survive a change of vintage."""
    from cancer_alliance import reference  # here, not at the top: it loads pandas, the store needs none

    if role is Role.alliance:
        versions = reference.alliance_versions()
        return any(alliance.code == code for version in versions for alliance in reference.alliances(version))
    versions = reference.trust_versions()
    return any(trust.ods_code == code for version in versions for trust in reference.trusts(version))


def change_password(user: UserAccount, new_password: str, auditor: Auditor) -> None:
    """Set a new password; unlocks the account and audits the change (never the password)."""
    user.password_hash = hash_password(new_password)
    user.failed_login_count = 0
    user.locked_until = None
    auditor.updated(user)


def deactivate(user: UserAccount, auditor: Auditor) -> None:
    """Stop the user signing in; the account and its audit trail stay."""
    user.active = False
    auditor.updated(user)


def authenticate(
    session: Session,
    username: str,
    password: str,
    *,
    request_id: str | None = None,
    now: datetime | None = None,
) -> UserAccount | None:
    """The active, unlocked account whose password this is, else None; either way audited.

    A wrong password counts towards a lock of `LOCKOUT` after `MAX_FAILED_LOGINS` in a row; a
    refusal for an unknown username is attributed to the job `SIGN_IN_JOB`, as it has no actor.
    """
    now = now or utcnow()
    user = find_user(session, username)
    if user is None or not user.active:
        _spend_verification(password)
        actor_id = None if user is None else user.id
        reason = "unknown username" if user is None else "account deactivated"
        auditor = Auditor(session, actor_id=actor_id, job_id=SIGN_IN_JOB, request_id=request_id)
        auditor.login_failed(username, reason, user)
        return None
    auditor = Auditor(session, actor_id=user.id, request_id=request_id)
    if user.locked_until is not None and user.locked_until > now:
        auditor.login_failed(user.username, "account locked", user)
        return None
    if not verify_password(user, password):
        user.failed_login_count += 1
        if user.failed_login_count >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCKOUT
        auditor.login_failed(user.username, "wrong password", user)
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.failed_login_count = 0
    user.locked_until = None
    user.last_login_at = now
    auditor.logged_in(user)
    return user


def _spend_verification(password: str) -> None:
    """Verify against a dummy hash so a refusal takes as long as a real check."""
    try:
        _hasher.verify(_DUMMY_HASH, password)
    except VerificationError:
        pass
