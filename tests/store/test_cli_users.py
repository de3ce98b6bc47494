"""`alliance users`: create and list accounts from the command line, audited under a job id."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import typer
from sqlalchemy import select, update
from typer.testing import CliRunner

import cancer_alliance.cli.commands  # noqa: F401  (registers the sub-apps)
from cancer_alliance.cli import app
from cancer_alliance.store import AuditAction, AuditEvent, find_user, verify_password
from cancer_alliance.store.models import utcnow
from cancer_alliance.store.web_sessions import (
    SESSION_LIFETIME,
    WebSession,
    _hash,
    session_user,
    start_session,
)

pytestmark = [pytest.mark.store, pytest.mark.cli]

runner = CliRunner()


@pytest.fixture
def alliance(database_url, monkeypatch):
    """Runs `alliance ...` against the run's store database."""
    monkeypatch.setenv("ALLIANCE_DATABASE_URL", database_url)
    return lambda *args, input=None: runner.invoke(app, list(args), input=input)


def test_a_user_created_with_a_password_from_stdin_can_sign_in_and_the_creation_is_audited(
    alliance, store, unique
):
    username = unique("tracker")
    result = alliance(
        "users",
        "create",
        username,
        "--role",
        "trust",
        "--org",
        "rgt",
        "--password-stdin",
        input="a password from a pipe\n",
    )
    assert result.exit_code == 0, result.output
    assert result.output == f"created {username} (trust RGT)\n"
    with store.session() as session:
        user = find_user(session, username)
        assert verify_password(user, "a password from a pipe")
        (event,) = session.scalars(
            select(AuditEvent).where(
                AuditEvent.object_type == "user_account", AuditEvent.object_id == str(user.id)
            )
        )
        assert (event.action, event.actor_id) == (AuditAction.create, None)
        assert event.job_id.startswith("cli-users-create-")


def test_without_stdin_a_password_is_generated_printed_once_and_works(alliance, store, unique):
    username = unique("analyst")
    result = alliance(
        "users",
        "create",
        username,
        "--role",
        "alliance",
        "--org",
        "E56000017",
        "--display-name",
        "Alliance Analyst",
    )
    assert result.exit_code == 0, result.output
    created, password_line = result.output.splitlines()
    assert created == f"created {username} (alliance E56000017)"
    password = password_line.removeprefix("password: ")
    assert len(password) >= 20
    with store.session() as session:
        user = find_user(session, username)
        assert verify_password(user, password) and user.display_name == "Alliance Analyst"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--role", "trust", "--org", "E56000017"],
            "organisation code 'E56000017' is not a known trust ODS code",
        ),
        (["--role", "alliance"], "alliance users need an organisation code (the alliance ONS code)"),
        (["--role", "national", "--org", "RGT"], "national users have no organisation code"),
    ],
)
def test_refused_accounts_exit_1_with_the_reason(alliance, unique, arguments, message):
    result = alliance("users", "create", unique("user"), *arguments)
    assert result.exit_code == 1
    assert result.output == f"Error: {message}\n"


def test_an_existing_username_is_refused(alliance, unique):
    username = unique("dup")
    assert alliance("users", "create", username, "--role", "national").exit_code == 0
    result = alliance("users", "create", username, "--role", "national")
    assert result.exit_code == 1 and "already exists" in result.output


def test_an_unknown_role_is_a_usage_error(alliance, unique):
    result = alliance("users", "create", unique("user"), "--role", "public")
    assert result.exit_code == 2


def test_the_list_shows_each_account_with_role_organisation_and_state(alliance, unique):
    national, trust = unique("nat"), unique("trust")
    alliance("users", "create", national, "--role", "national")
    alliance("users", "create", trust, "--role", "trust", "--org", "RGT")
    result = alliance("users", "list")
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()}
    assert lines[national].endswith("national, active, never signed in")
    assert lines[trust].endswith("trust RGT, active, never signed in")


def test_a_new_store_says_how_to_add_the_first_account(alliance_home, monkeypatch):
    monkeypatch.delenv("ALLIANCE_DATABASE_URL", raising=False)
    result = runner.invoke(app, ["users", "list"])
    assert result.exit_code == 0
    assert result.output == "no accounts yet: create one with `alliance users create`\n"
    assert (alliance_home / "alliance.sqlite3").is_file()


def test_a_role_change_from_the_command_line_is_audited_and_ends_the_users_sessions(alliance, store, unique):
    """Issue 21: what the user may see changes at once, so their signed-in sessions end."""
    username = unique("mover")
    assert alliance("users", "create", username, "--role", "trust", "--org", "RGT").exit_code == 0
    with store.begin() as session:
        user_id = find_user(session, username).id
        tokens = [start_session(session, user_id), start_session(session, user_id)]
    result = alliance("users", "role", username, "--role", "alliance", "--org", "E56000017")
    assert result.exit_code == 0, result.output
    assert result.output == f"{username}: trust RGT -> alliance E56000017; sessions ended\n"
    with store.session() as session:
        user = find_user(session, username)
        assert (user.role, user.organisation_code) == ("alliance", "E56000017")
        assert [session_user(session, token) for token in tokens] == [None, None]
        event = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == "user_account", AuditEvent.object_id == str(user_id))
            .order_by(AuditEvent.id.desc())
        ).first()
        assert (event.action, event.actor_id) == (AuditAction.update, None)
        assert event.job_id.startswith("cli-users-role-")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["nobody-at-all", "--role", "national"], "no account 'nobody-at-all'"),
        (
            ["{user}", "--role", "trust", "--org", "E56000017"],
            "organisation code 'E56000017' is not a known trust ODS code",
        ),
        (
            ["{user}", "--role", "alliance"],
            "alliance users need an organisation code (the alliance ONS code)",
        ),
    ],
)
def test_a_refused_role_change_exits_1_and_changes_nothing(alliance, store, unique, arguments, message):
    username = unique("stays")
    assert alliance("users", "create", username, "--role", "trust", "--org", "RGT").exit_code == 0
    with store.begin() as session:
        token = start_session(session, find_user(session, username).id)
    result = alliance("users", "role", *(a.format(user=username) for a in arguments))
    assert (result.exit_code, result.output) == (1, f"Error: {message}\n")
    with store.session() as session:
        user = find_user(session, username)
        assert (user.role, user.organisation_code) == ("trust", "RGT")
        assert session_user(session, token).id == user.id


def test_purge_sessions_deletes_only_sessions_past_their_lifetime(alliance, store, unique):
    username = unique("sleeper")
    assert alliance("users", "create", username, "--role", "national").exit_code == 0
    with store.begin() as session:
        user_id = find_user(session, username).id
        old, young = start_session(session, user_id), start_session(session, user_id)
    with store.begin() as session:
        oldest = utcnow() - SESSION_LIFETIME - timedelta(seconds=1)
        session.execute(
            update(WebSession).where(WebSession.token_hash == _hash(old)).values(started_at=oldest)
        )
    result = alliance("users", "purge-sessions")
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"\d+ expired sessions? purged\n", result.output)
    assert int(result.output.split()[0]) >= 1
    with store.session() as session:
        assert session_user(session, old) is None
        assert session_user(session, young).id == user_id


@pytest.mark.parametrize("command", ["create", "list", "role", "purge-sessions"])
def test_every_users_command_has_help_with_an_example(command):
    group = typer.main.get_command(app).commands["users"]
    assert "Example: alliance users " + command in group.commands[command].help
