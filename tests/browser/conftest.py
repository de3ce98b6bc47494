"""Browser journeys: the application served by uvicorn on loopback in a thread, driven by Playwright
in Debian's Chromium (`/usr/bin/chromium`), with axe-core from node_modules run on every page.
Screenshots go to test-artifacts/."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from tests.web.conftest import build_home

from cancer_alliance.web import WebSettings, create_app
from cancer_alliance.web.settings import find_node_modules

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def browser_home(tmp_path_factory) -> Path:
    """The same results and users as the web tests."""
    return build_home(tmp_path_factory.mktemp("browser") / "home")


@contextmanager
def serve(home: Path) -> Iterator[str]:
    """Serve `home` (as ALLIANCE_HOME) on a free loopback port until the block ends; yields the base URL."""
    mp = pytest.MonkeyPatch()
    mp.setenv("ALLIANCE_HOME", str(home))
    mp.delenv("ALLIANCE_DATABASE_URL", raising=False)
    settings = WebSettings(home=home, secret_key="browser-test", node_modules=find_node_modules())
    app = create_app(settings)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        mp.undo()


@pytest.fixture(scope="session")
def server(browser_home) -> Iterator[str]:
    """Base URL of the application serving `browser_home`, for the whole session."""
    with serve(browser_home) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Debian's Chromium is missing: run `make chromium`"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield browser
        browser.close()


@contextmanager
def watched_page(browser, base_url: str, **options) -> Iterator:
    """A page of a new browser context at `base_url` that collects Content Security Policy
    violations from the console in `page.csp_violations` (checked by `journeys.check_page`)."""
    context = browser.new_context(base_url=base_url, locale="en-GB", **options)
    page = context.new_page()
    page.csp_violations = []
    page.on(
        "console",
        lambda message: (
            page.csp_violations.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser, server):
    with watched_page(browser, server, accept_downloads=True) as page:
        yield page
