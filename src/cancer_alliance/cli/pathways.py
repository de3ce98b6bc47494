"""`alliance pathways ...`: timed diagnostic pathways (issue 12), a thin shell over
`cancer_alliance.pathways`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cancer_alliance.cli.inputs import WHERE, output_option
from cancer_alliance.engine import EngineName
from cancer_alliance.engine.io import output_location, read_csv_text, write_export
from cancer_alliance.errors import InputError
from cancer_alliance.pathways.definitions import (
    default_definitions,
    definition_rows,
    load_definitions,
    parse_target,
    with_targets,
)
from cancer_alliance.pathways.settings import PathwaySettings

EXIT_UNPROCESSABLE = 2

app = typer.Typer(
    name="pathways",
    help="Timed diagnostic pathways (lung, prostate, colorectal): milestones, compliance, bottlenecks.",
    no_args_is_help=True,
)

DefinitionsOption = Annotated[
    str | None,
    typer.Option(
        "--definitions",
        help="An edited copy of the pathway definitions, CSV (columns as `alliance pathways definitions` "
        f"writes): {WHERE}.",
    ),
]
TargetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--target", help="Change one target, TUMOUR.MILESTONE=DAYS (repeatable), e.g. lung.pet_ct=10."
    ),
]
SkippedOption = Annotated[
    bool,
    typer.Option(
        "--ruled-out-skips-not-applicable",
        help="Once cancer is ruled out, a test never done is not applicable, not overdue (a local choice).",
    ),
]
EngineOption = Annotated[
    EngineName, typer.Option(help="Engine that runs the rules.", envvar="ALLIANCE_ENGINE")
]


def _say(text: str) -> None:
    Console(stderr=True).print(text, markup=False, highlight=False, soft_wrap=True)


def _fail(error: Exception) -> typer.Exit:
    _say(f"Error: {error}")
    return typer.Exit(EXIT_UNPROCESSABLE)


def settings_from(
    definitions: str | None,
    targets: list[str] | None,
    skipped_not_applicable: bool = False,
    engine: EngineName | None = None,
) -> PathwaySettings:
    """The settings the options ask for (InputError on a bad file or target); `engine` reads definitions
    on a URI or in a table."""
    chosen = (
        load_definitions(read_csv_text(definitions, engine), definitions)
        if definitions
        else default_definitions()
    )
    if targets:
        chosen = with_targets(chosen, dict(parse_target(text) for text in targets))
    return PathwaySettings(
        definitions=chosen, skipped_tests_not_applicable_when_ruled_out=skipped_not_applicable
    )


def _as_of(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"--as-of {text!r}: not a date in the form yyyy-mm-dd") from None


@app.command()
def evaluate(
    events: Annotated[
        str,
        typer.Argument(
            metavar="EVENTS", help=f"Pathway events, .csv or .parquet (pathway_event columns): {WHERE}."
        ),
    ],
    output: Annotated[str, output_option("Milestones")],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Evaluate as of this day, YYYY-MM-DD (default: the latest event date)."),
    ] = None,
    all_columns: Annotated[
        bool,
        typer.Option(
            "--all-columns",
            help="Also write sequence, version, verified, start, provider, dates and outcome.",
        ),
    ] = False,
    definitions: DefinitionsOption = None,
    target: TargetOption = None,
    ruled_out_skips_not_applicable: SkippedOption = False,
    engine: EngineOption = EngineName.duckdb,
) -> None:
    """Write one row per pathway and milestone of its tumour's timed pathway: pathway_id, tumour,
    milestone, target_day, day (calendar days from day 0, blank if not reached) and status (met,
    breached, open, overdue, not_applicable). EVENTS has exactly the columns of the pathway_event
    table; raw NHS numbers are pseudonymised as at ingest. Rows that fail a check and pathways that
    cannot be evaluated are listed with their row, field and reason in OUTPUT's name with the
    extension .rejected.csv (exit code 0); a file that cannot be read exits with code 2.

    Example: alliance pathways evaluate events.csv -o milestones.csv --as-of 2019-03-31
    """
    from cancer_alliance.pathways.files import evaluate_file

    try:
        settings = settings_from(definitions, target, ruled_out_skips_not_applicable, engine)
        summary = evaluate_file(
            events, output, as_of=_as_of(as_of), engine=engine, settings=settings, all_columns=all_columns
        )
    except InputError as error:
        raise _fail(error) from None
    statuses = ", ".join(f"{name} {count:,}" for name, count in sorted(summary.status_counts.items()))
    _say(
        f"{summary.milestones:,} milestones of {summary.pathways:,} pathways written to {summary.output} "
        f"(as of {summary.as_of}){': ' + statuses if statuses else ''}"
    )
    _say(
        f"rows rejected={summary.rows_rejected:,} of {summary.rows_in:,}; pathways not evaluated="
        f"{summary.pathways_unevaluated:,} (reasons in {summary.rejected_path})"
    )
    if summary.first_problem:
        _say(f"first problem: {summary.first_problem}")


@app.command(name="definitions")
def show_definitions(
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help=f"Write the definitions to edit (.csv, .parquet): {WHERE}."),
    ] = None,
    definitions: DefinitionsOption = None,
    target: TargetOption = None,
    engine: EngineOption = EngineName.duckdb,
) -> None:
    """List the timed pathway definitions in force: per tumour and version, each milestone with its
    target day, whether the target is verified and its source. UNVERIFIED targets are placeholders
    a trust edits (write them with -o, edit, pass back with --definitions).

    Example: alliance pathways definitions -o definitions.csv
    """

    try:
        where = output_location(output) if output is not None else None
        rows = definition_rows(settings_from(definitions, target, engine=engine).definitions)
        if where is not None:
            write_export(engine, rows, list(rows[0]), where)
    except InputError as error:
        raise _fail(error) from None
    if where is not None:
        _say(f"{len(rows)} milestones written to {where}")
        return
    table = Table("tumour", "version", "from", "milestone", "events", "target day", "verified")
    for row in rows:
        table.add_row(
            str(row["tumour"]),
            str(row["version"]),
            str(row["effective_from"]),
            str(row["milestone"]),
            str(row["events"]),
            str(row["target_day"]),
            "yes" if row["verified"] == "true" else "no",
        )
    Console().print(table)


@app.command()
def report(
    events: Annotated[
        str,
        typer.Argument(
            metavar="EVENTS", help=f"Pathway events, .csv or .parquet (pathway_event columns): {WHERE}."
        ),
    ],
    view: Annotated[
        str,
        typer.Option(help="compliance, all-met, steps (median and 90th percentile days), bottleneck or spc."),
    ] = "compliance",
    by: Annotated[
        str, typer.Option(help="Comma list of groups: provider_code, alliance_code, tumour, month.")
    ] = "",
    output: Annotated[str | None, output_option("Table")] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Evaluate as of this day, YYYY-MM-DD (default: the latest event date)."),
    ] = None,
    show: Annotated[int, typer.Option(help="Rows to print on screen.")] = 40,
    definitions: DefinitionsOption = None,
    target: TargetOption = None,
    ruled_out_skips_not_applicable: SkippedOption = False,
    engine: EngineOption = EngineName.duckdb,
) -> None:
    """Timed-pathway metrics of EVENTS: compliance per milestone (met / decided, with Wilson 95%
    intervals), the share of pathways meeting every milestone, the days of each step between
    consecutive milestones, the bottleneck (the step losing most days against its target, by
    provider unless --by says otherwise) or the SPC of the main milestones by month of day 0.
    Printed as a table; -o also writes every row.

    Example: alliance pathways report events.parquet --view bottleneck --by provider_code -o bottleneck.csv
    """
    from cancer_alliance.pathways.report_files import View, parse_groups, report_file

    try:
        chosen = View(view)
    except ValueError:
        raise _fail(
            InputError(f"--view {view!r}: choose one of {', '.join(v.value for v in View)}")
        ) from None
    try:
        settings = settings_from(definitions, target, ruled_out_skips_not_applicable, engine)
        table, used = report_file(
            events,
            chosen,
            parse_groups(by),
            as_of=_as_of(as_of),
            output=output,
            engine=engine,
            settings=settings,
        )
    except InputError as error:
        raise _fail(error) from None
    console = Console()
    view_table = Table(*[str(c) for c in table.columns], title=f"{chosen.value} as of {used}")
    for row in table.head(show).itertuples(index=False):
        view_table.add_row(*[_cell(value) for value in row])
    console.print(view_table)
    if len(table) > show:
        _say(f"... {len(table) - show:,} more rows{' in ' + str(output) if output else ''}")


def _cell(value: object) -> str:
    """Display only: fractions as percentages to 1 dp, numbers to 1 dp; files keep full precision."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 1 else f"{value:,.1f}"
    return str(value)
