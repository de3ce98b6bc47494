"""The audit log page (issue 6: "An audit record for every patient-level page view, note and export
(who, what, when)"): a national user reads who looked at a pathway and what a user accessed, filters
it, pages through it and downloads it; nobody else can, and reading it is audited too."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from html import unescape

import pytest
from fastapi.testclient import TestClient

from cancer_alliance.store import AuditAction, AuditEvent
from cancer_alliance.web.pages import audit as audit_page

pytestmark = pytest.mark.web

ROW = re.compile(r'<tr class="nhsuk-table__row"[^>]*>(.*?)</tr>', re.S)
CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)
#: The column heading each cell repeats for a phone (nhsuk-table--responsive).
HEADING = re.compile(r'<span class="nhsuk-table__heading"[^>]*>.*?</span>', re.S)
TAG = re.compile(r"<[^>]+>")


def table(html: str) -> list[list[str]]:
    """The audit table's rows as cell texts."""
    body = html[html.index('id="audit-table"') :]
    body = HEADING.sub("", body[body.index("<tbody") : body.index("</table>")])
    return [[unescape(TAG.sub("", cell)).strip() for cell in CELL.findall(row)] for row in ROW.findall(body)]


def csv_rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.text)))


@pytest.fixture
def nat(signed_in) -> TestClient:
    """A national user, after rgt opened pathway P-RGT-1 and east downloaded the PTL."""
    signed_in("rgt").get("/ptl/P-RGT-1")
    signed_in("east").get("/ptl.csv")
    return signed_in("nat")


def test_a_national_user_sees_who_looked_at_a_pathway(nat):
    response = nat.get("/audit", params={"object_type": "cwt_pathway", "object_id": "P-RGT-1"})
    assert response.status_code == 200
    [row] = table(response.text)
    when, who, action, what, details, request_id = row
    assert datetime.strptime(when, "%d %b %Y %H:%M:%S").year >= 2026
    assert (who, action, what, details) == ("rgt", "Viewed", "Pathway P-RGT-1", "")
    assert len(request_id) == 8
    assert '<span id="audit-total">1 event</span> matches these filters.' in response.text
    assert 'href="/audit?username=rgt"' in response.text  # who links to that user's events


def test_what_a_user_accessed_and_the_filters_combine(nat):
    everything = table(nat.get("/audit", params={"username": "east"}).text)
    assert [(row[2], row[3]) for row in everything] == [
        ("Exported", "Patient tracking list"),
        ("Signed in", "Account 2"),
    ]
    exported = table(nat.get("/audit", params={"username": "east", "action": "export"}).text)
    assert [(row[1], row[2], row[3]) for row in exported] == [("east", "Exported", "Patient tracking list")]
    assert "Format: csv" in exported[0][4] and "{" not in exported[0][4]
    none = table(nat.get("/audit", params={"username": "east", "action": "view"}).text)
    assert none == [["No audit events match these filters."]]


def test_each_filter_is_kept_in_the_form(nat):
    query = {
        "username": "rgt",
        "action": "view",
        "object_type": "cwt_pathway",
        "object_id": "P-RGT-1",
        "since_day": "1",
        "since_month": "4",
        "since_year": "2019",
        "until_day": "31",
        "until_month": "12",
        "until_year": "2999",
    }
    html = nat.get("/audit", params=query).text
    assert len(table(html)) == 1
    for name, value in query.items():
        if name in ("action", "object_type"):
            assert re.search(rf'<option value="{value}"\s+selected', html), name
        else:
            assert re.search(rf'name="{name}"[^>]*value="{value}"|value="{value}"[^>]*name="{name}"', html), (
                name
            )
    assert 'href="/audit.csv?username=rgt&amp;action=view&amp;object_type=cwt_pathway' in html
    assert "since=2019-04-01&amp;until=2999-12-31" in html


def test_from_and_to_are_nhs_date_inputs_not_typed_iso_days(nat):
    """The NHS.UK date input (three boxes), no yyyy-mm-dd in the words (issue #23, "Words")."""
    html = nat.get("/audit").text
    for field in ("since", "until"):
        for part in ("day", "month", "year"):
            assert f'name="{field}_{part}"' in html
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", re.sub(r"<[^>]+>", " ", html))
    typed = {"since_day": "1", "since_month": "1", "since_year": "2019", "until_day": "31"}
    typed |= {"until_month": "3", "until_year": "2019"}
    assert table(nat.get("/audit", params=typed).text) == [["No audit events match these filters."]]


def test_dates_filter_by_day_in_utc(nat):
    today = datetime.now(UTC).date().isoformat()
    assert len(table(nat.get("/audit", params={"since": today, "until": today, "username": "rgt"}).text)) == 2
    assert table(nat.get("/audit", params={"until": "2019-03-31"}).text) == [
        ["No audit events match these filters."]
    ]


def test_events_are_newest_first_and_jobs_are_named(nat):
    rows = table(nat.get("/audit").text)
    times = [datetime.strptime(row[0], "%d %b %Y %H:%M:%S") for row in rows]
    assert times == sorted(times, reverse=True)
    jobs = table(nat.get("/audit", params={"username": "test-setup"}).text)
    assert len(jobs) == 4 and {row[1] for row in jobs} == {"Test: setup (job)"}
    assert {row[2] for row in jobs} == {"Created"}


def test_the_page_shows_100_events_and_pages_through_the_rest(nat, monkeypatch, app):
    monkeypatch.setattr(audit_page, "PAGE_ROWS", 3)
    first = nat.get("/audit")
    total = int(re.search(r'id="audit-total">([\d,]+) events', first.text).group(1).replace(",", ""))
    assert total > 6
    assert len(table(first.text)) == 3
    pages = -(-total // 3)
    assert f"Showing events 1 to 3 of {total}, 3 a page." in first.text
    assert 'href="/audit?page=2"' in first.text and f"Page 2 of {pages}" in first.text
    second = nat.get("/audit", params={"page": "2"})
    assert "Showing events 4 to 6" in second.text and 'href="/audit?page=1"' in second.text
    filtered = nat.get("/audit", params={"username": "test-setup"})
    assert 'href="/audit?username=test-setup&amp;page=2"' in filtered.text


def test_the_csv_has_every_matching_event_with_a_header(nat, monkeypatch):
    monkeypatch.setattr(audit_page, "PAGE_ROWS", 1)  # the download is not limited to a page
    response = nat.get("/audit.csv", params={"username": "test-setup"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="audit-log.csv"' in response.headers["content-disposition"]
    assert response.text.splitlines()[0] == (
        "occurred_at,username,display_name,job_id,action,object_type,object_id,request_id,details"
    )
    rows = csv_rows(response)
    assert len(rows) == 4
    assert {(r["username"], r["job_id"], r["action"], r["object_type"]) for r in rows} == {
        ("", "test-setup", "create", "user_account")
    }
    pathway = csv_rows(nat.get("/audit.csv", params={"object_id": "P-RGT-1"}))
    assert [(r["username"], r["display_name"], r["action"]) for r in pathway] == [("rgt", "rgt", "view")]
    assert pathway[0]["occurred_at"].endswith("+00:00")


def test_viewing_and_exporting_the_log_are_audited_with_the_filters(nat, audit_events):
    before = len(audit_events())
    nat.get("/audit", params={"object_type": "cwt_pathway", "page": "1"})
    nat.get("/audit.csv", params={"username": "rgt", "since": "2019-01-01"})
    viewed, exported = audit_events()[before:]
    assert (viewed.action, viewed.object_type, viewed.actor_id) == (
        AuditAction.view,
        "audit_log",
        1,
    )  # nat, the first user
    assert viewed.details == {"filters": {"object_type": "cwt_pathway"}, "page": 1, "rows": 1, "total": 1}
    assert (exported.action, exported.object_type) == (AuditAction.export, "audit_log")
    assert exported.details["filters"] == {"username": "rgt", "since": "2019-01-01"}
    assert exported.details["format"] == "csv" and exported.details["rows"] == 2  # rgt's sign-in and view


def test_the_next_view_of_the_log_shows_the_previous_one(nat):
    nat.get("/audit", params={"object_id": "P-RGT-1"})
    rows = table(nat.get("/audit", params={"object_type": "audit_log"}).text)
    assert rows[0][1:3] == ["nat", "Viewed"] and "Filters: (Object ID: P-RGT-1)" in rows[0][4]


@pytest.mark.parametrize("user", ["east", "rgt", "rtx"])
@pytest.mark.parametrize("path", ["/audit", "/audit.csv"])
def test_alliance_and_trust_users_are_refused(signed_in, audit_events, user, path):
    client = signed_in(user)
    before = len(audit_events())
    response = client.get(path)
    assert response.status_code == 403
    assert "Only national users can read the audit log." in response.text
    assert audit_events()[before:] == []
    assert 'href="/audit"' not in client.get("/priorities").text  # no link either


@pytest.mark.parametrize("path", ["/audit", "/audit.csv?username=nat"])
def test_the_public_is_sent_to_sign_in(client, path):
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=%2Faudit")


def test_national_users_are_led_to_it_from_the_priorities_page(nat):
    assert re.search(r'href="/audit"[^>]*>\s*Audit log', nat.get("/priorities").text)


BAD_FILTERS = [
    ({"action": "peek"}, "Action: unknown action 'peek'; use one of view, create"),
    ({"since": "05/04/2019"}, "From: '05/04/2019' is not a date; use YYYY-MM-DD"),
    ({"until": "2019-02-30"}, "To: '2019-02-30' is not a date; use YYYY-MM-DD"),
    ({"since": "2019-04-02", "until": "2019-04-01"}, "To: 2019-04-01 is before since 2019-04-02"),
    ({"object_id": "x" * 65}, "Object id must be 64 characters or fewer."),
    ({"since_day": "5", "since_year": "2019"}, "From must include a month."),
    ({"until_day": "30", "until_month": "2", "until_year": "2019"}, "To must be a real date."),
]
BAD_PAGES = [
    ({"page": "0"}, "Page must be a whole number from 1 to 100000."),
    ({"page": "two"}, "Page must be a whole number from 1 to 100000."),
]


@pytest.mark.parametrize(
    ("path", "params", "message"),
    [("/audit", *case) for case in BAD_FILTERS + BAD_PAGES] + [("/audit.csv", *case) for case in BAD_FILTERS],
)
def test_bad_filters_get_a_400_page_naming_the_field_and_nothing_is_audited(
    nat, audit_events, path, params, message
):
    before = len(audit_events())
    response = nat.get(path, params=params)
    assert response.status_code == 400
    assert "Check what you entered" in response.text and message in unescape(response.text)
    assert audit_events()[before:] == []


def test_both_routes_are_tagged_patient_level(app):
    paths = app.openapi()["paths"]
    assert "patient-level" in paths["/audit"]["get"]["tags"]
    assert "patient-level" in paths["/audit.csv"]["get"]["tags"]


def test_an_event_written_by_a_job_shows_the_job_and_links_to_its_object(app, nat):
    """The event reads in words (issue 23), and the object links to the log filtered to that object
    ("who else touched it?")."""
    with app.state.context.store.begin() as session:
        session.add(
            AuditEvent(
                occurred_at=datetime(2019, 4, 1, 9, tzinfo=UTC),
                job_id="cli-ingest-1",
                action=AuditAction.create,
                object_type="lake_snapshot",
                object_id="cwt-2019-04",
                details={"rows": 12},
            )
        )
    html = nat.get("/audit", params={"username": "cli-ingest-1"}).text
    assert table(html) == [
        [
            "1 Apr 2019 09:00:00",
            "Command line: ingest 1 (job)",
            "Created",
            "Lake snapshot cwt-2019-04",
            "Rows: 12",
            "",
        ]
    ]
    assert 'href="/audit?object_type=lake_snapshot&amp;object_id=cwt-2019-04"' in html
