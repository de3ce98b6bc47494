"""`alliance fit ...`: FIT bowel screening commands, a thin shell over `cancer_alliance.fit`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from cancer_alliance.cli.inputs import WHERE, Profile, output_option
from cancer_alliance.engine import EngineName
from cancer_alliance.errors import InputError
from cancer_alliance.fit.files import metrics_file, symptomatic_file, thresholds_file
from cancer_alliance.fit.settings import PLANNING_THRESHOLDS

EXIT_UNPROCESSABLE = 2

app = typer.Typer(
    name="fit",
    help="FIT in bowel screening: programme metrics and threshold planning.",
    no_args_is_help=True,
)

Episodes = Annotated[
    str,
    typer.Argument(
        metavar="EPISODES", help=f"Canonical fit_screening_episode rows, .csv, .parquet: {WHERE}."
    ),
]
Engine = Annotated[EngineName, typer.Option(help="Engine that runs the rules.", envvar="ALLIANCE_ENGINE")]


def _say(console: Console, text: str) -> None:
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def _fail(error: InputError) -> typer.Exit:
    _say(Console(stderr=True), f"Error: {error}")
    return typer.Exit(EXIT_UNPROCESSABLE)


def _words(text: str) -> list[str]:
    return [word.strip() for word in text.split(",") if word.strip()]


@app.command()
def metrics(
    episodes: Episodes,
    output: Annotated[str, output_option("Metrics")],
    by: Annotated[
        str,
        typer.Option(
            help="Comma-separated groups: alliance_code, ccg_code, screening_centre_code, sex, age_band, "
            "deprivation_quintile, invitation_month (blank: one row for everything)."
        ),
    ] = "",
    intervals: Annotated[
        bool,
        typer.Option(
            "--intervals", help="Add the Wilson 95% limits of each rate and the median days result to test."
        ),
    ] = False,
    engine: Engine = EngineName.duckdb,
    profile: Profile = None,
) -> None:
    """Write the programme metrics of EPISODES, one row per group: the group columns, then invited,
    screened, uptake, positive, positivity, investigated, conversion, cancers, high_risk_adenomas,
    ppv_cancer, ppv_hra, cancer_detection_per_1000. Rates are fractions 0..1 (detection per 1,000
    screened). Screened = a result dated no more than 183 days after the invitation; positive = result
    at or above the episode's threshold (where blank, the programme threshold in force on the result
    date: 120 µg/g, 80 from February 2026). A file with a bad value or an unknown --by group exits with
    code 2, the message naming the row and field.

    Example: alliance fit metrics episodes.csv --by ccg_code,sex -o fit-metrics.csv
    """
    try:
        summary = metrics_file(
            episodes, output, _words(by), intervals=intervals, engine=engine, profile=profile
        )
    except InputError as error:
        raise _fail(error) from None
    _say(
        Console(stderr=True),
        f"{summary.groups:,} groups from {summary.episodes:,} episodes written to {summary.output}",
    )


@app.command()
def thresholds(
    episodes: Episodes,
    output: Annotated[str, output_option("Plan")],
    thresholds: Annotated[
        str, typer.Option("--thresholds", help="Comma-separated thresholds in µg Hb/g.")
    ] = ",".join(f"{t:g}" for t in PLANNING_THRESHOLDS),
    capacity: Annotated[
        str | None,
        typer.Option(
            help=f"Colonoscopy capacity, CSV columns screening_centre_code, month (yyyy-mm), slots: {WHERE}."
        ),
    ] = None,
    demand: Annotated[
        str | None,
        typer.Option(
            help="Also write colonoscopy demand per threshold, screening centre and month of result here "
            f"(default with --capacity: OUTPUT's name + .demand): {WHERE}."
        ),
    ] = None,
    engine: Engine = EngineName.duckdb,
    profile: Profile = None,
) -> None:
    """Plan referral thresholds from the observed results in EPISODES: one row per threshold with
    threshold, screened, positive, positivity, colonoscopies (positives x observed conversion), cancers,
    high_risk_adenomas (expected) and yield_source: `observed` where every result band at or above the
    threshold was referred somewhere, `assumed:<id>` where a stated assumption filled a band never
    referred (nhse_2026_80: NHS England's +11% cancers at 80 µg/g), `not_estimated` where neither
    exists (cancers blank). With --capacity, the demand per centre and month is compared with the slots.

    Example: alliance fit thresholds episodes.csv --thresholds 120,80,40,20 -o plan.csv
    """
    try:
        try:
            values = [float(word) for word in _words(thresholds)]
        except ValueError:
            raise InputError(
                f"--thresholds: {thresholds!r} is not a comma-separated list of numbers"
            ) from None
        summary = thresholds_file(
            episodes, output, values, capacity=capacity, demand_output=demand, engine=engine, profile=profile
        )
    except InputError as error:
        raise _fail(error) from None
    console = Console(stderr=True)
    _say(console, f"{len(summary.plan)} thresholds written to {summary.output}")
    if summary.demand_path is not None:
        _say(console, f"demand by centre and month written to {summary.demand_path}")


@app.command()
def symptomatic(
    records: Annotated[
        str,
        typer.Argument(metavar="RECORDS", help=f"Canonical CWT records, .csv, .parquet or .xml: {WHERE}."),
    ],
    output: Annotated[str, output_option("Table")],
    by: Annotated[str, typer.Option(help="Comma-separated groups: provider, reporting_month.")] = "",
    engine: Engine = EngineName.duckdb,
    profile: Profile = None,
) -> None:
    """Symptomatic FIT (NICE DG56: refer if FIT >= 10 µg Hb/g) over the lower GI urgent suspected cancer
    referrals in RECORDS: per FIT status (at or above 10, below 10, none recorded, and all recorded) the
    referrals, their share, and 28-day Faster Diagnosis Standard performance from the CWT engine's facts
    with its Wilson 95% interval. Bad input exits with code 2.

    Example: alliance fit symptomatic cwt-records.parquet --by provider -o symptomatic-fit.csv
    """
    try:
        table = symptomatic_file(records, output, _words(by), engine=engine, profile=profile)
    except InputError as error:
        raise _fail(error) from None
    _say(Console(stderr=True), f"{len(table)} rows written to {output}")
