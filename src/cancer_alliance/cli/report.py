"""`alliance report ...`: thin commands over `cancer_alliance.reports` (registered in `cli/commands.py`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cancer_alliance.engine.io import Kind, location
from cancer_alliance.errors import InputError
from cancer_alliance.reports.early_diagnosis import early_diagnosis_report

EXIT_UNPROCESSABLE = 2


def local_path(output: str) -> Path:
    """An HTML report's path: local only, since Spark writes folders of part files, not one page."""
    where = location(output)
    if where.kind != Kind.path:
        raise InputError(
            f"{output}: a report is one HTML file written to a local path (on Databricks a volume path, "
            "/Volumes/...), not a URI or table"
        )
    return where.path


app = typer.Typer(help="Self-contained HTML reports.", no_args_is_help=True)


@app.command(name="early-diagnosis")
def early_diagnosis(
    alliance: Annotated[str, typer.Option(help="ONS code of the Cancer Alliance, e.g. E56000005.")],
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            help="HTML file to write, a local path (on Databricks a volume path, /Volumes/...).",
        ),
    ],
) -> None:
    """Early-diagnosis report for one alliance from the real NDRS stage counts: stage 1-2 by year (SPC
    against the 75% ambition), the ambitions, cancer sites and a funnel plot of all alliances. One
    self-contained page: nothing is loaded from the internet.

    A 2018/19 alliance code is reported through its NDRS successor, with a note saying so.

    Example: alliance report early-diagnosis --alliance E56000005 -o cheshire-and-merseyside.html
    """
    try:
        result = early_diagnosis_report(alliance, local_path(output))
    except InputError as error:
        Console(stderr=True).print(f"[red]Error:[/red] {error}", markup=True, highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_UNPROCESSABLE) from None
    drawn = (
        "charts drawn by the inlined Vega"
        if result.scripts_inlined
        else "Vega not installed: tables and specs only"
    )
    Console(stderr=True).print(
        f"{output}: {result.alliance}, {result.years[0]}-{result.years[1]}; {drawn}", highlight=False
    )
