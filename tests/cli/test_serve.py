"""`alliance serve` (issue 21): one worker per core by default, forwarded headers believed only from
the trusted proxies, HTTPS (Secure cookies, HSTS) as a setting."""

from __future__ import annotations

import os

import pytest
import uvicorn

from cancer_alliance.cli import web


@pytest.fixture
def served(monkeypatch, tmp_path):
    monkeypatch.setenv("ALLIANCE_HOME", str(tmp_path))
    monkeypatch.setenv("ALLIANCE_SECRET_KEY", "test")
    monkeypatch.setattr(web, "migrate", lambda: None)
    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))
    return calls


def test_serve_defaults_to_one_worker_per_core_and_trusts_no_forwarded_headers(served):
    web.run_server("127.0.0.1", 8104)
    [call] = served
    assert call["workers"] == os.cpu_count()
    assert call["proxy_headers"] is False


def test_forwarded_headers_are_believed_from_the_configured_proxies_only(served, monkeypatch):
    monkeypatch.setenv("ALLIANCE_TRUSTED_PROXIES", "10.1.1.1, 10.1.1.2")
    monkeypatch.setenv("ALLIANCE_HTTPS", "1")
    web.run_server("127.0.0.1", 8104, workers=3)
    [call] = served
    assert (call["workers"], call["proxy_headers"], call["forwarded_allow_ips"]) == (
        3,
        True,
        "10.1.1.1,10.1.1.2",
    )
    assert web.load_settings().https is True


def test_idle_connections_outlive_those_of_clients_and_proxies(served):
    """Issue 21: with uvicorn's 5 s keep-alive against httpx's 5 s pool expiry, a request sent as the
    server closed an idle connection was lost (RemoteProtocolError). The server must wait longer than
    httpx and than proxies and load balancers (60 s), so the client side always closes first."""
    import httpx

    web.run_server("127.0.0.1", 8104)
    [call] = served
    client_expiry = httpx.AsyncClient()._transport._pool._keepalive_expiry
    assert call["timeout_keep_alive"] > max(client_expiry, 60)
