"""`alliance users`: manage accounts in the store (a thin shell over `cancer_alliance.store`)."""

from __future__ import annotations

import sys
import uuid
from datetime import datetime
from typing import Annotated

import typer

from cancer_alliance.store import (
    AccountError,
    Auditor,
    Role,
    change_role,
    create_user,
    find_user,
    generate_password,
    list_users,
    migrate,
    open_store,
)
from cancer_alliance.store.web_sessions import SESSION_LIFETIME, purge_expired_sessions

app = typer.Typer(
    name="users",
    help="Create and list accounts (national, alliance and trust users), change roles, purge old sessions.",
)

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="ALLIANCE_DATABASE_URL",
        help="Store database; default the SQLite file ALLIANCE_HOME/alliance.sqlite3.",
        show_default=False,
    ),
]

#: The organisation an account belongs to, as `create` and `role` take it.
Organisation = Annotated[
    str | None,
    typer.Option("--org", help="Alliance ONS code (alliance users) or trust ODS code (trust users)."),
]


@app.command()
def create(
    username: Annotated[str, typer.Argument(help="Sign-in name: lower-case letters, digits, '.', '_', '-'.")],
    role: Annotated[Role, typer.Option("--role", help="What the user may see.")],
    org: Organisation = None,
    display_name: Annotated[str | None, typer.Option("--display-name", help="Name shown in pages.")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin.")
    ] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Create an account; without --password-stdin a password is generated and printed once.

    The creation is audited under a job id, as a command line has no signed-in actor.

    Example: alliance users create j.bloggs --role trust --org RGT
    """
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else generate_password()
    job_id = f"cli-users-create-{uuid.uuid4().hex[:12]}"
    migrate(database_url)
    store = open_store(database_url)
    try:
        with store.begin() as session:
            user = create_user(
                session,
                Auditor(session, job_id=job_id),
                username=username,
                role=role,
                organisation_code=org,
                display_name=display_name,
                password=password,
            )
            summary = f"created {user.username} ({_describe(user.role, user.organisation_code)})"
    except AccountError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(1) from None
    finally:
        store.close()
    typer.echo(summary)
    if not password_stdin:
        typer.echo(f"password: {password}")


@app.command()
def role(
    username: Annotated[str, typer.Argument(help="The account to change.")],
    role: Annotated[Role, typer.Option("--role", help="The new role.")],
    org: Organisation = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Give an account another role or organisation, audited under a job id; the account's sessions
    end at once, so its user signs in again under the new role.

    Example: alliance users role j.bloggs --role alliance --org E56000017
    """
    job_id = f"cli-users-role-{uuid.uuid4().hex[:12]}"
    migrate(database_url)
    store = open_store(database_url)
    try:
        with store.begin() as session:
            user = find_user(session, username)
            if user is None:
                raise AccountError(f"no account {username!r}")
            before = _describe(user.role, user.organisation_code)
            change_role(user, role, org, Auditor(session, job_id=job_id))
            summary = (
                f"{user.username}: {before} -> {_describe(user.role, user.organisation_code)}; sessions ended"
            )
    except AccountError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(1) from None
    finally:
        store.close()
    typer.echo(summary)


@app.command("purge-sessions")
def purge_sessions(database_url: DatabaseUrl = None) -> None:
    """Delete sign-in sessions started more than the session lifetime (8 hours) ago, which no
    browser can use any more. The server also does this at each sign-in; run it from cron where
    nobody signs in for long.

    Example: alliance users purge-sessions
    """
    migrate(database_url)
    store = open_store(database_url)
    try:
        with store.begin() as session:
            purged = purge_expired_sessions(session, SESSION_LIFETIME)
    finally:
        store.close()
    typer.echo(f"{purged} expired session{'' if purged == 1 else 's'} purged")


@app.command("list")
def list_(database_url: DatabaseUrl = None) -> None:
    """List every account: username, role and organisation, whether active, last sign-in.

    Example: alliance users list
    """
    migrate(database_url)
    store = open_store(database_url)
    try:
        with store.session() as session:
            rows = [
                (
                    user.username,
                    _describe(user.role, user.organisation_code),
                    "active" if user.active else "deactivated",
                    _last_sign_in(user.last_login_at),
                )
                for user in list_users(session)
            ]
    finally:
        store.close()
    if not rows:
        typer.echo("no accounts yet: create one with `alliance users create`")
    width = max((len(row[0]) for row in rows), default=0)
    for username, description, state, last_login in rows:
        typer.echo(f"{username:<{width}}  {description}, {state}, {last_login}")


def _last_sign_in(moment: datetime | None) -> str:
    return f"last sign-in {moment:%Y-%m-%d %H:%M} UTC" if moment else "never signed in"


def _describe(role: Role, organisation_code: str | None) -> str:
    return f"{role} {organisation_code}" if organisation_code else str(role)
