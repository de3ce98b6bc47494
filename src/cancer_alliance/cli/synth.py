"""`alliance synth`: generate a synthetic year and check it against the published figures (a thin
shell over `cancer_alliance.synth`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cancer_alliance import synth
from cancer_alliance.errors import InputError
from cancer_alliance.synth.generate import DEFAULT_INVALID_SHARE, PROGRESS_STEPS

app = typer.Typer(
    name="synth",
    help="Synthetic data: every canonical table for the 19 alliances, calibrated to published figures.",
    no_args_is_help=True,
)


@app.command()
def generate(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write the tables to (created if missing).")
    ],
    year: Annotated[str, typer.Option("--year", help="Financial year to generate.")] = "2018/19",
    scale: Annotated[
        float, typer.Option("--scale", help="Share of the national volume: 1 = England.")
    ] = 0.01,
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed: the same seed and scale give the same rows.")
    ] = 0,
    invalid_share: Annotated[
        float, typer.Option("--invalid-share", help="Share of deliberately invalid rows per table.")
    ] = DEFAULT_INVALID_SHARE,
) -> None:
    """Write synthetic CWT records, tumour registrations, breast follow-up episodes, FIT screening
    episodes, lung health checks and radiotherapy courses to OUT, one Parquet file per table.

    Example: alliance synth generate --year 2018/19 --scale 0.05 --seed 1 --out demo-data
    """
    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description:<40}"), BarColumn(), TimeElapsedColumn(), console=console
    ) as bar:
        task = bar.add_task("starting", total=PROGRESS_STEPS)
        try:
            summary = synth.generate(
                year,
                scale,
                seed,
                out,
                invalid_share,
                progress=lambda step: bar.update(task, description=step, advance=1),
            )
        except InputError as error:
            raise typer.BadParameter(str(error)) from None
        bar.update(task, description="done", completed=PROGRESS_STEPS)
    table = Table(
        title=f"Synthetic {summary.year}, scale {summary.scale}, seed {summary.seed} -> {summary.out}"
    )
    for heading in ("File", "Rows", "Deliberately invalid"):
        table.add_column(heading, justify="left" if heading == "File" else "right")
    for name, rows in summary.rows.items():
        table.add_row(synth.FILES[name][0], f"{rows:,}", f"{summary.invalid_rows[name]:,}")
    console.print(table)
    console.print(
        f"{summary.seconds:.1f} s; reference date {summary.reference_date}; invalid rows listed in "
        f"{synth.INVALID_FILE}"
    )


@app.command()
def check(
    folder: Annotated[Path, typer.Argument(help="Folder written by `alliance synth generate`.")],
    engine: Annotated[
        str | None, typer.Option("--engine", envvar="ALLIANCE_ENGINE", help="duckdb or spark.")
    ] = None,
) -> None:
    """Print generated versus published national figures: every 2018/19 CWT standard, stage at
    diagnosis and emergency presentation, with the difference in percentage points. Exits with 1
    when a figure is outside its tolerance (CWT 1.5 points, stage and emergency presentation 2).

    Example: alliance synth check demo-data
    """
    try:
        report = synth.check(folder, engine)
    except InputError as error:
        raise typer.BadParameter(str(error), param_hint="FOLDER") from None
    table = Table(title=f"{folder}: generated (scale {report.scale}) versus published")
    for heading in (
        "Measure",
        "Published %",
        "Generated %",
        "Diff (pp)",
        "Allowed (pp)",
        "n",
        "Expected n",
        "Result",
    ):
        table.add_column(heading, justify="left" if heading == "Measure" else "right", no_wrap=True)
    for c in report.comparisons:
        table.add_row(
            c.measure,
            f"{c.published:.2f}",
            "-" if c.generated is None else f"{c.generated:.2f}",
            "-" if c.difference_pp is None else f"{c.difference_pp:+.2f}",
            f"{c.allowed_pp:.1f}",
            f"{c.count:,.1f}".removesuffix(".0"),
            "" if c.published_count is None or c.group != "cwt" else f"{c.published_count:,.0f}",
            "ok" if c.ok else "OUTSIDE",
        )
    console = Console(soft_wrap=False)
    console.width = max(console.width, 132)
    console.print(table)
    console.print(
        "Allowed: CWT 1.5 points, stage and emergency presentation 2 points, or 3 binomial standard "
        "errors where the sample is small (low --scale)."
    )
    if not report.ok:
        raise typer.Exit(1)
