"""`alliance demo`: prepare the platform on generated data and show what it computed."""

from __future__ import annotations

from typing import Annotated

import pyarrow.parquet as pq
import typer
from rich.console import Console
from rich.table import Table

from cancer_alliance import demo as demo_pipeline
from cancer_alliance import reference
from cancer_alliance.cli import web
from cancer_alliance.config import results_dir
from cancer_alliance.engine import EngineName
from cancer_alliance.results import catalogue

console = Console()
stderr = Console(stderr=True)


def demo(
    scale: Annotated[
        float, typer.Option(help="Size of the generated year; 1 = England's national volume.")
    ] = 0.01,
    seed: Annotated[
        int, typer.Option(help="Seed of the generator: the same seed gives the same data.")
    ] = demo_pipeline.SEED,
    engine: Annotated[
        EngineName | None, typer.Option(envvar="ALLIANCE_ENGINE", help="duckdb or spark.")
    ] = None,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Prepare and stop; do not start the web server.")
    ] = False,
    host: Annotated[str, typer.Option(help="Address to serve on.")] = web.DEFAULT_HOST,
    port: Annotated[int, typer.Option(help="Port to serve on.")] = web.DEFAULT_PORT,
) -> None:
    """Generate a synthetic year for all 19 alliances, ingest it through validation, compute the
    waiting-times results into ALLIANCE_HOME, create one user per role and print a summary with
    their logins; then serve the platform on http://127.0.0.1:8000 unless --no-serve.

    Example: alliance demo --scale 0.01
    """
    summary = demo_pipeline.prepare(
        scale, seed, engine=engine, step=lambda text: stderr.print(f"[dim]{text}…[/dim]")
    )
    console.print(f"reference date {summary.reference_date.isoformat()}")
    console.print(_alliances())
    console.print(_imports(summary))
    console.print(_latest_month(summary))
    console.print(f"Data, lake and results are in {summary.home}.")
    console.print(web.create_demo_logins())
    if not no_serve:
        web.run_server(host, port)


def _alliances() -> Table:
    table = Table(title="Cancer Alliances, 2018/19 (ONS CALNCV17)")
    for column in ("No.", "ONS code", "Name"):
        table.add_column(column)
    for alliance in reference.alliances("2018/19"):
        table.add_row(str(alliance.map_number), alliance.code, alliance.name)
    return table


def _imports(summary: demo_pipeline.DemoSummary) -> Table:
    table = Table(title="Validation summary (ingest)")
    for column in ("Table", "Rows in", "Accepted", "Quarantined"):
        table.add_column(column, justify="left" if column == "Table" else "right")
    for result in summary.imports:
        table.add_row(result.table, f"{result.rows_in:,}", f"{result.accepted:,}", f"{result.quarantined:,}")
    return table


def _latest_month(summary: demo_pipeline.DemoSummary) -> Table:
    rows = pq.read_table(catalogue.path(results_dir(summary.home), "performance_month")).to_pylist()
    latest = max(row["reporting_month"] for row in rows)
    table = Table(title=f"England (generated data), {latest}")
    for column in ("Standard", "Total", "Within", "Performance", "Threshold"):
        table.add_column(column, justify="left" if column == "Standard" else "right")
    for row in sorted((r for r in rows if r["reporting_month"] == latest), key=lambda r: r["standard_id"]):
        performance = "" if row["performance"] is None else f"{100 * row['performance']:.1f}%"
        threshold = "" if row["threshold"] is None else f"{100 * row['threshold']:.0f}%"
        table.add_row(row["standard_id"], f"{row['total']:,g}", f"{row['within']:,g}", performance, threshold)
    return table
