"""The argument and options every command that reads a canonical-table file shares: where the input
lives (a local path, a URI or, on Spark, a catalogue table; docs/decisions/0034) and the mapping
profile it is read through (docs/decisions/0026)."""

from __future__ import annotations

from typing import Annotated

import typer

from cancer_alliance.ingest.profiles import profile_names

WHERE = "a local path, a URI (file://, s3a://, abfss://, dbfs:/) or, on Spark, a catalogue table"


def input_argument(what: str) -> typer.models.ArgumentInfo:
    """INPUT: `what` (e.g. "Canonical CWT records"), wherever it lives."""
    return typer.Argument(metavar="INPUT", help=f"{what}, .csv, .parquet or .xml: {WHERE}.")


def output_option(what: str) -> typer.models.OptionInfo:
    """-o/--output: `what` to write (.csv or .parquet), wherever it goes."""
    return typer.Option("--output", "-o", help=f"{what} to write (.csv, .parquet): {WHERE}.")


Profile = Annotated[
    str | None,
    typer.Option(
        "--profile",
        help=f"Mapping profile of the input: one of {', '.join(profile_names())}, or a .toml file; "
        "detected from the headers when not given (as for `alliance ingest`).",
    ),
]
