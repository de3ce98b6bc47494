"""One pathway's page (issue 6 item 2: "a pathway timeline per patient, notes and next actions saved
to the store"; item 4: "an audit record for every patient-level page view, note and export (who,
what, when)"): notes name their author, and the page shows its own access log from the audit log."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from tests.web.conftest import csrf_token

pytestmark = pytest.mark.web


def access_log(html: str) -> list[tuple[str, str]]:
    table = html[html.index('id="access-log"') :]
    cells = re.findall(r'<td class="nhsuk-table__cell">([^<]*)</td>', table[: table.index("</table>")])
    return [(cells[i + 1], cells[i + 2]) for i in range(0, len(cells) - 2, 3)]


def test_the_first_view_says_nobody_opened_the_pathway_before(signed_in):
    page = signed_in("nat").get("/ptl/P-RGN-1").text
    assert access_log(page) == []
    assert "Nobody had opened this pathway before now." in page


def test_a_note_names_its_author_and_the_access_log_names_who_did_what(signed_in):
    rgt = signed_in("rgt")
    token = csrf_token(rgt.get("/ptl/P-RGT-1").text)
    rgt.post("/ptl/P-RGT-1/notes", data={"text": "Chase histology", "csrf_token": token})
    signed_in("east").get("/ptl/P-RGT-1")
    page = rgt.get("/ptl/P-RGT-1").text
    assert re.search(r"rgt, \d{1,2} \w+ \d{4} at \d\d:\d\d UTC", page)
    assert access_log(page) == [  # this view is recorded as the page is sent, so it is not listed yet
        ("east", "Viewed the pathway"),
        ("rgt", "Viewed the pathway"),  # the page shown again after saving
        ("rgt", "Added a note"),
        ("rgt", "Viewed the pathway"),
    ]


def test_the_access_log_is_only_about_this_pathway(signed_in):
    nat = signed_in("nat")
    nat.get("/ptl/P-RGT-2")
    nat.get("/ptl/P-RGT-1")
    page = nat.get("/ptl/P-RGT-1").text
    assert access_log(page) == [("nat", "Viewed the pathway")]


def test_the_api_names_the_author_of_each_note(signed_in):
    rgt = signed_in("rgt")
    token = rgt.get("/api/session").json()["csrf_token"]
    created = rgt.post(
        "/api/ptl/P-RGT-2/notes", json={"text": "MDT Tuesday"}, headers={"X-CSRF-Token": token}
    )
    assert created.json()["author"] == "rgt"
    assert [n["author"] for n in rgt.get("/api/ptl/P-RGT-2").json()["notes"]] == ["rgt"]


def test_a_trust_user_cannot_read_another_trusts_access_log(signed_in):
    signed_in("rtx").get("/ptl/P-RTX-1")
    assert signed_in("rgt").get("/ptl/P-RTX-1").status_code == 403


def test_the_api_gives_the_same_access_log_as_the_page(signed_in):
    east, rgt = signed_in("east"), signed_in("rgt")
    east.get("/ptl/P-RGT-2")
    rgt.get("/api/ptl/P-RGT-2")
    log = signed_in("nat").get("/api/ptl/P-RGT-2").json()["access_log"]
    assert [(entry["who"], entry["what"]) for entry in log] == [
        ("rgt", "Viewed the pathway"),
        ("east", "Viewed the pathway"),
    ]
    times = [dt.datetime.fromisoformat(entry["when"]) for entry in log]
    assert times == sorted(times, reverse=True)


@pytest.mark.parametrize(
    ("record_id", "status", "colour"),
    [
        ("P-RTX-1", "Breached", "red"),  # 62-day breach date 20 Jan 2019, before the census (31 Mar)
        ("P-RGT-2", "Breaches in 3 days", "orange"),  # 3 Apr 2019: within the 7-day warning
        ("P-RGN-1", "On track", "green"),  # 12 May 2019
    ],
)
def test_the_heading_carries_the_pathways_rag_status(signed_in, record_id, status, colour):
    page = signed_in("nat").get(f"/ptl/{record_id}").text
    heading = page[page.index("<h1>") : page.index("</h1>")]
    assert f'<strong class="nhsuk-tag nhsuk-tag--{colour}">{status}</strong>' in heading


def test_the_page_says_where_the_tumour_type_came_from(signed_in):
    """Before a diagnosis the PTL shows the referral's suspected cancer type (`cwt.ptl`), and says so."""
    assert "Lung (suspected, from the referral)" in signed_in("nat").get("/ptl/P-RGN-1").text
    assert "Missing or Invalid (" not in signed_in("nat").get("/ptl/P-UNK-1").text


def test_the_heading_lets_a_long_record_id_wrap_on_a_phone(signed_in):
    """A profile-built record id (`cwt-` and 32 hex characters) widened a 390 px page to 585 px."""
    page = signed_in("nat").get("/ptl/P-RGN-1").text
    assert '<h1>Pathway <span class="app-record-id">P-RGN-1</span>' in page
    css = signed_in("nat").get("/static/app/app.css").text
    assert ".app-record-id {\n  overflow-wrap: anywhere;" in css


def test_the_access_log_lists_the_newest_views_and_notes_together(app, signed_in):
    """Views and note events are read by one query each and merged (issue 21): the log holds the
    newest `ACCESS_LOG_ROWS` of both, newest first."""
    from cancer_alliance.web.scope import ACCESS_LOG_ROWS

    rgt = signed_in("rgt")
    for _ in range(ACCESS_LOG_ROWS + 2):
        rgt.get("/api/ptl/P-RGT-1")
    token = csrf_token(rgt.get("/ptl/P-RGT-1").text)
    rgt.post("/ptl/P-RGT-1/notes", data={"text": "Chase histology", "csrf_token": token})
    log = rgt.get("/api/ptl/P-RGT-1").json()["access_log"]
    assert len(log) == ACCESS_LOG_ROWS
    assert [entry["what"] for entry in log[:3]] == [
        "Viewed the pathway",
        "Added a note",
        "Viewed the pathway",
    ]
    assert [entry["when"] for entry in log] == sorted((entry["when"] for entry in log), reverse=True)


def test_the_next_action_due_is_the_nhs_date_input_and_a_wrong_date_is_kept_with_its_error(signed_in):
    """Three boxes, not the browser's date picker (NHS digital service manual, date input); an
    impossible date is refused in the design system's words, with what was typed shown again."""
    rgt = signed_in("rgt")
    page = rgt.get("/ptl/P-RGT-1").text
    assert 'type="date"' not in page
    for part in ("day", "month", "year"):
        assert f'name="next_action_due_{part}"' in page
    token = csrf_token(page)
    typed = {"next_action_due_day": "31", "next_action_due_month": "2", "next_action_due_year": "2019"}
    refused = rgt.post("/ptl/P-RGT-1/notes", data={"text": "Chase CT", "csrf_token": token} | typed)
    assert refused.status_code == 400
    assert "Next action date must be a real date" in refused.text
    assert re.search(
        r'name="next_action_due_day"[^>]*value="31"|value="31"[^>]*name="next_action_due_day"', refused.text
    )
    typed["next_action_due_day"] = "28"
    saved = rgt.post(
        "/ptl/P-RGT-1/notes", data={"text": "Chase CT", "next_action": "Chase", "csrf_token": token} | typed
    )
    assert saved.status_code == 200 and "by 28 February 2019" in saved.text


def test_the_route_is_named_in_words(signed_in):
    page = signed_in("rgt").get("/ptl/P-RGT-1").text
    assert "Urgent suspected cancer" in page or "National screening programme" in page
    assert not re.search(r">\s*(usc|breast_symptomatic|screening|upgrade)\s*<", page)
