"""Accounts: create, sign in, change password or role, deactivate (issue 6, "Accounts and roles").

Passwords are hashed with Argon2id (argon2-cffi defaults, RFC 9106 low-memory profile) and checked
by argon2's own verification, so the comparison takes the same time however much of a guess is
right. Every sign-in attempt runs exactly one verification whatever the account's state (unknown,
deactivated, locked), so the answer's timing says nothing about the account (decision record 0029).
Every change is audited in the caller's transaction; no function here commits.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cancer_alliance.errors import AllianceError
from cancer_alliance.store.audit import Auditor
from cancer_alliance.store.models import Role, UserAccount, utcnow
from cancer_alliance.store.passwords import password_problem
from cancer_alliance.store.web_sessions import SignInThrottle, end_sessions_of

GENERATED_PASSWORD_BYTES = 18  # 24 URL-safe characters, 144 random bits
USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
# Sign-in throttling per account and client address: after this many wrong passwords in a row from one
# address, that address waits `FIRST_LOCKOUT`, doubling with each further wrong password up to
# `MAX_LOCKOUT` (NCSC: "throttle rather than lock out"); other addresses are unaffected.
MAX_FAILED_LOGINS = 5
FIRST_LOCKOUT = timedelta(minutes=1)
MAX_LOCKOUT = timedelta(minutes=15)
SIGN_IN_JOB = "sign-in"

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(GENERATED_PASSWORD_BYTES))

OrganisationCheck = Callable[[Role, str], bool]
"""Says whether `code` is a known organisation for `role` (an alliance ONS code, a trust ODS code)."""


class AccountError(AllianceError):
    """An account cannot be created or changed as asked."""


def hash_password(password: str, *names: str) -> str:
    """An Argon2id hash of `password`, after checking it against the policy (`passwords.py`): long
    enough, not a common password, not containing the user's `names`."""
    if problem := password_problem(password, names):
        raise AccountError(f"password refused: {problem}")
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
        password_hash=hash_password(password, name, display_name or ""),
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
    """Set a new password, end the account's sessions and sign-in throttles, and audit the change
    (never the password)."""
    user.password_hash = hash_password(new_password, user.username, user.display_name)
    user.failed_login_count = 0
    auditor.updated(user)  # before the deletes below, whose autoflush would hide the change
    auditor.session.execute(delete(SignInThrottle).where(SignInThrottle.user_id == user.id))
    end_sessions_of(auditor.session, user.id)


def change_role(
    user: UserAccount,
    role: Role | str,
    organisation_code: str | None,
    auditor: Auditor,
    organisation_known: OrganisationCheck | None = None,
) -> None:
    """Give the user another role or organisation; their sessions end, so what they may see changes
    at once (they sign in again under the new role)."""
    try:
        role = Role(role)
    except ValueError:
        raise AccountError(f"role {role!r}: expected one of {', '.join(Role)}") from None
    user.organisation_code = _check_organisation(
        role, organisation_code, organisation_known or known_organisation
    )
    user.role = role
    auditor.updated(user)
    end_sessions_of(auditor.session, user.id)


def deactivate(user: UserAccount, auditor: Auditor) -> None:
    """Stop the user signing in and end their sessions; the account and its audit trail stay."""
    user.active = False
    auditor.updated(user)
    end_sessions_of(auditor.session, user.id)


def authenticate(
    session: Session,
    username: str,
    password: str,
    *,
    address: str = "unknown",
    request_id: str | None = None,
    now: datetime | None = None,
) -> UserAccount | None:
    """The active account whose password this is, unless `address` is throttled for it; else None.
    Either way audited, and either way after exactly one Argon2 verification.

    Wrong passwords count per account and client address (`SignInThrottle`): from the
    `MAX_FAILED_LOGINS`th in a row that address waits `FIRST_LOCKOUT`, doubling up to `MAX_LOCKOUT`,
    while the user can still sign in from elsewhere. A refusal for an unknown username is attributed
    to the job `SIGN_IN_JOB`, as it has no actor.
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
    correct = verify_password(user, password)
    throttle = session.get(SignInThrottle, (user.id, address[:64]))
    if throttle is not None and throttle.locked_until is not None and throttle.locked_until > now:
        auditor.login_failed(user.username, "address throttled", user)
        return None
    if not correct:
        throttle = throttle or session.merge(
            SignInThrottle(user_id=user.id, address=address[:64], failures=0)
        )
        throttle.failures += 1
        if throttle.failures >= MAX_FAILED_LOGINS:
            throttle.locked_until = now + lockout(throttle.failures)
        user.failed_login_count += 1
        auditor.login_failed(user.username, "wrong password", user)
        return None
    if throttle is not None:
        session.delete(throttle)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.failed_login_count = 0
    user.last_login_at = now
    auditor.logged_in(user)
    return user


def lockout(failures: int) -> timedelta:
    """How long an address waits after its `failures`th wrong password in a row for one account."""
    doublings = min(failures - MAX_FAILED_LOGINS, 10)
    return min(FIRST_LOCKOUT * 2**doublings, MAX_LOCKOUT)


def _spend_verification(password: str) -> None:
    """Verify against a dummy hash so a refusal takes as long as a real check."""
    try:
        _hasher.verify(_DUMMY_HASH, password)
    except VerificationError:
        pass
