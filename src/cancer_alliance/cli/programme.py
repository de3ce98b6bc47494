"""`alliance programme ...` and `alliance report board`: thin commands over `cancer_alliance.programme`
(registered in `cli/commands.py`). Changes are audited under a job id, as a command line has no
signed-in user; the command line acts with national rights (it runs where the store is)."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cancer_alliance.config import alliance_home
from cancer_alliance.errors import AllianceError, InputError
from cancer_alliance.programme import case_studies as library
from cancer_alliance.programme import deliverables as tracker
from cancer_alliance.programme import files
from cancer_alliance.programme.metrics import metric_sources
from cancer_alliance.store import Auditor, Role, migrate, open_store
from cancer_alliance.store.programme import Rag

EXIT_UNPROCESSABLE = 2

app = typer.Typer(
    help="Funding-agreement deliverables with RAG, the best-practice library, board packs.",
    no_args_is_help=True,
)
stderr = Console(stderr=True, highlight=False)

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="ALLIANCE_DATABASE_URL",
        help="Store database; default the SQLite file ALLIANCE_HOME/alliance.sqlite3.",
        show_default=False,
    ),
]
Alliance = Annotated[
    str, typer.Option("--alliance", help="ONS code of the 2018/19 Cancer Alliance, e.g. E56000009.")
]


def _fail(error: Exception) -> typer.Exit:
    stderr.print(f"[red]Error:[/red] {error}", markup=True)
    return typer.Exit(EXIT_UNPROCESSABLE)


def _store(database_url: str | None):
    migrate(database_url)
    return open_store(database_url)


def _job(name: str) -> str:
    return f"cli-programme-{name}-{uuid.uuid4().hex[:12]}"


@app.command()
def metrics() -> None:
    """List the metrics a deliverable or case study can be linked to (key, then label).

    Example: alliance programme metrics
    """
    for source in metric_sources():
        typer.echo(f"{source.key}\t{source.label}")


@app.command(name="add-deliverable")
def add_deliverable(
    alliance: Alliance,
    year: Annotated[
        str, typer.Option("--year", help="Financial year of the funding agreement, e.g. 2018/19.")
    ],
    title: Annotated[str, typer.Option("--title", help="What will be delivered.")],
    owner: Annotated[str, typer.Option("--owner", help="Who is responsible.")],
    due: Annotated[str, typer.Option("--due", help="Due date, YYYY-MM-DD.")],
    funding: Annotated[str, typer.Option("--funding", help="Funding in pounds, e.g. 125000.")] = "",
    metric: Annotated[
        str, typer.Option("--metric", help="Linked metric key (`alliance programme metrics`).")
    ] = "",
    trajectory: Annotated[
        str, typer.Option("--trajectory", help="Monthly targets, e.g. '2019-01=0.80; 2019-02=82%'.")
    ] = "",
    rag: Annotated[Rag | None, typer.Option("--rag", help="RAG set by hand (no linked metric).")] = None,
    reason: Annotated[str, typer.Option("--reason", help="Why, for a RAG set by hand.")] = "",
    database_url: DatabaseUrl = None,
) -> None:
    """Add a deliverable to an alliance's funding agreement; linked to a metric with a trajectory, or
    with a RAG set by hand and its reason.

    Example: alliance programme add-deliverable --alliance E56000009 --year 2018/19 --title "62 days"
    --owner "Programme manager" --due 2019-03-31 --metric cwt:62d_usc --trajectory "2019-03=0.85"
    """
    try:
        data = tracker.DeliverableInput(
            title=title,
            owner=owner,
            due_date=_date(due, "--due"),
            funding=tracker.parse_funding(funding),
            metric_key=metric or None,
            trajectory=tracker.parse_trajectory(trajectory),
            manual_rag=rag,
            manual_rag_reason=reason or None,
        )
    except ValueError as error:
        raise _fail(InputError(str(error))) from None
    store = _store(database_url)
    try:
        with store.begin() as session:
            added = tracker.add_deliverable(
                session, Auditor(session, job_id=_job("add")), alliance, year, data
            )
            message = f"deliverable {added.id} added to {alliance} {year} (version {added.version})"
    except AllianceError as error:
        raise _fail(error) from None
    finally:
        store.close()
    typer.echo(message)


@app.command()
def deliverables(
    alliance: Alliance,
    month: Annotated[str, typer.Option("--month", help="Month the RAG is for, YYYY-MM.")],
    database_url: DatabaseUrl = None,
) -> None:
    """List an alliance's deliverables in the financial year holding MONTH with their RAG in that month.

    Example: alliance programme deliverables --alliance E56000009 --month 2019-03
    """
    from cancer_alliance.programme.board import check_month, financial_year

    try:
        check_month(month)
    except InputError as error:
        raise _fail(error) from None
    store = _store(database_url)
    try:
        with store.begin() as session:
            cache: dict = {}
            for item in tracker.list_deliverables(session, alliance, financial_year(month)):
                result = tracker.rag_of(item, alliance_home(), month, cache=cache)
                rag = result.rag.value if result.rag else "unknown"
                typer.echo(f"{item.id}\tv{item.version}\t{rag}\t{item.title}\t{result.reason}")
    finally:
        store.close()


@app.command()
def history(
    deliverable_id: Annotated[int, typer.Argument(help="Deliverable id.")], database_url: DatabaseUrl = None
) -> None:
    """Show every change to a deliverable: version, when, who, and each field before and after.

    Example: alliance programme history 3
    """
    store = _store(database_url)
    try:
        with store.begin() as session:
            tracker.get_deliverable(session, deliverable_id)
            for change in tracker.history(session, deliverable_id):
                typer.echo(f"v{change.version}\t{change.changed_at:%Y-%m-%d %H:%M:%S}\t{change.changed_by}")
                for name, before, after in tracker.changed_fields(change):
                    typer.echo(f"\t{name}: {before!r} -> {after!r}")
    except AllianceError as error:
        raise _fail(error) from None
    finally:
        store.close()


@app.command(name="export")
def export_deliverables(
    output: Annotated[Path, typer.Option("--output", "-o", help="CSV file to write.")],
    alliance: Annotated[str | None, typer.Option("--alliance", help="Only this alliance (ONS code).")] = None,
    year: Annotated[
        str | None, typer.Option("--year", help="Only this financial year, e.g. 2018/19.")
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Export deliverables to CSV (with id and version, so the file can be edited and imported back).

    Example: alliance programme export --alliance E56000009 -o deliverables.csv
    """
    store = _store(database_url)
    try:
        with store.begin() as session:
            text = files.deliverables_csv(session, Auditor(session, job_id=_job("export")), alliance, year)
    finally:
        store.close()
    output.write_text(text, encoding="utf-8")
    stderr.print(f"{output}: {text.count(chr(10)) - 1} deliverables")


@app.command(name="import")
def import_deliverables(
    source: Annotated[Path, typer.Argument(metavar="FILE", help="CSV in the export's columns.")],
    database_url: DatabaseUrl = None,
) -> None:
    """Import deliverables from CSV, all or nothing: a blank deliverable_id adds one, an id with its
    exported version updates it; every problem is named by file, row and field (exit code 2).

    Example: alliance programme import deliverables.csv
    """
    try:
        content = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise _fail(InputError(f"{source.name}: cannot be read ({type(error).__name__})")) from None
    store = _store(database_url)
    try:
        with store.begin() as session:
            done = files.import_deliverables_csv(
                session,
                Auditor(session, job_id=_job("import")),
                content,
                file_name=source.name,
                role=Role.national,
                organisation_code=None,
            )
    except AllianceError as error:
        raise _fail(error) from None
    finally:
        store.close()
    stderr.print(f"{source.name}: {done.added} added, {done.updated} updated, {done.unchanged} unchanged")


@app.command(name="case-studies")
def case_studies(
    search: Annotated[
        str, typer.Option("--search", help="Words the case study must contain (prefixes).")
    ] = "",
    priority: Annotated[str | None, typer.Option("--priority", help="Only this priority tag.")] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """List case studies of the best-practice library (all statuses), newest first: id, status,
    alliance, title.

    Example: alliance programme case-studies --search "lung pathway"
    """
    store = _store(database_url)
    try:
        with store.begin() as session:
            found = library.search(
                session, search, role=Role.national, organisation_code=None, priority=priority
            )
            for study in found:
                typer.echo(f"{study.id}\t{study.status.value}\t{study.alliance_code}\t{study.title}")
    finally:
        store.close()


@app.command(name="add-case-study")
def add_case_study(
    alliance: Alliance,
    title: Annotated[str, typer.Option("--title", help="Title of the case study.")],
    summary: Annotated[str, typer.Option("--summary", help="Summary (public once published).")],
    intervention: Annotated[str, typer.Option("--intervention", help="What was done.")],
    priority: Annotated[
        list[str], typer.Option("--priority", help="A priority tag (repeat for more), e.g. pathways.")
    ],
    metric: Annotated[str, typer.Option("--metric", help="Metric shown before and after.")] = "",
    change_month: Annotated[
        str, typer.Option("--change-month", help="Month the change began, YYYY-MM.")
    ] = "",
    contacts: Annotated[str, typer.Option("--contacts", help="Who to ask (a role and a work email).")] = "",
    submit: Annotated[
        bool, typer.Option("--submit", help="Submit it for publication straight away.")
    ] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Add a case study to the best-practice library as a draft (or submitted with --submit); a national
    user publishes it (`alliance programme publish ID`).

    Example: alliance programme add-case-study --alliance E56000009 --title "Straight-to-test lung"
    --summary "Same-day CT" --intervention "CT booked at triage" --priority pathways --submit
    """
    data = library.CaseStudyInput(
        title=title,
        summary=summary,
        intervention=intervention,
        priorities=tuple(priority),
        contacts=contacts,
        metric_key=metric or None,
        change_month=change_month or None,
    )
    store = _store(database_url)
    try:
        with store.begin() as session:
            auditor = Auditor(session, job_id=_job("add-case-study"))
            study = library.add_case_study(
                session, auditor, alliance, data, role=Role.national, organisation_code=None
            )
            if submit:
                library.submit(session, auditor, study.id, role=Role.national, organisation_code=None)
            message = f"case study {study.id} added ({study.status.value})"
    except AllianceError as error:
        raise _fail(error) from None
    finally:
        store.close()
    typer.echo(message)


@app.command()
def publish(
    case_study_id: Annotated[int, typer.Argument(help="Case study id.")],
    withdraw: Annotated[bool, typer.Option("--withdraw", help="Return it to draft instead.")] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Publish a case study (national moderation), or return it to draft with --withdraw.

    Example: alliance programme publish 7
    """
    store = _store(database_url)
    try:
        with store.begin() as session:
            study = library.moderate(
                session,
                Auditor(session, job_id=_job("publish")),
                case_study_id,
                publish=not withdraw,
                role=Role.national,
            )
            message = f"case study {study.id} is {study.status.value}"
    except AllianceError as error:
        raise _fail(error) from None
    finally:
        store.close()
    typer.echo(message)


def board(
    alliance: Alliance,
    month: Annotated[str, typer.Option("--month", help="Reporting month, YYYY-MM.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="pack.pdf (printed by Chromium) or pack.html.")
    ],
    database_url: DatabaseUrl = None,
) -> None:
    """Board pack for one alliance and month: a cover, then one page per priority (waiting-times
    scorecard with SPC, early diagnosis, pathways, follow-up, screening, lung health checks,
    radiotherapy, funding-agreement deliverables with RAG); a priority without results says so.
    Counts are disclosure-controlled. The PDF is printed by Debian's Chromium.

    Example: alliance report board --alliance E56000009 --month 2019-03 -o pack.pdf
    """
    store = _store(database_url)
    try:
        with store.begin() as session:
            pack = files.write_board_pack(alliance, month, output, home=alliance_home(), session=session)
    except AllianceError as error:
        raise _fail(error) from None
    finally:
        store.close()
    stderr.print(
        f"{output}: {pack.alliance_name}, {month}; {len(pack.filled)} sections with data, "
        f"{len(pack.empty)} without ({', '.join(pack.empty) or 'none'})"
    )


def _date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{option}: {text!r} is not a date (YYYY-MM-DD)") from None
