"""`alliance audit`: an information governance lead reads the audit log without SQL (issue 6: "An audit
record for every patient-level page view, note and export (who, what, when)"). Reading it is itself
recorded, under the job id `cli-audit`."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

import cancer_alliance.cli.commands  # noqa: F401  (registers the commands)
from cancer_alliance.cli import app
from cancer_alliance.store import AuditAction, AuditEvent, Role, UserAccount, migrate, open_store

pytestmark = pytest.mark.cli

# who (user or job), action, object type, object id, when (UTC)
EVENTS = [
    ("alice", AuditAction.view, "cwt_pathway", "P-1", datetime(2019, 4, 1, 9, 30, tzinfo=UTC)),
    ("bob", AuditAction.view, "cwt_pathway", "P-1", datetime(2019, 4, 2, 10, 0, tzinfo=UTC)),
    ("alice", AuditAction.export, "ptl", None, datetime(2019, 4, 3, 11, 0, tzinfo=UTC)),
    ("cli-ingest-7", AuditAction.create, "lake_snapshot", "cwt-7", datetime(2019, 4, 4, 8, 0, tzinfo=UTC)),
]


@pytest.fixture
def database(tmp_path, monkeypatch) -> str:
    """A SQLite store holding `EVENTS`, as ALLIANCE_DATABASE_URL; a wide terminal so no cell wraps."""
    url = f"sqlite:///{tmp_path / 'alliance.sqlite3'}"
    migrate(url)
    store = open_store(url)
    with store.begin() as session:
        users = {
            name: UserAccount(username=name, display_name=name.title(), password_hash="-", role=Role.national)
            for name in ("alice", "bob")
        }
        session.add_all(users.values())
        session.flush()
        for who, action, object_type, object_id, when in EVENTS:
            user = users.get(who)
            session.add(
                AuditEvent(
                    occurred_at=when,
                    actor_id=user.id if user else None,
                    job_id=None if user else who,
                    action=action,
                    object_type=object_type,
                    object_id=object_id,
                    details={"rows": 1} if action is AuditAction.export else {},
                )
            )
    store.close()
    monkeypatch.setenv("ALLIANCE_DATABASE_URL", url)
    monkeypatch.setenv("COLUMNS", "200")
    return url


def alliance(*args: str):
    return CliRunner().invoke(app, ["audit", *args])


def cli_reads(url: str) -> list[AuditEvent]:
    store = open_store(url)
    try:
        with store.session() as session:
            return list(
                session.scalars(
                    select(AuditEvent).where(AuditEvent.job_id == "cli-audit").order_by(AuditEvent.id)
                )
            )
    finally:
        store.close()


def table_lines(output: str) -> list[str]:
    """The table's body rows (lines that start with a timestamp inside the box)."""
    return [line for line in output.splitlines() if line.startswith("│ 2019-")]


def test_the_table_shows_every_event_newest_first_with_the_total(database):
    result = alliance()
    assert result.exit_code == 0, result.output
    lines = table_lines(result.output)
    assert [line.split("│")[1].strip() for line in lines] == [
        "2019-04-04 08:00:00",
        "2019-04-03 11:00:00",
        "2019-04-02 10:00:00",
        "2019-04-01 09:30:00",
    ]
    assert [line.split("│")[2].strip() for line in lines] == ["cli-ingest-7", "alice", "bob", "alice"]
    assert "Audit log: 4 matching events, newest first" in result.output
    assert "4 matching events; showing the newest 4" in result.output


def test_who_looked_at_this_pathway(database):
    result = alliance("--object-type", "cwt_pathway", "--object-id", "P-1", "--action", "view")
    assert result.exit_code == 0, result.output
    assert [line.split("│")[2].strip() for line in table_lines(result.output)] == ["bob", "alice"]
    assert "2 matching events" in result.output


def test_what_did_this_user_access_and_when(database):
    result = alliance("--user", "alice", "--since", "2019-04-02", "--until", "2019-04-03")
    assert result.exit_code == 0, result.output
    [line] = table_lines(result.output)
    assert [cell.strip() for cell in line.split("│")[1:7]] == [
        "2019-04-03 11:00:00",
        "alice",
        "export",
        "ptl",
        "",
        '{"rows":1}',
    ]
    assert "1 matching event;" in result.output


def test_limit_shows_the_newest_rows_and_still_counts_them_all(database):
    result = alliance("--limit", "1")
    assert result.exit_code == 0, result.output
    assert len(table_lines(result.output)) == 1
    assert "4 matching events; showing the newest 1" in result.output


def test_output_writes_every_matching_row_as_csv_with_a_header_and_is_audited_as_an_export(
    database, tmp_path
):
    target = tmp_path / "access.csv"
    result = alliance("--object-id", "P-1", "--limit", "1", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert f"2 events written to {target}" in result.output
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "occurred_at",
        "username",
        "display_name",
        "job_id",
        "action",
        "object_type",
        "object_id",
        "request_id",
        "details",
    ]
    assert [(r["occurred_at"], r["username"], r["display_name"]) for r in rows] == [
        ("2019-04-02T10:00:00+00:00", "bob", "Bob"),
        ("2019-04-01T09:30:00+00:00", "alice", "Alice"),
    ]
    [read] = cli_reads(database)
    assert (read.action, read.object_type, read.actor_id) == (AuditAction.export, "audit_log", None)
    assert read.details == {"filters": {"object_id": "P-1"}, "rows": 2, "total": 2, "format": "csv"}


def test_a_job_event_and_its_details_are_in_the_csv(database, tmp_path):
    target = tmp_path / "jobs.csv"
    result = alliance("--user", "cli-ingest-7", "--output", str(target))
    assert result.exit_code == 0, result.output
    [row] = list(csv.DictReader(target.open(encoding="utf-8", newline="")))
    assert (row["username"], row["job_id"], row["action"], row["object_id"]) == (
        "",
        "cli-ingest-7",
        "create",
        "cwt-7",
    )
    exports = list(csv.DictReader((tmp_path / "jobs.csv").open(encoding="utf-8")))
    assert exports[0]["details"] == "{}"


def test_reading_the_table_is_recorded_as_a_view_by_the_cli_audit_job(database):
    assert alliance("--action", "export").exit_code == 0
    [read] = cli_reads(database)
    assert (read.action, read.object_type, read.job_id) == (AuditAction.view, "audit_log", "cli-audit")
    assert read.details == {"filters": {"action": "export"}, "rows": 1, "total": 1}
    # The next read sees the first one.
    result = alliance("--user", "cli-audit")
    assert "1 matching event;" in result.output and " view " in result.output


@pytest.mark.parametrize(
    ("args", "option", "message"),
    [
        (["--since", "01/04/2019"], "--since", "'01/04/2019' is not a date; use YYYY-MM-DD"),
        (["--until", "2019-02-30"], "--until", "'2019-02-30' is not a date; use YYYY-MM-DD"),
        (["--since", "2019-04-03", "--until", "2019-04-01"], "--until", "2019-04-01 is before since"),
        (["--action", "peek"], "--action", "unknown action 'peek'; use one of view,"),
    ],
)
def test_bad_input_exits_2_naming_the_option_and_reads_nothing(database, args, option, message):
    result = alliance(*args)
    assert result.exit_code == 2
    flat = " ".join(result.output.replace("│", " ").split())
    assert f"Invalid value for {option}:" in flat and message in flat
    assert cli_reads(database) == []
