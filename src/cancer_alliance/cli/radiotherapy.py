"""`alliance radiotherapy ...`: radiotherapy service specification checks, a thin shell over
`cancer_alliance.radiotherapy`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.console import Console

from cancer_alliance.cli.inputs import WHERE, output_option
from cancer_alliance.engine import EngineName
from cancer_alliance.errors import InputError
from cancer_alliance.ingest.profiles import profile_names
from cancer_alliance.radiotherapy.files import compliance_file

EXIT_UNPROCESSABLE = 2

app = typer.Typer(
    name="radiotherapy",
    help="Radiotherapy service specification: providers and networks against its requirements.",
    no_args_is_help=True,
)


def _day(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not a date in the form yyyy-mm-dd", param_hint="--as-of"
        ) from None


@app.command()
def compliance(
    courses: Annotated[
        str, typer.Option("--courses", help=f"Radiotherapy courses, .csv or .parquet: {WHERE}.")
    ],
    linacs: Annotated[str, typer.Option("--linacs", help=f"Linac inventory, .csv or .parquet: {WHERE}.")],
    output: Annotated[str, output_option("Compliance table")],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Day to check (yyyy-mm-dd); default the day after the latest course."),
    ] = None,
    cwt_records: Annotated[
        str | None,
        typer.Option("--cwt", help=f"CWT records, for the 31-day waits (no_data without them): {WHERE}."),
    ] = None,
    cwt_profile: Annotated[
        str | None,
        typer.Option(
            "--cwt-profile",
            help=f"Mapping profile of --cwt: one of {', '.join(profile_names())}, or a .toml file; "
            "detected from the headers when not given.",
        ),
    ] = None,
    requirements: Annotated[
        str | None,
        typer.Option(
            "--requirements",
            help=f"Requirements CSV with your settings (default: the packaged one): {WHERE}.",
        ),
    ] = None,
    engine: Annotated[
        EngineName, typer.Option(help="Engine that runs the rules.", envvar="ALLIANCE_ENGINE")
    ] = EngineName.duckdb,
) -> None:
    """Check every radiotherapy provider and network against the service specification's
    requirements in force on the as-of day. One row per level (provider, network), code and
    requirement: level, code, requirement_id, numerator, denominator, value, threshold, status
    (met, not_met, no_data), then ci_lower and ci_upper, the Wilson 95% interval of each rate.
    Courses and 31-day waits count if they started in the 12 months before the as-of day (by default
    the day after the latest course). A file with a bad row exits with code 2 and names the file, row
    and field.

    Example: alliance radiotherapy compliance --courses c.csv --linacs l.csv --as-of 2019-04-01 -o out.csv
    """
    stderr = Console(stderr=True)
    try:
        summary = compliance_file(
            courses,
            linacs,
            output,
            as_of=_day(as_of),
            cwt_path=cwt_records,
            cwt_profile=cwt_profile,
            requirements_path=requirements,
            engine=engine,
        )
    except InputError as error:
        stderr.print(f"Error: {error}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_UNPROCESSABLE) from None
    counts = ", ".join(f"{status} {n:,}" for status, n in summary.status_counts.items())
    stderr.print(
        f"{summary.rows:,} rows as of {summary.as_of} written to {summary.output} ({counts})",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    if not summary.rows:
        stderr.print(
            f"no requirement is in force on {summary.as_of} (the radiotherapy networks began on 2019-04-01)",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
