"""Role boundaries, tried through pages and the API (issue 6 items 4-5): national sees every pathway,
an alliance its trusts', a trust only its own, the public none and only suppressed aggregates."""

from __future__ import annotations

import pytest
from tests.web.conftest import EAST, csrf_token

pytestmark = pytest.mark.web

ALL = {"P-RGT-1", "P-RGT-2", "P-RGN-1", "P-RTX-1", "P-UNK-1"}
SCOPES = {
    "nat": ALL,
    "east": {"P-RGT-1", "P-RGT-2", "P-RGN-1"},
    "rgt": {"P-RGT-1", "P-RGT-2"},
    "rtx": {"P-RTX-1"},
}


@pytest.mark.parametrize(("user", "expected"), SCOPES.items())
def test_each_role_lists_exactly_its_pathways_in_the_api_page_and_csv(signed_in, user, expected):
    client = signed_in(user)
    assert {row["record_id"] for row in client.get("/api/ptl").json()["rows"]} == expected
    page = client.get("/ptl").text
    assert {rid for rid in ALL if f'href="/ptl/{rid}"' in page} == expected
    exported = client.get("/ptl.csv").text
    assert {rid for rid in ALL if rid in exported} == expected


@pytest.mark.parametrize(("user", "allowed"), SCOPES.items())
def test_pathways_outside_the_scope_are_refused_by_url_and_api(signed_in, user, allowed):
    client = signed_in(user)
    for record_id in sorted(ALL):
        page = client.get(f"/ptl/{record_id}")
        api = client.get(f"/api/ptl/{record_id}")
        expected = 200 if record_id in allowed else 403
        assert (page.status_code, api.status_code) == (expected, expected), record_id


def test_a_missing_pathway_is_refused_exactly_like_another_trusts(signed_in):
    client = signed_in("rgt")
    other, missing = client.get("/api/ptl/P-RTX-1"), client.get("/api/ptl/NO-SUCH-RECORD")
    assert (other.status_code, other.json()) == (missing.status_code, missing.json())


def test_a_trust_user_cannot_add_a_note_to_another_trusts_pathway(signed_in, notes):
    client = signed_in("rgt")
    token = csrf_token(client.get("/ptl/P-RGT-1").text)
    response = client.post("/ptl/P-RTX-1/notes", data={"text": "should not land", "csrf_token": token})
    assert response.status_code == 403
    api = client.post("/api/ptl/P-RTX-1/notes", json={"text": "nor this"}, headers={"X-CSRF-Token": token})
    assert api.status_code == 403
    assert notes() == []


def test_filters_cannot_widen_the_scope(signed_in):
    rows = signed_in("rgt").get("/api/ptl", params={"provider": "RTX"}).json()["rows"]
    assert rows == []


@pytest.mark.parametrize("path", ["/ptl", "/ptl/P-RGT-1", "/ptl.csv", "/import"])
def test_the_public_is_sent_to_sign_in_from_patient_level_pages(client, path):
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize("path", ["/api/ptl", "/api/ptl/P-RGT-1", "/api/ptl?format=csv"])
def test_the_public_gets_401_from_patient_level_api(client, path):
    assert client.get(path).status_code == 401


def test_the_public_sees_suppressed_rounded_aggregates_and_signed_in_users_exact_ones(client, signed_in):
    public = {r["provider"]: r for r in client.get(f"/api/alliances/{EAST}/trusts").json()["rows"]}
    # the public ranking is of the latest complete month (docs/decisions/0051): RGN's 5 patients withheld
    assert public["RGN"]["total"] is None and public["RGN"]["total_suppressed"] is True
    assert public["RGN"]["breaches"] is None and public["RGN"]["breaches_suppressed"] is True
    assert all(row["total"] is None or row["total"] % 5 == 0 for row in public.values())
    trend = client.get("/api/trusts/RGN/trend").json()["rows"]
    assert all(row["total"] is None and row["performance"] is None for row in trend)  # 5 a month: withheld
    exact = signed_in("nat").get("/api/trusts/RGN/trend").json()["rows"]
    assert [row["total"] for row in exact] == [5.0, 5.0, 5.0]


def test_public_pages_say_counts_are_withheld(client):
    assert "withheld" in client.get("/trusts/RGN").text


def test_trust_users_may_import_for_their_own_trust_only(signed_in):
    page = signed_in("rgt").get("/import")
    assert page.status_code == 200
    assert "organisations of your trust RGT only" in page.text
