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
    create_user,
    generate_password,
    list_users,
    migrate,
    open_store,
)

app = typer.Typer(name="users", help="Create and list accounts (national, alliance and trust users).")

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="ALLIANCE_DATABASE_URL",
        help="Store database; default the SQLite file ALLIANCE_HOME/alliance.sqlite3.",
        show_default=False,
    ),
]


@app.command()
def create(
    username: Annotated[str, typer.Argument(help="Sign-in name: lower-case letters, digits, '.', '_', '-'.")],
    role: Annotated[Role, typer.Option("--role", help="What the user may see.")],
    org: Annotated[
        str | None,
        typer.Option("--org", help="Alliance ONS code (alliance users) or trust ODS code (trust users)."),
    ] = None,
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
