"""`alliance serve`: the web application over whatever ALLIANCE_HOME holds (a thin shell over
`cancer_alliance.web`); also the demo's last steps (accounts, then serving)."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cancer_alliance import reference
from cancer_alliance.followup.demo import ensure_demo_nurse
from cancer_alliance.results.reader import Results
from cancer_alliance.store import migrate, open_store
from cancer_alliance.web.demo_users import demo_organisations, ensure_demo_users
from cancer_alliance.web.settings import load_settings

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def run_server(host: str, port: int, workers: int | None = None) -> None:
    """Migrate the store and serve until interrupted with `workers` processes (default: one per core);
    each loads the results itself. Forwarded headers are believed only from `ALLIANCE_TRUSTED_PROXIES`;
    idle connections are kept `WebSettings.keep_alive`, longer than clients and proxies keep them."""
    import uvicorn

    migrate()
    settings = load_settings()  # creates the session secret once, before several workers could race to
    Console(stderr=True).print(f"Serving on http://{host}:{port} (Ctrl+C to stop)", highlight=False)
    uvicorn.run(
        "cancer_alliance.web.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers or os.cpu_count() or 1,
        log_level="warning",
        timeout_keep_alive=int(settings.keep_alive.total_seconds()),
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=",".join(settings.trusted_proxies) or None,
    )


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(help="Port to listen on.")] = DEFAULT_PORT,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Worker processes (default: one per core).")
    ] = None,
) -> None:
    """Serve the web application (map, dashboards, explorer, patient tracking list, import) on the
    results, lake and store in ALLIANCE_HOME. In production (docs/deployment.md): the PostgreSQL store
    (ALLIANCE_DATABASE_URL), a TLS proxy whose address is in ALLIANCE_TRUSTED_PROXIES, and
    ALLIANCE_HTTPS=1 for Secure cookies and HSTS.

    Example: alliance serve --host 127.0.0.1 --port 8000 --workers 2
    """
    run_server(host, port, workers)


def create_demo_logins() -> Table:
    """One account per role for the demo; returns a table of the logins to print."""
    migrate()
    store = open_store()
    try:
        alliance, trust = demo_organisations(
            Results(load_settings().home).ptl(), reference.provider_alliance()
        )
        logins = ensure_demo_users(store, alliance, trust)
        logins.append(ensure_demo_nurse(store, trust))  # issue 11: follow-up worklist
    finally:
        store.close()
    table = Table(title="Demo logins (passwords are new on every run)")
    for column in ("Username", "Password", "Role", "Organisation"):
        table.add_column(column)
    for login in logins:
        table.add_row(login.username, login.password, str(login.role), login.organisation_code or "England")
    return table
