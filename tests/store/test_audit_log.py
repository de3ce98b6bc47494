"""Reading the audit log (issue 6: "An audit record for every patient-level page view, note and export
(who, what, when)"): an information governance lead asks "who looked at this pathway?" and "what did
this user access, and when?" through `audit_rows`, on SQLite and PostgreSQL.

The events live in a database of their own, so totals are exact whatever other tests write.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

import pytest

from cancer_alliance.errors import InputError
from cancer_alliance.store import (
    AuditAction,
    AuditEvent,
    AuditQuery,
    Role,
    Store,
    UserAccount,
    audit_rows,
    migrate,
    open_store,
)
from cancer_alliance.store.audit_log import parse_day

pytestmark = pytest.mark.store


def at(day: int, hour: int = 12, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2019, 4, day, hour, minute, second, tzinfo=UTC)


# name, who (user or job), action, object type, object id, when; ids follow this order.
EVENTS = [
    ("e1", "alice", AuditAction.view, "cwt_pathway", "P1", at(1, 0, 0, 0)),  # first second of 1 April
    ("e2", "alice", AuditAction.export, "ptl", None, at(2, 23, 59, 59)),  # last second of 2 April
    ("e3", "bob", AuditAction.view, "cwt_pathway", "P1", at(3)),
    ("e4", "cli-ingest-1", AuditAction.create, "lake_snapshot", "cwt-1", at(4, 0, 0, 0)),
    ("e5", "alice", AuditAction.view, "cwt_pathway", "P2", at(3)),  # same moment as e3, added later
    ("e6", "bob", AuditAction.login, "user_account", "2", at(5)),
]
USERS = {"alice": "Alice Analyst", "bob": "Bob Tracker"}


@pytest.fixture(scope="module")
def log_store(new_database: Callable[[], str]) -> Iterator[Store]:
    """A fresh, migrated database holding exactly `EVENTS`."""
    url = new_database()
    migrate(url)
    store = open_store(url)
    with store.begin() as session:
        users = {}
        for username, display_name in USERS.items():
            users[username] = UserAccount(
                username=username, display_name=display_name, password_hash="-", role=Role.national
            )
            session.add(users[username])
        session.flush()
        for name, who, action, object_type, object_id, when in EVENTS:
            user = users.get(who)
            session.add(
                AuditEvent(
                    occurred_at=when,
                    actor_id=None if user is None else user.id,
                    job_id=None if user is not None else who,
                    action=action,
                    object_type=object_type,
                    object_id=object_id,
                    request_id=f"request-{name}",
                    details={"event": name},
                )
            )
            session.flush()  # ids in the order of EVENTS
    yield store
    store.close()


def names(store: Store, query: AuditQuery, **paging) -> tuple[list[str], int]:
    """The events' names (from their details), newest first, and the total."""
    with store.session() as session:
        rows, total = audit_rows(session, query, **paging)
    return [json.loads(row.details)["event"] for row in rows], total


def test_without_filters_every_event_comes_back_newest_first_with_the_total(log_store):
    """e3 and e5 happened at the same moment: the one recorded later comes first."""
    assert names(log_store, AuditQuery()) == (["e6", "e4", "e5", "e3", "e2", "e1"], 6)


def test_a_row_says_who_what_when_in_which_request(log_store):
    with log_store.session() as session:
        rows, _ = audit_rows(session, AuditQuery(object_id="P2"))
    [row] = rows
    assert row.occurred_at == at(3) and row.occurred_at.tzinfo is not None
    assert (row.username, row.display_name, row.job_id, row.actor) == (
        "alice",
        "Alice Analyst",
        None,
        "alice",
    )
    assert (row.action, row.object_type, row.object_id) == ("view", "cwt_pathway", "P2")
    assert row.request_id == "request-e5"
    assert json.loads(row.details) == {"event": "e5"}
    assert row.as_record()["occurred_at"] == "2019-04-03T12:00:00+00:00"


def test_an_event_written_by_a_job_has_no_user_and_names_the_job(log_store):
    with log_store.session() as session:
        rows, total = audit_rows(session, AuditQuery(action="create"))
    assert total == 1
    assert (rows[0].username, rows[0].display_name, rows[0].job_id) == (None, None, "cli-ingest-1")
    assert rows[0].actor == "cli-ingest-1"
    assert rows[0].as_record()["username"] == ""


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (AuditQuery(username="alice"), ["e5", "e2", "e1"]),
        (AuditQuery(username="cli-ingest-1"), ["e4"]),  # a job id works as the "user"
        (AuditQuery(action=AuditAction.view), ["e5", "e3", "e1"]),
        (AuditQuery(action="export"), ["e2"]),
        (AuditQuery(object_type="cwt_pathway"), ["e5", "e3", "e1"]),
        (AuditQuery(object_id="P1"), ["e3", "e1"]),
        (AuditQuery(since=date(2019, 4, 3)), ["e6", "e4", "e5", "e3"]),
        (AuditQuery(until=date(2019, 4, 2)), ["e2", "e1"]),
        (AuditQuery(username="nobody"), []),
    ],
    ids=repr,
)
def test_each_filter_alone(log_store, query, expected):
    assert names(log_store, query) == (expected, len(expected))


def test_who_looked_at_this_pathway(log_store):
    query = AuditQuery(object_type="cwt_pathway", object_id="P1", action="view")
    with log_store.session() as session:
        rows, total = audit_rows(session, query)
    assert [(row.username, row.occurred_at) for row in rows] == [("bob", at(3)), ("alice", at(1, 0))]
    assert total == 2


def test_what_did_this_user_access_in_a_period(log_store):
    query = AuditQuery(username="alice", since=date(2019, 4, 2), until=date(2019, 4, 3))
    assert names(log_store, query) == (["e5", "e2"], 2)


def test_since_and_until_are_inclusive_days_in_utc(log_store):
    """e1 is at 00:00:00 on 1 April and e2 at 23:59:59 on 2 April: both inside 1-2 April; a one-day
    range holds that day's events only."""
    assert names(log_store, AuditQuery(since=date(2019, 4, 1), until=date(2019, 4, 2))) == (["e2", "e1"], 2)
    assert names(log_store, AuditQuery(since=date(2019, 4, 2), until=date(2019, 4, 2))) == (["e2"], 1)
    assert names(log_store, AuditQuery(since=date(2019, 4, 4), until=date(2019, 4, 4))) == (["e4"], 1)
    assert names(log_store, AuditQuery(until=date(2019, 3, 31))) == ([], 0)


def test_offset_and_limit_page_through_the_rows_and_the_total_counts_them_all(log_store):
    assert names(log_store, AuditQuery(), offset=0, limit=2) == (["e6", "e4"], 6)
    assert names(log_store, AuditQuery(), offset=2, limit=2) == (["e5", "e3"], 6)
    assert names(log_store, AuditQuery(), offset=5, limit=2) == (["e1"], 6)
    assert names(log_store, AuditQuery(object_type="cwt_pathway"), limit=1) == (["e5"], 3)


def test_blank_text_filters_do_not_filter(log_store):
    assert AuditQuery(username=" ", action="", object_type="", object_id="") == AuditQuery()
    assert names(log_store, AuditQuery(username="  alice ")) == (["e5", "e2", "e1"], 3)


def test_the_filters_that_are_set_can_be_recorded():
    query = AuditQuery(username="alice", action="view", since=date(2019, 4, 1))
    assert query.as_filters() == {"username": "alice", "action": "view", "since": "2019-04-01"}
    assert AuditQuery().as_filters() == {}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"action": "peek"}, r"action: unknown action 'peek'; use one of view, create, .*, logout"),
        (
            {"since": date(2019, 4, 3), "until": date(2019, 4, 2)},
            r"until: 2019-04-02 is before since 2019-04-03",
        ),
        ({"since": "2019-4-1"}, r"since: '2019-4-1' is not a date; use YYYY-MM-DD"),
        ({"until": "soon"}, r"until: 'soon' is not a date"),
        ({"since": datetime(2019, 4, 1, 12)}, r"since: expected a date \(YYYY-MM-DD\)"),
        ({"since": "2019-04-03", "until": "2019-04-02"}, r"until: 2019-04-02 is before since 2019-04-03"),
    ],
)
def test_bad_input_is_refused_naming_the_option(arguments, message):
    with pytest.raises(InputError, match=message):
        AuditQuery(**arguments)


def test_days_may_be_given_as_text_as_a_command_line_or_query_string_holds_them():
    query = AuditQuery(since="2019-04-01", until=" 2019-04-30 ", object_id="")
    assert (query.since, query.until, query.object_id) == (date(2019, 4, 1), date(2019, 4, 30), None)
    assert AuditQuery(since="", until=None).since is None


def test_a_negative_offset_is_refused(log_store):
    with log_store.session() as session, pytest.raises(InputError, match="offset and limit"):
        audit_rows(session, AuditQuery(), offset=-1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2019-04-05", date(2019, 4, 5)), (" 2019-04-05 ", date(2019, 4, 5)), ("", None), (None, None)],
)
def test_days_are_read_as_yyyy_mm_dd(text, expected):
    assert parse_day(text, "--since") == expected


@pytest.mark.parametrize("text", ["20190405", "05/04/2019", "2019-02-30", "yesterday"])
def test_a_day_that_is_not_yyyy_mm_dd_is_refused_naming_the_option(text):
    with pytest.raises(InputError, match=rf"^--since: '{text}' is not a date; use YYYY-MM-DD"):
        parse_day(text, "--since")
