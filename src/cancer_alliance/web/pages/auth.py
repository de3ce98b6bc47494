"""Signing in and out. Passwords are checked by `store.authenticate` (Argon2id, per-account lockout,
every attempt audited); this adds per-address rate limiting and a fresh session on each change."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from cancer_alliance.store import Auditor, authenticate
from cancer_alliance.store.models import UserAccount
from cancer_alliance.store.web_sessions import end_session, purge_expired_sessions, start_session
from cancer_alliance.web.context import ContextDep, SignedInDep, viewer_of
from cancer_alliance.web.navigation import landing, place_of
from cancer_alliance.web.pages.common import render
from cancer_alliance.web.security.csrf import require_csrf
from cancer_alliance.web.security.sessions import new_session

router = APIRouter(tags=["accounts"])


def _asked_for(target: str | None) -> str:
    """The page asked for, made safe; blank when none was (sign-in then leads to the landing page)."""
    return safe_next(target) if target else ""


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an absolute or scheme-relative URL (no open redirect)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/login", name="login")
def login_form(request: Request, next: str = ""):
    return render(request, "login.jinja", next=_asked_for(next), errors=[], username="")


@router.post("/login", name="login_submit", dependencies=[Depends(require_csrf)])
def login_submit(
    request: Request,
    ctx: ContextDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
):
    client = request.client.host if request.client else "unknown"
    if ctx.login_limiter.blocked(client):
        retry = ctx.login_limiter.retry_after(client)
        errors = [
            {"text": "Too many sign-in attempts. Wait a few minutes and try again.", "href": "#username"}
        ]
        response = render(
            request, "login.jinja", status_code=429, next=_asked_for(next), errors=errors, username=username
        )
        response.headers["Retry-After"] = str(retry)
        return response
    with ctx.store.begin() as session:
        user = authenticate(session, username, password, address=client, request_id=request.state.request_id)
        token = start_session(session, user.id) if user is not None else None
        if token is not None:  # sessions no cookie can use any more go as new ones start
            purge_expired_sessions(session, ctx.settings.session_lifetime)
        place = place_of(viewer_of(user), ctx.provider_alliance) if user is not None else None
    if token is None:
        ctx.login_limiter.record(client)
        errors = [{"text": "Enter a correct username and password", "href": "#username"}]
        return render(
            request, "login.jinja", status_code=401, next=_asked_for(next), errors=errors, username=username
        )
    request.state.session = new_session(token)
    target = safe_next(next) if next or place is None else landing(place, request.app.url_path_for)
    return RedirectResponse(target, status_code=303)


@router.post("/logout", name="logout", dependencies=[Depends(require_csrf)])
def logout(request: Request, ctx: ContextDep, viewer: SignedInDep):
    with ctx.store.begin() as session:
        user = session.get(UserAccount, viewer.user_id)
        Auditor(session, actor_id=viewer.user_id, request_id=request.state.request_id).logged_out(user)
        end_session(session, request.state.session.token)
    request.state.session = new_session()
    return RedirectResponse("/", status_code=303)
