"""`alliance followup`: breast cancer stratified follow-up without the web (a thin shell over
`cancer_alliance.followup`; issue 11, item 6). Exit code 2 when an input cannot be used or an item
was changed by someone else."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from cancer_alliance.cli.users import DatabaseUrl
from cancer_alliance.csv_export import write_csv
from cancer_alliance.errors import AllianceError
from cancer_alliance.followup import actions, files
from cancer_alliance.followup.cohort import lake_registrations
from cancer_alliance.followup.metrics import METRIC_COLUMNS
from cancer_alliance.followup.protocol import load_protocol
from cancer_alliance.followup.published import trust_metrics
from cancer_alliance.followup.worklist import CATEGORIES, counts, worklist
from cancer_alliance.store import (
    AccountError,
    Auditor,
    ObjectRef,
    UserAccount,
    find_user,
    migrate,
    open_store,
)
from cancer_alliance.store.followup import ClinicalAccess

app = typer.Typer(
    name="followup",
    help="Breast cancer stratified follow-up: stratify, import, worklists and nurses' actions.",
    no_args_is_help=True,
)
EXIT_UNUSABLE = 2
ProtocolOption = Annotated[
    Path | None,
    typer.Option(
        "--protocol",
        envvar="ALLIANCE_FOLLOWUP_PROTOCOL",
        help="Protocol YAML; default the packaged breast protocol.",
        show_default=False,
    ),
]


class ImportKind(StrEnum):
    episodes = "episodes"
    results = "results"


#: The nurses' actions, named as in the one table (`followup.actions.ACTIONS`).
Action = StrEnum("Action", {name: name for name in actions.ACTIONS})


def _fail(error: Exception) -> typer.Exit:
    Console(stderr=True).print(f"Error: {error}", markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(EXIT_UNUSABLE)


def _day(value: str | None, name: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (yyyy-mm-dd)", param_hint=name) from None


def _store(database_url: str | None):
    migrate(database_url)
    return open_store(database_url)


@contextmanager
def _account(username: str, database_url: str | None) -> Iterator[tuple[Session, UserAccount | None]]:
    """A store transaction and the account named `username` (None if there is none); an
    `AllianceError` raised inside exits 2 with its message."""
    try:
        store = _store(database_url)
        try:
            with store.begin() as session:
                yield session, find_user(session, username.strip().lower())
        finally:
            store.close()
    except AllianceError as error:
        raise _fail(error) from None


@app.command()
def stratify(
    file: Annotated[Path, typer.Argument(help="CSV or Parquet of breast_followup_candidate rows.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the decisions as CSV.")] = None,
    on: Annotated[str | None, typer.Option("--on", help="Stratification date; default today.")] = None,
    protocol: ProtocolOption = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Validate FILE, decide each patient's pathway by the protocol (recording its version and the
    reasons) and put them on follow-up with their surveillance tests scheduled. Rows that fail
    validation are quarantined with row, field and reason; repeating a file adds nothing.

    Example: alliance followup stratify end-of-treatment.csv -o decisions.csv
    """
    day = _day(on, "--on") or dt.date.today()
    try:
        chosen = load_protocol(protocol)
        store = _store(database_url)
        try:
            done = files.stratify_file(file, store, chosen, day)
        finally:
            store.close()
    except AllianceError as error:
        raise _fail(error) from None
    if output is not None:
        write_csv(output, done.decisions, files.DECISION_COLUMNS)
    pathways = [d["pathway"] for d in done.decisions]
    typer.echo(f"protocol {chosen.id} {chosen.version}; audited as job {done.job_id}")
    if done.ingest.quarantine_path is not None:
        typer.echo(f"quarantine: {done.ingest.quarantine_path}")
    typer.echo(
        f"accepted={done.ingest.accepted} quarantined={done.ingest.quarantined} registered={done.registered} "
        f"already={done.already} supported_self_management={pathways.count('supported_self_management')} "
        f"clinician_led={pathways.count('clinician_led')}"
    )


@app.command(name="import")
def import_(
    kind: Annotated[ImportKind, typer.Argument(help="episodes or results.")],
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV or Parquet; results also as FHIR R4: a Bundle (.json), a folder of Bundle pages "
            "or bulk-export NDJSON (.ndjson)."
        ),
    ],
    protocol: ProtocolOption = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Validate FILE as follow-up episodes (breast_followup_episode) or test results
    (breast_followup_test_result; CSV, Parquet or a FHIR R4 Bundle of DiagnosticReports and
    Observations) and load it into the follow-up store. Invalid rows are quarantined with row,
    field and reason; results matching no episode of their trust are listed in an
    -unmatched.csv file; an abnormal result raises a re-access request.

    Example: alliance followup import results mammograms.csv
    """
    try:
        store = _store(database_url)
        try:
            if kind is ImportKind.episodes:
                done = files.import_episodes(file, store, load_protocol(protocol))
            else:
                done = files.import_results(file, store)
        finally:
            store.close()
    except AllianceError as error:
        raise _fail(error) from None
    typer.echo(f"audited as job {done.job_id}")
    if done.ingest.quarantine_path is not None:
        typer.echo(f"quarantine: {done.ingest.quarantine_path}")
    if done.unmatched_path is not None:
        typer.echo(f"unmatched: {done.unmatched_path}")
    loaded = f"registered={done.registered}" if kind is ImportKind.episodes else f"recorded={done.results}"
    typer.echo(
        f"accepted={done.ingest.accepted} quarantined={done.ingest.quarantined} {loaded} "
        f"already={done.already} unmatched={done.unmatched}"
    )


@app.command(name="worklist")
def worklist_(
    trust: Annotated[str, typer.Option("--trust", help="Trust ODS code.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date of the worklist; default today.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write every item as CSV.")] = None,
    protocol: ProtocolOption = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Show a trust's remote-monitoring worklist: tests due and overdue, results awaiting review,
    abnormal results, re-access requests, end of surveillance and the lost-to-follow-up check. The
    export is audited.

    Example: alliance followup worklist --trust RGT --as-of 2019-03-31 -o worklist.csv
    """
    day = _day(as_of, "--as-of") or dt.date.today()
    code = trust.strip().upper()
    try:
        chosen = load_protocol(protocol)
        store = _store(database_url)
        try:
            with store.begin() as session:
                items = worklist(session, chosen, day, code)
                auditor = Auditor(session, job_id=f"cli-followup-worklist-{uuid.uuid4().hex[:12]}")
                details = {"trust": code, "as_of": day, "items": len(items)}
                if output is not None:
                    auditor.exported(ObjectRef("followup_worklist", code), details | {"format": "csv"})
                else:
                    auditor.viewed(ObjectRef("followup_worklist", code), details)
        finally:
            store.close()
    except AllianceError as error:
        raise _fail(error) from None
    if output is not None:
        files.write_worklist(output, items)
        typer.echo(f"{len(items)} items written to {output}")
        return
    table = Table(title=f"Follow-up worklist, {code}, {day}")
    for column in ("category", "episode_id", "item", "item_id", "version", "date", "days", "detail"):
        table.add_column(column)
    for item in items:
        table.add_row(
            CATEGORIES[item.category],
            item.episode_id,
            item.item,
            str(item.item_id),
            str(item.item_version),
            str(item.date),
            str(item.days),
            item.detail,
        )
    Console().print(table)
    typer.echo(" ".join(f"{name}={count}" for name, count in counts(items).items()))


@app.command()
def act(
    action: Annotated[Action, typer.Argument(help="What to do.")],
    item_id: Annotated[
        int, typer.Argument(help="The worklist item's id: a test, request, concern or patient.")
    ],
    version: Annotated[int, typer.Option("--version", help="The item's version as listed (locking).")],
    on: Annotated[str | None, typer.Option("--on", help="Date of the action; default today.")] = None,
    result: Annotated[str | None, typer.Option("--result", help="record_result: normal/abnormal.")] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Test, booking, clinic or care-record date.")
    ] = None,
    route: Annotated[
        str | None, typer.Option("--route", help="report_concern: phone, portal, letter or in_person.")
    ] = None,
    category: Annotated[
        str | None, typer.Option("--category", help="report_concern: e.g. breast_change, pain, other.")
    ] = None,
    outcome: Annotated[
        str | None, typer.Option("--outcome", help="triage_concern: advice_given, test_booked, reaccess...")
    ] = None,
    record: Annotated[
        str | None,
        typer.Option("--record", help="record_care: hna_date, treatment_summary_date, care_plan_date."),
    ] = None,
    trust: Annotated[str | None, typer.Option("--trust", help="Only act within this trust.")] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Do a nurse's action on a worklist item, audited under a job id. If the item changed since
    its version was listed, nothing is written and the exit code is 2. Each action's date and choices
    are those of the web form (one table): book, reaccess and record_care need --date; record_result's
    --date is the test date, default the action's day. A concern is recorded on the patient
    (report_concern --route --category), triaged on the concern (triage_concern --outcome);
    record_care --record --date records a care plan, needs assessment or summary date.

    Example: alliance followup act review 1234 --version 2
    """
    day = _day(on, "--on") or dt.date.today()
    chosen = {"result": result, "route": route, "category": category, "outcome": outcome, "record": record}
    try:
        inputs = actions.prepare(action.value, on=day, date=_day(date, "--date"), chosen=chosen)
    except actions.InputProblems as refused:
        raise _fail(ValueError("; ".join(_option_problem(p) for p in refused.problems))) from None
    key = f"cli-{uuid.uuid4().hex}"
    job = f"cli-followup-act-{key[4:16]}"
    try:
        store = _store(database_url)
        try:
            actions.with_retry(
                store,
                lambda session: actions.do(
                    session,
                    Auditor(session, job_id=job),
                    action.value,
                    item_id,
                    inputs,
                    on=day,
                    action_key=key,
                    expected_version=version,
                    trust_code=trust,
                ),
            )
        finally:
            store.close()
    except AllianceError as error:
        raise _fail(error) from None
    typer.echo(f"{action.value} done on item {item_id}; audited as job {job}")


def _option_problem(problem: actions.Problem) -> str:
    """A problem with an action's input, naming the CLI option."""
    return f"--{problem.field}: {problem.text}"


@app.command(name="grant-clinical")
def grant_clinical(
    username: Annotated[str, typer.Argument(help="A trust user's sign-in name.")],
    database_url: DatabaseUrl = None,
) -> None:
    """Give a trust account the clinical role: its user may open the follow-up worklist and
    patient timelines of their own trust (docs/decisions/0014). Audited.

    Example: alliance followup grant-clinical j.bloggs
    """
    job = f"cli-followup-grant-{uuid.uuid4().hex[:12]}"
    with _account(username, database_url) as (session, user):
        if user is None or user.role != "trust":
            raise AccountError(f"{username!r} is not a trust user")
        if session.get(ClinicalAccess, user.id) is None:
            grant = ClinicalAccess(user_id=user.id, granted_by=job)
            session.add(grant)
            Auditor(session, job_id=job).created(grant)
    typer.echo(f"{username} has the trust clinical role")


@app.command(name="revoke-clinical")
def revoke_clinical(
    username: Annotated[str, typer.Argument(help="A trust user's sign-in name.")],
    database_url: DatabaseUrl = None,
) -> None:
    """Take the clinical role away (a nurse who moves post): from the next request the user no
    longer sees follow-up worklists or patient timelines. Audited; harmless if they had no grant.

    Example: alliance followup revoke-clinical j.bloggs
    """
    job = f"cli-followup-revoke-{uuid.uuid4().hex[:12]}"
    with _account(username, database_url) as (session, user):
        if user is None:
            raise AccountError(f"no user {username!r}")
        grant = session.get(ClinicalAccess, user.id)
        if grant is not None:
            Auditor(session, job_id=job).deleted(grant)
            session.delete(grant)
    typer.echo(f"{username} does not have the trust clinical role")


@app.command()
def metrics(
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date of the metrics; default today.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the table as CSV.")] = None,
    protocol: ProtocolOption = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Follow-up metrics per trust for the alliance: breast patients finishing treatment (from the
    lake's tumour registrations) and the share of them stratified, patients on a stratified pathway, the share
    self-managing against the ~70% expectation, overdue tests, re-access and days from result to
    review. Small counts are suppressed (disclosure control).

    Example: alliance followup metrics --as-of 2019-03-31 -o followup-metrics.csv
    """
    day = _day(as_of, "--as-of") or dt.date.today()
    try:
        chosen = load_protocol(protocol)
        registrations = lake_registrations()
        store = _store(database_url)
        try:
            with store.begin() as session:
                table = trust_metrics(session, chosen, day, registrations=registrations)
        finally:
            store.close()
    except AllianceError as error:
        raise _fail(error) from None
    if registrations is None:
        typer.echo(
            "No tumour_registration in the lake: the share of patients finishing treatment who were "
            "stratified needs `alliance ingest tumour_registration FILE` first.",
            err=True,
        )
    rows = table.to_dict("records")
    if output is not None:
        write_csv(output, rows, METRIC_COLUMNS)
        typer.echo(f"{len(rows)} trusts written to {output}")
        return
    shown = Table(title=f"Follow-up metrics, {day}")
    for column in METRIC_COLUMNS:
        shown.add_column(column)
    for row in rows:
        shown.add_row(*("" if row[c] is None else str(row[c]) for c in METRIC_COLUMNS))
    Console().print(shown)
