"""Every page each role's header offers, at 1280 px and 390 px (issue 23, "Done when", first item): a
person of each role signs in, then opens every header link in turn; on each page nothing is wider than
the window, no table hides columns in a sideways-scrolling box, axe finds nothing serious, and a
full-page screenshot is saved (test-artifacts/role-<role>-<page>-<width>.png).

The roles are those `web/navigation.py` builds headers for: the public (signed out), a national user,
an alliance user, a trust user, and a trust user with the clinical grant (who also has the follow-up
worklist). One copy of the browser tests' home serves the whole module, so the grant and the rows
laid out (a follow-up patient, an East of England deliverable) are made here, whatever ran before."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date

import pytest
from tests.browser.conftest import serve, watched_page
from tests.browser.journeys import check_widths, sign_in, slug
from tests.followup.web.helpers import add_patient, grant_clinical
from tests.web.conftest import EAST

from cancer_alliance.programme.deliverables import DeliverableInput, add_deliverable
from cancer_alliance.store import Auditor, open_store

pytestmark = pytest.mark.browser

#: role label -> username in the web fixture (tests/web/conftest.py USERS); None is signed out.
ROLES = {
    "public": None,
    "national": "nat",
    "alliance": "east",
    "trust": "rtx",
    "trust-clinical": "rgt",
}


DELIVERABLE = DeliverableInput(
    title="Recover the 62-day standard",
    owner="Programme manager",
    due_date=date(2019, 3, 31),
    metric_key="cwt:62d_usc",
    trajectory={"2019-01": 0.80, "2019-02": 0.82, "2019-03": 0.85},
)


@pytest.fixture(scope="module")
def role_server(browser_home, tmp_path_factory) -> Iterator[str]:
    """The browser tests' home copied once for this module, with RGT's user granted clinical access,
    one follow-up patient and one deliverable linked to a metric, so the worklist and the
    deliverables table have a row to lay out."""
    home = tmp_path_factory.mktemp("role-pages") / "home"
    shutil.copytree(browser_home, home, symlinks=True)
    store = open_store(f"sqlite:///{home / 'alliance.sqlite3'}")
    try:
        grant_clinical(store, "rgt")
        add_patient(store, trust_code="RGT", alliance_code=EAST)
        with store.begin() as session:
            add_deliverable(session, Auditor(session, job_id="test"), EAST, "2018/19", DELIVERABLE)
    finally:
        store.close()
    with serve(home) as url:
        yield url


@pytest.fixture
def role_page(browser, role_server):
    with watched_page(browser, role_server) as page:
        yield page


HEADER_LINKS_JS = """() => [...document.querySelectorAll('nav.nhsuk-header__navigation a')]
  .map(a => [a.textContent.trim(), new URL(a.href).pathname + new URL(a.href).search])"""


@pytest.mark.parametrize("role", ROLES)
def test_every_page_in_the_roles_header_fits_both_widths(role_page, role):
    page = role_page
    page.set_viewport_size({"width": 1280, "height": 900})
    if ROLES[role]:
        sign_in(page, ROLES[role])
    else:
        page.goto("/")
    links = dict.fromkeys(tuple(link) for link in page.evaluate(HEADER_LINKS_JS))
    assert len(links) >= 7, links
    failures = []
    for text, href in links:
        page.goto(href)
        try:
            check_widths(page, f"role-{role}-{slug(text)}")
        except AssertionError as failure:
            failures.append(f"{text} ({href}): {failure}")
    assert failures == [], "\n".join(failures)
