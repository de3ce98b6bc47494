"""Settings of the web application, read once from the environment (issue 6, "Accounts and roles").

The session secret signs cookies; it comes from `ALLIANCE_SECRET_KEY` or, failing that, a random key
kept in `ALLIANCE_HOME/web-secret.key` (created on first use, readable by its owner only), so
sessions survive a restart without a secret ever being committed.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from cancer_alliance.config import alliance_home
from cancer_alliance.store.web_sessions import SESSION_LIFETIME

SECRET_VARIABLE = "ALLIANCE_SECRET_KEY"
ASSETS_VARIABLE = "ALLIANCE_NODE_MODULES"
SECRET_FILE = "web-secret.key"
TRUSTED_PROXIES_VARIABLE = "ALLIANCE_TRUSTED_PROXIES"
HTTPS_VARIABLE = "ALLIANCE_HTTPS"


@dataclass(frozen=True)
class WebSettings:
    """Everything `create_app` needs; tests build their own."""

    home: Path
    secret_key: str
    node_modules: Path
    database_url: str | None = None
    #: Sessions end after this long without a request, and in any case this long after sign-in.
    session_idle: timedelta = timedelta(minutes=30)
    session_lifetime: timedelta = SESSION_LIFETIME
    #: Always send Secure cookies and HSTS (served only over HTTPS); otherwise cookies are Secure on
    #: requests that arrive over HTTPS, e.g. through a TLS-terminating proxy.
    https: bool = False
    #: How long an idle kept-alive connection stays open. Longer than any client or proxy keeps an
    #: idle connection in its pool (httpx 5 s, nginx's upstream keepalive_timeout and cloud load
    #: balancers 60 s), so the client always closes first: when both wait the same time, a request
    #: sent as the server closes is lost (issue 21: uvicorn's 5 s against httpx's 5 s dropped 5 of
    #: 14,582 requests under load).
    keep_alive: timedelta = timedelta(seconds=75)
    #: Worker threads per process for routes and store lookups; the store pool has as many
    #: connections, so no request waits for one (issue 21). PostgreSQL needs workers x this many.
    threads: int = 20
    #: Addresses of the TLS proxies whose X-Forwarded-For and X-Forwarded-Proto are believed; any
    #: other peer's are ignored, so nobody can choose the address the sign-in limits count.
    trusted_proxies: tuple[str, ...] = ()
    #: Sign-in attempts allowed per client address in `login_window` (the account lockout in
    #: `store.authenticate` protects each account; this protects the service from guessing at volume).
    login_attempts: int = 10
    login_window: timedelta = timedelta(minutes=5)
    #: A PTL pathway breaching within this many days is amber.
    warn_within_days: int = 7
    #: How long a request waits for the SQLite store's write lock before it fails with 503.
    sqlite_busy_timeout: timedelta = timedelta(seconds=5)
    #: Largest request body of any route but the uploads (forms and JSON are a few kilobytes).
    max_body_bytes: int = 1024 * 1024
    #: Largest CWT file the import page accepts (the largest body of the upload routes).
    max_upload_bytes: int = 200 * 1024 * 1024
    #: Most rows a Parquet upload may declare in its metadata (a small file can hold many rows).
    max_upload_rows: int = 2_000_000


def secret_key(home: Path) -> str:
    """`ALLIANCE_SECRET_KEY`, else the key file in `home` (created with mode 600 if missing)."""
    if configured := os.environ.get(SECRET_VARIABLE):
        return configured
    path = home / SECRET_FILE
    if not path.exists():
        home.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text(encoding="ascii").strip()


def find_node_modules(start: Path | None = None) -> Path:
    """`ALLIANCE_NODE_MODULES`, else the first `node_modules` folder above the package or the working
    directory (`make setup` installs it at the project root; it is never committed)."""
    if configured := os.environ.get(ASSETS_VARIABLE):
        return Path(configured)
    for base in (start or Path(__file__).resolve(), Path.cwd().resolve()):
        for folder in (base, *base.parents):
            if (folder / "node_modules" / "nhsuk-frontend").is_dir():
                return folder / "node_modules"
    raise FileNotFoundError("node_modules with nhsuk-frontend not found: run `make setup` (npm ci)")


def load_settings() -> WebSettings:
    """Settings for serving ALLIANCE_HOME: `ALLIANCE_HTTPS=1` behind a TLS proxy (Secure cookies and
    HSTS), `ALLIANCE_TRUSTED_PROXIES` the proxies' addresses, comma-separated."""
    home = alliance_home()
    proxies = os.environ.get(TRUSTED_PROXIES_VARIABLE, "")
    return WebSettings(
        home=home,
        secret_key=secret_key(home),
        node_modules=find_node_modules(),
        database_url=os.environ.get("ALLIANCE_DATABASE_URL") or None,
        https=os.environ.get(HTTPS_VARIABLE, "") in {"1", "true", "yes"},
        trusted_proxies=tuple(p.strip() for p in proxies.split(",") if p.strip()),
    )
