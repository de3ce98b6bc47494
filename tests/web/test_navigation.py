"""The header by role (issue 23, "Navigation"; docs/decisions/0038): every header link of every kind of
viewer answers without a refusal, each role starts on its own organisation after sign-in, and the
header names the organisation rather than its code."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from tests.followup.web.helpers import grant_clinical
from tests.web.conftest import EAST, PASSWORD, csrf_token

pytestmark = pytest.mark.web

#: Kinds of viewer: a test user (None: the public), and whether they hold the clinical grant.
VIEWERS = {
    "public": (None, False),
    "national": ("nat", False),
    "alliance": ("east", False),
    "trust manager": ("rgt", False),
    "trust clinical lead": ("rgt", True),
}


def header_links(html: str) -> list[tuple[str, str]]:
    """(href, text) of each header navigation link."""
    header = html[html.index('class="nhsuk-header__navigation-list"') :]
    header = header[: header.index("</ul>")]
    return [
        (href, re.sub(r"<[^>]+>", "", text).strip())
        for href, text in re.findall(
            r'<a[^>]*class="nhsuk-header__navigation-link"[^>]*href="([^"]+)"[^>]*>(.*?)</a>', header, re.S
        )
    ]


@pytest.fixture
def viewer_client(app, client, signed_in):
    def make(kind: str) -> TestClient:
        user, clinical = VIEWERS[kind]
        if clinical:
            grant_clinical(app.state.context.store, user)
        return signed_in(user) if user else client

    return make


@pytest.mark.parametrize("kind", VIEWERS)
def test_no_header_link_leads_to_a_refusal(viewer_client, kind):
    client = viewer_client(kind)
    links = header_links(client.get("/about").text)
    assert links, "no header links"
    for href, text in links:
        response = client.get(href, follow_redirects=False)
        assert response.status_code == 200, (kind, text, href, response.status_code)
        assert "You need the clinical role" not in response.text, (kind, text, href)


@pytest.mark.parametrize(
    ("kind", "first", "must", "must_not"),
    [
        (
            "public",
            "Map of alliances",
            {"Bowel screening", "Radiotherapy"},
            {"Patient tracking list", "Audit log"},
        ),
        (
            "national",
            "Programme overview",
            {"Audit log", "Follow-up metrics", "Import a file"},
            {"My alliance"},
        ),
        ("alliance", "My alliance", {"Deliverables", "Follow-up metrics", "Timed pathways"}, {"Audit log"}),
        ("trust manager", "My trust", {"Follow-up metrics", "Patient tracking list"}, {"Follow-up worklist"}),
        ("trust clinical lead", "My trust", {"Follow-up worklist", "Follow-up metrics"}, {"Audit log"}),
    ],
)
def test_each_role_reaches_its_features_from_the_header(viewer_client, kind, first, must, must_not):
    texts = [text for _, text in header_links(viewer_client(kind).get("/about").text)]
    assert texts[0] == first
    assert must <= set(texts) and not must_not & set(texts), texts


@pytest.mark.parametrize(
    ("user", "landing"), [("east", f"/alliances/{EAST}"), ("rgt", "/trusts/RGT"), ("nat", "/programme")]
)
def test_sign_in_without_a_page_asked_for_lands_on_my_organisation(client, user, landing):
    token = csrf_token(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": user, "password": PASSWORD, "csrf_token": token, "next": ""},
        follow_redirects=False,
    )
    assert (response.status_code, response.headers["location"]) == (303, landing)


def test_sign_in_still_returns_to_the_page_asked_for(client):
    page = client.get("/login?next=/ptl").text
    assert 'name="next" value="/ptl"' in page
    assert 'name="next" value=""' in client.get("/login").text


@pytest.mark.parametrize(
    ("user", "name"),
    [("east", "East of England"), ("rgt", "Cambridge University Hospitals"), ("nat", "England")],
)
def test_the_header_names_the_organisation_not_its_code(signed_in, user, name):
    html = signed_in(user).get("/about").text
    account = html[html.index("nhsuk-header__account") :]
    account = account[: account.index("</ul>")]
    assert name in account
    assert "E56000009" not in account and "(trust" not in account and "(alliance" not in account


def test_the_programme_overview_shows_every_alliance_to_national_users(signed_in):
    html = signed_in("nat").get("/programme").text
    table = html[html.index('id="overview"') : html.index("</table>", html.index('id="overview"'))]
    assert table.count('href="/programme?alliance=') == 19
    assert "East of England" in table
    assert 'id="overview"' not in signed_in("east").get("/programme").text


def test_the_overview_counts_each_alliances_deliverables_by_rag_most_red_first():
    from types import SimpleNamespace

    from cancer_alliance.programme.rag import Assessment
    from cancer_alliance.store.programme import Rag
    from cancer_alliance.web.presenters.programme import overview_rows

    names = {"A1": "Anglia", "B1": "Bristol", "C1": "Cumbria"}
    items = [
        (SimpleNamespace(alliance_code="B1"), Assessment(Rag.green, "")),
        (SimpleNamespace(alliance_code="C1"), Assessment(Rag.red, "")),
        (SimpleNamespace(alliance_code="C1"), Assessment(None, "no RAG set")),
        (SimpleNamespace(alliance_code="B1"), Assessment(Rag.amber, "")),
        (SimpleNamespace(alliance_code="ZZ"), Assessment(Rag.red, "")),  # not a 2018/19 alliance
    ]
    rows = overview_rows(items, names)
    assert [(r["name"], r["red"], r["amber"], r["green"], r["unknown"], r["tag"]["text"]) for r in rows] == [
        ("Cumbria", 1, 0, 0, 1, "Red"),
        ("Bristol", 0, 1, 1, 0, "Amber"),
        ("Anglia", 0, 0, 0, 0, "None recorded"),
    ]


def test_the_overview_shows_a_deliverables_change_at_once(app, signed_in):
    """The overview is kept per deliverable version: an edit shows on the next request."""
    import datetime as dt

    from cancer_alliance.programme.deliverables import DeliverableInput, add_deliverable, update_deliverable
    from cancer_alliance.store import Auditor
    from cancer_alliance.store.programme import Rag

    def east_row(html: str) -> str:
        start = html.index(f'href="/programme?alliance={EAST}')
        return html[start : html.index("</tr>", start)]

    def deliverable(rag: Rag) -> DeliverableInput:
        return DeliverableInput(
            "Faster diagnosis", "Lead", dt.date(2019, 3, 31), manual_rag=rag, manual_rag_reason="x"
        )

    store, nat = app.state.context.store, signed_in("nat")
    with store.begin() as session:
        made = add_deliverable(
            session, Auditor(session, job_id="test"), EAST, "2018/19", deliverable(Rag.red)
        )
        made_id, version = made.id, made.version
    assert ">Red<" in east_row(nat.get("/programme?month=2019-03").text)
    with store.begin() as session:
        update_deliverable(session, Auditor(session, job_id="test"), made_id, version, deliverable(Rag.green))
    assert ">Green<" in east_row(nat.get("/programme?month=2019-03").text)
