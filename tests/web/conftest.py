"""Fixtures for the web tests: a small results folder written here (three trusts in two alliances),
a migrated SQLite store with one user per role, and signed-in TestClients."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from tests.fit.web_results import write_fit_results
from tests.lung.web_results import write_lung_results
from tests.pathways.web_results import write_pathway_results
from tests.radiotherapy.web_results import write_radiotherapy_results

from cancer_alliance.results import generations
from cancer_alliance.store import AuditEvent, Auditor, PtlNote, create_user, migrate, open_store
from cancer_alliance.web import WebSettings, create_app
from cancer_alliance.web.settings import find_node_modules

pytestmark = pytest.mark.web

CENSUS = dt.date(2019, 3, 31)
PASSWORD = "correct horse battery staple"
# RGT and RGN are in East of England (E56000009); RTX in Lancashire and South Cumbria (E56000018).
EAST = "E56000009"
USERS = {
    "nat": ("national", None),
    "east": ("alliance", EAST),
    "rgt": ("trust", "RGT"),
    "rtx": ("trust", "RTX"),
}
PATHWAYS = [
    # record_id, provider, alliance, tumour_type, days_waited, band, breach_date_62d
    ("P-RGT-1", "RGT", EAST, "Breast", 70, "63-104", dt.date(2019, 3, 20)),
    ("P-RGT-2", "RGT", EAST, "Lung", 58, "34-62", dt.date(2019, 4, 3)),
    ("P-RGN-1", "RGN", EAST, "Lung", 20, "0-33", dt.date(2019, 5, 12)),
    ("P-RTX-1", "RTX", "E56000018", "Breast", 110, ">104", dt.date(2019, 1, 20)),
    ("P-UNK-1", None, "UNKNOWN", "Missing or Invalid", 5, "0-33", dt.date(2019, 5, 28)),
]
MONTHS = ["2019-01", "2019-02", "2019-03"]
STANDARDS = {"62d_usc": 0.85, "2ww": 0.93, "fds": None, "31d_first": 0.96}


def _performance(groups: dict[str, list[str]]) -> pd.DataFrame:
    """Rows per standard x month x group: totals 40 (RGT), 5 (RGN, small), 12 (RTX)."""
    totals = {"RGT": 40.0, "RGN": 5.0, "RTX": 12.0}
    rows = []
    for standard, threshold in STANDARDS.items():
        for month in MONTHS:
            for provider, total in totals.items():
                within = total - (3.0 if provider != "RGN" else 1.0)
                row = {"standard_id": standard, "reporting_month": month}
                row.update({key: value(provider) for key, value in groups.items()})
                row.update(
                    total=total,
                    within=within,
                    breaches=total - within,
                    performance=within / total,
                    threshold=threshold,
                    meets_threshold=None if threshold is None else within / total >= threshold,
                )
                rows.append(row)
    frame = pd.DataFrame(rows)
    keys = ["standard_id", "reporting_month", *groups]
    summed = frame.groupby(keys, dropna=False)[["total", "within", "breaches"]].sum().reset_index()
    summed["threshold"] = summed["standard_id"].map(STANDARDS)
    summed["performance"] = summed["within"] / summed["total"]
    summed["meets_threshold"] = summed["performance"] >= summed["threshold"]
    return summed


def write_results(home: Path) -> None:
    results = home / "results"
    results.mkdir(parents=True)
    alliance = {"RGT": EAST, "RGN": EAST, "RTX": "E56000018"}
    tables = {
        "month": {},
        "month_provider": {"provider": lambda p: p},
        "month_alliance": {"alliance": lambda p: alliance[p]},
        "month_tumour_type": {"tumour_type": lambda p: "Breast" if p != "RGN" else "Lung"},
        "month_provider_tumour_type_route": {
            "provider": lambda p: p,
            "tumour_type": lambda p: "Breast" if p != "RGN" else "Lung",
            "route": lambda p: "usc",
        },
    }
    for name, groups in tables.items():
        _performance(groups).to_parquet(results / f"performance_{name}.parquet", index=False)
    ptl = pd.DataFrame(
        [
            {
                "record_id": rid,
                "census_date": CENSUS,
                "route": "usc",
                "provider": provider,
                "alliance": alliance_code,
                "tumour_type": tumour,
                "tumour_type_source": "suspected" if tumour != "Missing or Invalid" else None,
                "days_waited": days,
                "band": band,
                "over_62_backlog": days >= 63,
                "over_104": days >= 105,
                # as cwt.ptl.crossed: passed day N in the 7 days up to the census
                **{f"passed_day_{n}_last_7_days": n < days <= n + 7 for n in (28, 62, 104)},
                "breach_date_2ww": None,
                "breach_date_fds": None,
                "breach_date_62d": breach,
                "next_milestone": "62d" if breach > CENSUS else "104d",
                "next_milestone_date": breach if breach > CENSUS else CENSUS + dt.timedelta(days=30),
            }
            for rid, provider, alliance_code, tumour, days, band, breach in PATHWAYS
        ]
    )
    ptl.to_parquet(results / "ptl.parquet", index=False)
    pd.DataFrame(
        [
            {
                "census_date": CENSUS,
                "breakdown": "england",
                "group_name": "England",
                "open_pathways": len(PATHWAYS),
                "over_62_backlog": 2,
                "over_104": 1,
                "crossed_28_last_7_days": 0,
                "crossed_62_last_7_days": 0,
                "crossed_104_last_7_days": 0,
            }
        ]
    ).to_parquet(results / "ptl.summary.parquet", index=False)
    pd.DataFrame(
        [
            {
                "record_id": rid,
                "nhs_number": "pseudonym-not-shown",
                "referral_received_date": breach - dt.timedelta(days=63),
                "date_first_seen": breach - dt.timedelta(days=50),
                "provider_first_seen": provider,
            }
            for rid, provider, _, _, _, _, breach in PATHWAYS
        ]
    ).to_parquet(results / "cwt_records.parquet", index=False)


def publish_as_generation(home: Path) -> None:
    """Make the results written above the current generation, as `alliance results refresh` would."""
    folder = generations.new_folder(home)
    folder.rmdir()
    (home / "results").rename(folder)
    refreshed = dt.datetime(2019, 4, 1, 6, 30, tzinfo=dt.UTC)
    generations.publish(home, folder, generations.Generation(folder.name, CENSUS, refreshed, "test"))


@pytest.fixture(scope="session")
def template_home(tmp_path_factory) -> Path:
    """Results and a migrated store with the users, built once (Argon2 hashing is slow on purpose)."""
    return build_home(tmp_path_factory.mktemp("web-template") / "home")


def build_home(home: Path) -> Path:
    """Write the results and a SQLite store holding `USERS` into `home`."""
    write_results(home)
    write_pathway_results(home / "results")
    write_fit_results(home / "results")
    write_lung_results(home)
    write_radiotherapy_results(home / "results")
    publish_as_generation(home)
    url = f"sqlite:///{home / 'alliance.sqlite3'}"
    migrate(url)
    store = open_store(url)
    with store.begin() as session:
        auditor = Auditor(session, job_id="test-setup")
        for username, (role, code) in USERS.items():
            create_user(
                session, auditor, username=username, role=role, organisation_code=code, password=PASSWORD
            )
    store.close()
    return home


@pytest.fixture
def web_home(template_home, tmp_path, monkeypatch) -> Path:
    """A fresh copy of the template home for one test, as ALLIANCE_HOME."""
    home = tmp_path / "home"
    shutil.copytree(template_home, home, symlinks=True)
    monkeypatch.setenv("ALLIANCE_HOME", str(home))
    monkeypatch.delenv("ALLIANCE_DATABASE_URL", raising=False)
    return home


@pytest.fixture
def settings(web_home) -> WebSettings:
    return WebSettings(home=web_home, secret_key="test-secret", node_modules=find_node_modules())


@pytest.fixture
def app(settings):
    return create_app(settings)


@pytest.fixture
def client(app) -> TestClient:
    return TestClient(app)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD):
    token = csrf_token(client.get("/login").text)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )


@pytest.fixture
def signed_in(app) -> Callable[[str], TestClient]:
    """A new client signed in as one of `USERS`."""

    def make(username: str) -> TestClient:
        client = TestClient(app)
        response = sign_in(client, username)
        assert response.status_code == 303, response.text
        return client

    return make


@pytest.fixture
def audit_events(app) -> Callable[[], list[AuditEvent]]:
    def read() -> list[AuditEvent]:
        with app.state.context.store.session() as session:
            return list(session.query(AuditEvent).order_by(AuditEvent.id))

    return read


@pytest.fixture
def notes(app) -> Callable[[], list[PtlNote]]:
    def read() -> list[PtlNote]:
        with app.state.context.store.session() as session:
            return list(session.query(PtlNote).order_by(PtlNote.id))

    return read
