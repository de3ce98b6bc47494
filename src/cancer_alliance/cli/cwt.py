"""`alliance cwt ...`: cancer waiting times commands, a thin shell over `cancer_alliance.cwt`.

Other CWT commands (performance tables, PTL) register on the same `app`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from cancer_alliance.cli.inputs import Profile
from cancer_alliance.cwt.files import evaluate_file
from cancer_alliance.engine import EngineName
from cancer_alliance.errors import InputError

EXIT_UNPROCESSABLE = 2

app = typer.Typer(
    name="cwt",
    help="Cancer waiting times: per-record facts, performance against the standards, the PTL.",
    no_args_is_help=True,
)


@app.command()
def evaluate(
    records: Annotated[
        str,
        typer.Argument(
            metavar="INPUT",
            help="Canonical CWT records, .csv or .parquet: a local path, a URI (s3a://, abfss://, dbfs:/) "
            "or, on Spark, a catalogue table.",
        ),
    ],
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            help="Facts to write (.csv, .parquet): a local path, a URI or, on Spark, a table.",
        ),
    ],
    engine: Annotated[
        EngineName, typer.Option(help="Engine that runs the rules.", envvar="ALLIANCE_ENGINE")
    ] = EngineName.duckdb,
    with_flags: Annotated[
        bool,
        typer.Option(
            "--with-flags",
            help="Add the column transfer_date_missing (62d shared 50:50 for want of a transfer date).",
        ),
    ] = False,
    profile: Profile = None,
) -> None:
    """Write per-record CWT facts for INPUT: one row per record and measure (2ww, fds, 31d, 62d),
    two rows for a 62-day pathway shared between providers. Columns: record_id, measure, route,
    treatment_stage, modality_group, clock_start, clock_stop, days, within, reporting_month,
    provider, share, allocation, scenario. INPUT is read and checked as `alliance ingest` reads it
    (mapping profile, dates, codes, code lists): rows that fail a check, records with missing or
    contradictory dates, and records treated with no treating provider are left out and listed with
    their reasons (and, for a record, the measures it loses) in OUTPUT's name with the extension
    .rejected.csv; the counts are printed on stderr and the exit code is still 0. A file that cannot
    be read (a required column missing, repeated columns) exits with code 2.

    Example: alliance cwt evaluate records.parquet -o facts.parquet; on Spark also
    alliance cwt evaluate main.cancer.cwt_records -o dbfs:/alliance/facts.parquet --engine spark
    """
    stderr = Console(stderr=True)
    try:
        summary = evaluate_file(records, output, engine=engine, with_flags=with_flags, profile=profile)
    except InputError as error:
        stderr.print(f"Error: {error}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_UNPROCESSABLE) from None
    stderr.print(
        f"{summary.facts:,} facts written to {summary.output}", markup=False, highlight=False, soft_wrap=True
    )
    if summary.transfer_date_missing:
        stderr.print(
            f"{summary.transfer_date_missing:,} records shared 50:50 because the transfer date is missing",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    stderr.print(
        f"rejected={summary.rejected} (reasons in {summary.rejected_path}); measures not counted: "
        + ", ".join(f"{measure}={count:,}" for measure, count in summary.measures_lost.items()),
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
