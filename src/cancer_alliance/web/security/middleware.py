"""Per-request session, viewer and security headers, as plain ASGI middleware.

Before a route runs: a request id, the session from the signed cookie (or a new anonymous one), and
the viewer (the account of the session's live row in the store, else the public). That lookup runs in
a worker thread with its own short-lived connection, never on the event loop (issue 21: a blocking
lookup there stalled every request once the pool was busy); if the store fails, the answer is 503.
The route reads one generation of results throughout (`Results.pinned`), even if the server switches
to a newer one meanwhile. After it: the cookie again when the session changed (sign-in, sign-out,
refresh of `seen`), the security headers and the request id.
Written against ASGI directly rather than Starlette's `BaseHTTPMiddleware`, which runs each request
through an extra task and memory stream (a measurable share of a page's time, web/README.md).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from http.cookies import SimpleCookie

from anyio import to_thread
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cancer_alliance.store import Role
from cancer_alliance.store.followup import ClinicalAccess
from cancer_alliance.store.web_sessions import session_account
from cancer_alliance.web.context import AppContext, new_request_id
from cancer_alliance.web.scope import PUBLIC, Viewer
from cancer_alliance.web.security.headers import security_headers
from cancer_alliance.web.security.sessions import COOKIE_NAME, REFRESH_SECONDS, new_session

STATIC_PREFIXES = ("/static/", "/assets/")


class SessionsAndHeaders:
    """ASGI middleware; `context()` returns the application's `AppContext`."""

    def __init__(self, app: ASGIApp, context: Callable[[], AppContext]) -> None:
        self.app = app
        self.context = context

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        ctx = self.context()
        request = Request(scope)
        path = scope["path"]
        headers = security_headers(path, ctx.settings.https)
        request.state.request_id = request_id = new_request_id()
        if path.startswith(STATIC_PREFIXES):
            await self.app(scope, receive, _with_headers(send, headers, None))
            return
        now = time.time()
        loaded = ctx.sessions.loads(request.cookies.get(COOKIE_NAME), now)
        session = loaded or new_session(now=now)
        request.state.viewer = PUBLIC
        if session.token is not None:
            try:
                found = await to_thread.run_sync(_signed_in_viewer, ctx, session.token)
            except DBAPIError:
                unavailable = PlainTextResponse("Service unavailable, try again.", 503, {"Retry-After": "5"})
                await unavailable(scope, receive, _with_headers(send, headers, None))
                return
            if found is None:
                session = new_session(now=now)
            else:
                request.state.viewer = found
        if now - session.seen >= REFRESH_SECONDS:
            session = session.touched(now)
        request.state.session = session
        headers["X-Request-ID"] = request_id

        def cookie() -> str | None:
            final = request.state.session
            if final is loaded:
                return None
            secure = ctx.settings.https or scope.get("scheme") == "https"
            return _cookie_header(ctx.sessions.dumps(final), ctx.settings.session_lifetime, secure)

        with ctx.results.pinned():  # one generation of results for the whole request
            await self.app(scope, receive, _with_headers(send, headers, cookie))


def _signed_in_viewer(ctx: AppContext, token: str) -> Viewer | None:
    """The viewer whose live session `token` is (run in a worker thread: it blocks on the store), with
    the follow-up clinical grant looked up for trust users (a primary-key read; the header needs it)."""
    with ctx.store.engine.connect() as connection:
        account = session_account(connection, token)
        if account is None:
            return None
        clinical = (
            account.role is Role.trust
            and connection.execute(
                select(ClinicalAccess.user_id).where(ClinicalAccess.user_id == account.id)
            ).first()
            is not None
        )
    return Viewer(
        user_id=account.id,
        username=account.username,
        display_name=account.display_name,
        role=account.role,
        organisation_code=account.organisation_code,
        clinical=clinical,
    )


def _with_headers(send: Send, headers: dict[str, str], cookie: Callable[[], str | None] | None) -> Send:
    """`send` that adds `headers` (and the session cookie, when there is one) to the response start."""

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            response_headers = MutableHeaders(scope=message)
            for name, value in headers.items():
                response_headers[name] = value
            value = cookie() if cookie else None
            if value:
                response_headers.append("set-cookie", value)
        await send(message)

    return wrapped


def _cookie_header(value: str, lifetime: timedelta, secure: bool) -> str:
    """The Set-Cookie value: HttpOnly, SameSite=Lax, Secure over HTTPS, for the session's lifetime."""
    cookie: SimpleCookie = SimpleCookie()
    cookie[COOKIE_NAME] = value
    morsel = cookie[COOKIE_NAME]
    morsel["max-age"] = int(lifetime.total_seconds())
    morsel["path"] = "/"
    morsel["httponly"] = True
    morsel["samesite"] = "lax"
    if secure:
        morsel["secure"] = True
    return morsel.OutputString()
