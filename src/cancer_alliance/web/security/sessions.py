"""Signed session cookies with idle and absolute expiry (decision records 0010 and 0028).

The cookie holds the CSRF token, two timestamps and, once signed in, the session token whose hash the
store keeps (`store.web_sessions`): signing out, a password or role change and deactivation delete
that row, so the cookie stops working at once. It is signed with the server's secret (itsdangerous,
HMAC-SHA1 over a salt-derived key); nothing patient-level is in it.
A session ends `session_idle` after its last request or `session_lifetime` after sign-in, whichever
comes first; signing in or out always issues a new session (new CSRF token), so a token seen before
sign-in is useless after it.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, replace
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeSerializer

COOKIE_NAME = "alliance_session"
SALT = "cancer-alliance-session"
#: `seen` is refreshed at most this often, so most responses need no new cookie.
REFRESH_SECONDS = 60


@dataclass(frozen=True)
class SessionData:
    """What a session cookie carries."""

    token: str | None
    csrf: str
    issued: float
    seen: float

    def touched(self, now: float) -> SessionData:
        return replace(self, seen=now)


def new_session(token: str | None = None, now: float | None = None) -> SessionData:
    """A fresh session (anonymous unless `token`, from `store.web_sessions.start_session`), with a new
    CSRF token."""
    now = time.time() if now is None else now
    return SessionData(token=token, csrf=secrets.token_urlsafe(32), issued=now, seen=now)


class SessionCodec:
    """Turns sessions into cookie values and back, refusing tampered or expired ones."""

    def __init__(self, secret: str, idle: timedelta, lifetime: timedelta) -> None:
        self._serializer = URLSafeSerializer(secret, salt=SALT)
        self.idle = idle.total_seconds()
        self.lifetime = lifetime.total_seconds()

    def dumps(self, session: SessionData) -> str:
        return self._serializer.dumps([session.token, session.csrf, session.issued, session.seen])

    def loads(self, value: str | None, now: float | None = None) -> SessionData | None:
        """The session in `value`, or None if missing, tampered with or expired."""
        if not value:
            return None
        try:
            token, csrf, issued, seen = self._serializer.loads(value)
        except (BadSignature, ValueError, TypeError):
            return None
        now = time.time() if now is None else now
        if now - seen > self.idle or now - issued > self.lifetime:
            return None
        if token is not None and not isinstance(token, str):
            return None
        return SessionData(token=token, csrf=str(csrf), issued=float(issued), seen=float(seen))
