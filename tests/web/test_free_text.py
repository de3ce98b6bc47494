"""NHS numbers typed into free text are refused (issue 21); the rule itself is tested in
tests/ingest/test_nhs_number.py."""

from __future__ import annotations

import pytest
from tests.web.conftest import csrf_token

pytestmark = pytest.mark.web


def test_a_ptl_note_with_an_nhs_number_is_refused_on_the_page_and_the_api(signed_in, notes):
    rgt = signed_in("rgt")
    token = csrf_token(rgt.get("/ptl/P-RGT-1").text)
    page = rgt.post("/ptl/P-RGT-1/notes", data={"text": "Patient 943 476 5919", "csrf_token": token})
    assert page.status_code == 400 and "Remove the NHS number" in page.text
    api_token = rgt.get("/api/session").json()["csrf_token"]
    api = rgt.post(
        "/api/ptl/P-RGT-1/notes",
        json={"text": "ok", "next_action": "call 9434765919"},
        headers={"X-CSRF-Token": api_token},
    )
    assert api.status_code == 422
    assert notes() == []
