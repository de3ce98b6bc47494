"""Security properties of the web layer (issue 6 item 4; decision record 0010): headers, cookies,
CSRF on every state-changing route, sign-in rate limiting, session expiry, no open redirect."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from tests.web.conftest import PASSWORD, csrf_token, sign_in

from cancer_alliance.web import create_app
from cancer_alliance.web.pages.auth import safe_next
from cancer_alliance.web.security.ratelimit import RateLimiter
from cancer_alliance.web.security.sessions import COOKIE_NAME, SessionCodec, new_session

pytestmark = pytest.mark.web


@pytest.mark.parametrize("path", ["/", "/login", "/api/alliances", "/static/app/app.js"])
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"


def test_pages_are_not_cached_but_static_files_may_be(client):
    assert client.get("/").headers["cache-control"] == "no-store"
    assert "max-age" in client.get("/static/app/app.js").headers["cache-control"]


def test_session_cookie_is_httponly_samesite_and_not_secure_over_plain_http(client):
    cookie = client.get("/login").headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_and_hsts_sent_when_serving_https(settings):
    from dataclasses import replace

    client = TestClient(create_app(replace(settings, https=True)), base_url="https://testserver")
    response = client.get("/login")
    assert "Secure" in response.headers["set-cookie"]
    assert response.headers["strict-transport-security"].startswith("max-age=")


def test_cookie_is_secure_on_a_request_that_arrived_over_https(settings, app):
    client = TestClient(app, base_url="https://testserver")
    assert "Secure" in client.get("/login").headers["set-cookie"]


def _post_routes(app) -> list[str]:
    """Every POST operation in the OpenAPI document (pages are in it too)."""
    return sorted(
        path.replace("{record_id}", "P-RGT-1")
        for path, operations in app.openapi()["paths"].items()
        if "post" in operations
    )


def test_there_are_post_routes_to_check(app):
    assert set(_post_routes(app)) >= {
        "/login",
        "/logout",
        "/ptl/P-RGT-1/notes",
        "/api/ptl/P-RGT-1/notes",
        "/import",
    }


def test_every_post_route_refuses_a_request_without_the_csrf_token(app, signed_in, notes):
    client = signed_in("nat")
    for path in _post_routes(app):
        response = client.post(path, data={"text": "x", "username": "nat", "password": PASSWORD})
        assert response.status_code == 403, path
        response = client.post(path, data={"text": "x", "csrf_token": "forged"})
        assert response.status_code == 403, path
    assert notes() == []


def test_a_token_from_before_sign_in_is_useless_after_it(client):
    old_token = csrf_token(client.get("/login").text)
    assert sign_in(client, "nat").status_code == 303
    response = client.post("/ptl/P-RGT-1/notes", data={"text": "x", "csrf_token": old_token})
    assert response.status_code == 403


def test_sign_in_with_a_wrong_password_is_refused_and_audited(client, audit_events):
    response = sign_in(client, "nat", "not the password at all")
    assert response.status_code == 401
    assert "Enter a correct username and password" in response.text
    assert audit_events()[-1].action == "login_failed"


def test_sign_in_is_rate_limited_per_address(settings):
    from dataclasses import replace

    client = TestClient(create_app(replace(settings, login_attempts=3)))
    codes = [sign_in(client, "nobody", "wrong password!").status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]


def test_successful_sign_ins_do_not_use_up_the_limit(settings):
    """Staff of a whole trust may share one proxy address: only failures count."""
    from dataclasses import replace

    client = TestClient(create_app(replace(settings, login_attempts=2)))
    codes = [sign_in(client, "nat").status_code for _ in range(5)]
    assert codes == [303] * 5
    codes = [sign_in(client, "nat", "wrong password!").status_code for _ in range(3)]
    assert codes == [401, 401, 429]
    assert sign_in(client, "nat").status_code == 429  # blocked, even with the right password


def test_rate_limiter_window_slides():
    limiter = RateLimiter(2, timedelta(seconds=10))
    assert not limiter.blocked("a", now=0)
    limiter.record("a", now=0)
    limiter.record("a", now=1)
    assert limiter.blocked("a", now=5)
    assert not limiter.blocked("b", now=5)
    assert limiter.retry_after("a", now=5) >= 1
    assert limiter.blocked("a", now=9.5)
    assert not limiter.blocked("a", now=10.5)  # the failure at 0 s has left the window


@pytest.mark.parametrize(
    ("seen_ago", "issued_ago", "valid"),
    [(0, 0, True), (29 * 60, 60 * 60, True), (31 * 60, 60 * 60, False), (60, 8 * 3600 + 1, False)],
)
def test_sessions_expire_when_idle_and_after_their_lifetime(seen_ago, issued_ago, valid):
    codec = SessionCodec("secret", timedelta(minutes=30), timedelta(hours=8))
    now = 1_000_000.0
    session = new_session("token", now=now - issued_ago).touched(now - seen_ago)
    assert (codec.loads(codec.dumps(session), now=now) is not None) is valid


def test_a_tampered_or_foreign_cookie_is_ignored():
    codec = SessionCodec("secret", timedelta(minutes=30), timedelta(hours=8))
    value = codec.dumps(new_session("token"))
    assert codec.loads(value[:-2] + "xx") is None
    assert SessionCodec("other", timedelta(minutes=30), timedelta(hours=8)).loads(value) is None


def test_an_expired_session_falls_back_to_the_public(settings, signed_in):
    from dataclasses import replace

    app = create_app(replace(settings, session_idle=timedelta(seconds=-1)))
    client = TestClient(app)
    sign_in(client, "nat")
    assert client.get("/ptl", follow_redirects=False).status_code == 303  # back to sign-in


def test_signing_out_ends_the_session(signed_in):
    client = signed_in("nat")
    token = csrf_token(client.get("/").text)
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert client.get("/api/ptl").status_code == 401


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/ptl?band=0-33", "/ptl?band=0-33"),
        ("https://evil.example/", "/"),
        ("//evil.example", "/"),
        ("", "/"),
    ],
)
def test_sign_in_only_redirects_within_the_site(target, expected):
    assert safe_next(target) == expected


def test_a_cookie_copied_before_sign_out_does_not_work_after_it(app, signed_in):
    """Issue 21 item 3: the session ends on the server, not just in the browser that signed out."""
    client = signed_in("nat")
    stolen = client.cookies.get(COOKIE_NAME)
    token = csrf_token(client.get("/").text)
    client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    replay = TestClient(app, cookies={COOKIE_NAME: stolen})
    assert replay.get("/api/ptl").status_code == 401


@pytest.mark.parametrize("change", ["password", "role", "deactivate"])
def test_an_account_change_ends_its_sessions_at_once(app, signed_in, change):
    from cancer_alliance.store import (
        Auditor,
        UserAccount,
        change_password,
        change_role,
        deactivate,
        find_user,
    )

    client = signed_in("rgt")
    assert client.get("/api/ptl").status_code == 200
    with app.state.context.store.begin() as session:
        user: UserAccount = find_user(session, "rgt")
        auditor = Auditor(session, job_id="test")
        if change == "password":
            change_password(user, "a completely new passphrase", auditor)
        elif change == "role":
            change_role(user, "trust", "RTX", auditor)
        else:
            deactivate(user, auditor)
    assert client.get("/api/ptl").status_code == 401


def test_the_signed_in_lookup_runs_off_the_event_loop(signed_in, monkeypatch):
    """Issue 21 item 1 of the findings: a blocking store call on the event loop stalled the server."""
    import asyncio

    from cancer_alliance.web.security import middleware

    client = signed_in("nat")
    on_loop: list[bool] = []
    real = middleware.session_account

    def spy(connection, token):
        try:
            asyncio.get_running_loop()
            on_loop.append(True)
        except RuntimeError:
            on_loop.append(False)
        return real(connection, token)

    monkeypatch.setattr(middleware, "session_account", spy)
    assert client.get("/api/ptl").status_code == 200
    assert on_loop == [False]


def test_a_body_over_the_limit_is_refused_before_it_is_read(settings):
    """Issue 21 item 5: an anonymous 100 MB JSON body was read whole before being refused."""
    from dataclasses import replace

    client = TestClient(create_app(replace(settings, max_body_bytes=1000, max_upload_bytes=5000)))
    big = b'{"text": "' + b"x" * 2000 + b'"}'
    declared = client.post(
        "/api/ptl/P-RGT-1/notes", content=big, headers={"content-type": "application/json"}
    )
    assert declared.status_code == 413 and "X-Frame-Options" in declared.headers

    def chunks():
        yield big[:900]
        yield big[900:]

    streamed = client.post(
        "/login", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert streamed.status_code == 413
    upload = client.post("/import", content=b"x" * 2000, headers={"content-type": "text/csv"})
    assert upload.status_code != 413  # the upload route takes more (refused here for other reasons)
    assert client.post("/import", content=b"x" * 6000).status_code == 413


def test_the_rate_limiter_forgets_old_keys_and_holds_at_most_max_keys():
    """Issue 21: it never forgot an address, so a flood of addresses grew it without bound."""
    limiter = RateLimiter(2, timedelta(seconds=10), max_keys=100)
    for n in range(1000):
        limiter.record(f"10.0.{n // 256}.{n % 256}", now=n / 1000)
    assert len(limiter) == 100
    assert limiter.blocked("10.0.3.231", now=1) is False  # one failure each: never blocked
    limiter.record("a", now=20)
    assert len(limiter) == 1  # the others' failures left the window


def test_signing_in_purges_the_sessions_past_their_lifetime(app, settings, signed_in):
    """Issue 21: old session rows do not pile up; each sign-in deletes those no cookie can use."""
    from sqlalchemy import func, select, update

    from cancer_alliance.store.models import utcnow
    from cancer_alliance.store.web_sessions import WebSession

    signed_in("nat")
    signed_in("rgt")
    with app.state.context.store.begin() as session:
        expired = utcnow() - settings.session_lifetime - timedelta(seconds=1)
        session.execute(update(WebSession).values(started_at=expired))
    signed_in("nat")
    with app.state.context.store.session() as session:
        assert session.scalar(select(func.count()).select_from(WebSession)) == 1
