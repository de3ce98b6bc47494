"""`alliance audit`: read the audit log from the command line (a thin shell over
`cancer_alliance.store.audit_rows`). Reading the log is itself audited, under the job id `cli-audit`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cancer_alliance.cli.users import DatabaseUrl
from cancer_alliance.csv_export import write_csv
from cancer_alliance.errors import InputError
from cancer_alliance.store import (
    AUDIT_COLUMNS,
    Auditor,
    AuditQuery,
    AuditRow,
    ObjectRef,
    audit_rows,
    migrate,
    open_store,
)

#: The job id that CLI reads of the audit log are recorded under.
JOB_ID = "cli-audit"
#: AuditQuery field -> the option that sets it (the others are --field-name).
OPTIONS = {"username": "--user", "object_type": "--object-type", "object_id": "--object-id"}


def audit(
    user: Annotated[
        str | None, typer.Option("--user", help="Only this user's events (username), or a job id.")
    ] = None,
    action: Annotated[
        str | None,
        typer.Option("--action", help="Only this action: view, create, update, delete, export, login, ..."),
    ] = None,
    object_type: Annotated[
        str | None,
        typer.Option("--object-type", help="Only events about this kind of object (cwt_pathway, ptl, ...)."),
    ] = None,
    object_id: Annotated[
        str | None,
        typer.Option("--object-id", help="Only events about this object (a record id)."),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", metavar="YYYY-MM-DD", help="From this day (UTC), inclusive.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", metavar="YYYY-MM-DD", help="Up to this day (UTC), inclusive.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Rows shown in the table, newest first.")] = 50,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE.csv", help="Also write every matching event to a CSV file."
        ),
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Show who did what, and when, from the audit log: newest events first, with the total.

    Answers "who looked at this pathway?" (--object-type cwt_pathway --object-id ID) and "what did this
    user access, and when?" (--user NAME --since DAY). Reading the log is recorded in it (job cli-audit;
    as an export with -o).

    Example: alliance audit --object-type cwt_pathway --object-id P-123 --since 2026-11-01 -o access.csv
    """
    try:
        query = AuditQuery(
            username=user,
            action=action,
            object_type=object_type,
            object_id=object_id,
            since=since,
            until=until,
        )
    except InputError as error:
        field, _, message = str(error).partition(": ")
        raise typer.BadParameter(message, param_hint=OPTIONS.get(field, f"--{field}")) from None
    migrate(database_url)
    store = open_store(database_url)
    try:
        with store.begin() as session:
            rows, total = audit_rows(session, query, limit=None if output else limit)
            # Read first, audit last (web/README.md, "Audit writes last").
            auditor = Auditor(session, job_id=JOB_ID)
            details = {"filters": query.as_filters(), "rows": len(rows), "total": total}
            if output is not None:
                _write_csv(output, rows)
                auditor.exported(ObjectRef("audit_log"), {**details, "format": "csv"})
            else:
                auditor.viewed(ObjectRef("audit_log"), details)
    finally:
        store.close()
    shown = rows[:limit]
    table = Table(title=f"Audit log: {total:,} matching event{'s' if total != 1 else ''}, newest first")
    for heading in ("When (UTC)", "User or job", "Action", "Object type", "Object id", "Details"):
        table.add_column(heading)
    for row in shown:
        table.add_row(
            f"{row.occurred_at:%Y-%m-%d %H:%M:%S}",
            row.actor,
            row.action,
            row.object_type or "",
            row.object_id or "",
            row.details,
        )
    Console(soft_wrap=False).print(table)
    typer.echo(f"{total:,} matching event{'s' if total != 1 else ''}; showing the newest {len(shown):,}")
    if output is not None:
        typer.echo(f"{len(rows):,} events written to {output}")


def _write_csv(path: Path, rows: list[AuditRow]) -> None:
    write_csv(path, (row.as_record() for row in rows), AUDIT_COLUMNS)
