"""Server-side sign-in sessions and per-address sign-in throttles (issue 21; decision records 0028, 0029).

A signed-in browser holds a random session token; the store keeps only its SHA-256, the account and
when it started, so ending a session is deleting its row and takes effect on the next request.
Signing out ends one session; a password change, deactivation or role change ends all of the
account's sessions (OWASP Session Management Cheat Sheet, "Session expiration" and "Renew the
session ID after any privilege level change").

A session's row outlives its use when the browser simply stops (idle or past its lifetime): those
rows are purged at each sign-in and by `alliance users purge-sessions`, so the table holds at most
the sessions started within one `SESSION_LIFETIME`.

A sign-in throttle counts wrong passwords for one account from one client address, so a guesser at
one address is slowed without letting anyone lock a named user out from everywhere.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Connection, CursorResult, ForeignKey, Integer, Row, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from cancer_alliance.store.models import Base, UserAccount, UtcDateTime, utcnow

TOKEN_BYTES = 32  # 256 random bits, as OWASP advises at least 64
#: A session ends this long after sign-in however active it is (OWASP Session Management Cheat
#: Sheet, "Absolute timeout": 4 to 8 hours for a working day's use); the web's default.
SESSION_LIFETIME = timedelta(hours=8)


class WebSession(Base):
    """One signed-in session: the hash of its token, never the token itself."""

    __tablename__ = "web_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class SignInThrottle(Base):
    """Consecutive wrong passwords for one account from one client address, and the lock they earned."""

    __tablename__ = "sign_in_throttle"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def start_session(session: Session, user_id: int) -> str:
    """A new session for the account; returns the token to give the browser (once)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(WebSession(token_hash=_hash(token), user_id=user_id))
    return token


def session_user(session: Session, token: str) -> UserAccount | None:
    """The active account whose session `token` is, else None (ended, unknown, or deactivated)."""
    user = session.scalar(
        select(UserAccount)
        .join(WebSession, WebSession.user_id == UserAccount.id)
        .where(WebSession.token_hash == _hash(token))
    )
    return user if user is not None and user.active else None


def session_account(connection: Connection, token: str) -> Row | None:
    """`session_user` for every signed-in request: the active account's id, username, display_name,
    role and organisation_code, by one Core query without loading an ORM entity (issue 21)."""
    return connection.execute(
        select(
            UserAccount.id,
            UserAccount.username,
            UserAccount.display_name,
            UserAccount.role,
            UserAccount.organisation_code,
        )
        .join(WebSession, WebSession.user_id == UserAccount.id)
        .where(WebSession.token_hash == _hash(token), UserAccount.active.is_(True))
    ).first()


def end_session(session: Session, token: str) -> None:
    """End one session (sign-out)."""
    session.execute(delete(WebSession).where(WebSession.token_hash == _hash(token)))


def end_sessions_of(session: Session, user_id: int) -> None:
    """End every session of the account (password, role or organisation changed; deactivated)."""
    session.execute(delete(WebSession).where(WebSession.user_id == user_id))


def purge_expired_sessions(
    session: Session, lifetime: timedelta = SESSION_LIFETIME, now: datetime | None = None
) -> int:
    """Delete the sessions started more than `lifetime` ago, which no cookie can use any more;
    returns how many. Sessions ended by sign-out or an account change are deleted at once."""
    cutoff = (now or utcnow()) - lifetime
    result = session.execute(delete(WebSession).where(WebSession.started_at < cutoff))
    assert isinstance(result, CursorResult)
    return result.rowcount
