"""`alliance spc`: a thin command over `cancer_alliance.stats.spc.files.spc_file` (registered in
`cli/commands.py`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cancer_alliance.errors import InputError
from cancer_alliance.stats.spc import ImprovementDirection, SpcOptions
from cancer_alliance.stats.spc.files import spc_file

EXIT_UNPROCESSABLE = 2


def spc(
    input_path: Annotated[
        Path,
        typer.Argument(
            metavar="INPUT", help="Table with columns x (a date or a number) and y; .csv or .parquet."
        ),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="One row per point; .csv or .parquet.")],
    improvement_direction: Annotated[
        ImprovementDirection, typer.Option(help="Which way is better.")
    ] = ImprovementDirection.increase,
    target: Annotated[float | None, typer.Option(help="Target for the assurance icon.")] = None,
    rebase: Annotated[
        list[str] | None, typer.Option(help="Start new limits at this x value; repeat for several.")
    ] = None,
    fix_after_n_points: Annotated[
        int | None, typer.Option(help="Compute the limits from the first N points only (N >= 12).")
    ] = None,
    no_screen_outliers: Annotated[
        bool, typer.Option("--no-screen-outliers", help="Keep large moving ranges (as the Excel tools do).")
    ] = False,
    summary_json: Annotated[
        Path | None, typer.Option(help="Write variation_type, variation_icon and assurance_type as JSON.")
    ] = None,
) -> None:
    """Making Data Count SPC (XmR) of a series, as NHSRplotthedots computes it: mean, process limits at
    2.66 mean moving ranges and point_type for each point.

    Example: alliance spc monthly.csv -o spc.csv --improvement-direction decrease --target 0.85
    """
    try:
        options = SpcOptions(
            improvement_direction=improvement_direction,
            target=target,
            rebase=tuple(rebase or ()),
            fix_after_n_points=fix_after_n_points,
            screen_outliers=not no_screen_outliers,
        )
        result = spc_file(input_path, output, options, summary_json)
    except InputError as error:
        Console(stderr=True).print(f"[red]Error:[/red] {error}", markup=True, highlight=False)
        raise typer.Exit(EXIT_UNPROCESSABLE) from None
    assurance = f", assurance {result.assurance_type}" if result.assurance_type else ""
    Console(stderr=True).print(
        f"{result.points:,} points written; latest point {result.variation_type}{assurance}", highlight=False
    )
