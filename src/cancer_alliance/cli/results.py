"""`alliance results`: refresh the results from the lake, and list the refresh runs (issue #19).

Exit codes of `refresh`: 0 refreshed or nothing changed, 1 a step failed (the previous results keep
serving; the step and the reason are printed), 2 a bad argument.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cancer_alliance.config import alliance_home
from cancer_alliance.engine import EngineName
from cancer_alliance.errors import InputError, StorageError
from cancer_alliance.results import generations
from cancer_alliance.results.generations import Generation
from cancer_alliance.results.refresh import refresh as run_refresh
from cancer_alliance.storage import shared, shown
from cancer_alliance.store import migrate, open_store
from cancer_alliance.store.results import RunStatus, recent_runs

app = typer.Typer(
    name="results", help="The results the pages read: refresh them, list the runs.", no_args_is_help=True
)
console = Console()
stderr = Console(stderr=True)


@app.command()
def refresh(
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Today for the PTL (YYYY-MM-DD); else ALLIANCE_AS_OF, else the lake's newest date.",
        ),
    ] = None,
    only: Annotated[
        str | None,
        typer.Option("--only", help="Recompute only these domains (comma-separated), e.g. cwt,fit."),
    ] = None,
    engine: Annotated[
        EngineName | None, typer.Option(envvar="ALLIANCE_ENGINE", help="duckdb or spark.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Recompute even if nothing changed.")] = False,
) -> None:
    """Recompute every domain's results from the current lake into a new generation and swap it in
    when every step succeeded; a failed step leaves the previous results serving (exit 1). A refresh
    when nothing changed in the lake says so and stops.

    Example: alliance results refresh --as-of 2019-03-31
    """
    domains = [name.strip() for name in only.split(",")] if only else None
    try:
        report = run_refresh(
            as_of,
            domains,
            engine=engine,
            force=force,
            progress=lambda step: stderr.print(f"[dim]{step}…[/dim]"),
        )
    except (InputError, ValueError) as error:
        stderr.print(f"Error: {error}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    if report.status == RunStatus.failed:
        stderr.print(
            f"refresh failed at step {report.failed_step}: {report.message}\n"
            "The previous results are still serving.",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(1)
    if report.status == RunStatus.unchanged:
        console.print(f"unchanged: {report.message}; as of {report.as_of}")
        return
    timings = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in report.seconds.items())
    console.print(f"refreshed: generation {report.generation.id}, as of {report.as_of} (run {report.run_id})")
    console.print(timings)


@app.command()
def status(limit: Annotated[int, typer.Option(help="How many runs to list.")] = 10) -> None:
    """List the latest refresh runs, newest first: when, as of, status, and the failed step or message;
    then the generation this machine serves and, with shared storage, the one the storage names.

    Example: alliance results status --limit 5
    """
    migrate()
    store = open_store()
    try:
        with store.begin() as session:
            runs = recent_runs(session, limit)
            table = Table(title="Results refresh runs")
            for column in ("Run", "Started", "Finished", "As of", "Status", "Step", "Message"):
                table.add_column(column)
            for run in runs:
                table.add_row(
                    str(run.id),
                    f"{run.started_at:%Y-%m-%d %H:%M:%S}",
                    f"{run.finished_at:%H:%M:%S}" if run.finished_at else "",
                    str(run.as_of or ""),
                    run.status.value,
                    run.failed_step or "",
                    run.message or "",
                )
    finally:
        store.close()
    console.print(table if runs else "no refresh runs yet: run `alliance results refresh`")
    serving = generations.current(alliance_home())
    console.print(f"this machine serves: {_generation_text(serving)}", soft_wrap=True)
    storage = shared()
    if storage is not None:
        try:
            named = (storage.read_text(generations.POINTER) or "").strip() or "no generation yet"
        except StorageError as error:
            named = f"unknown ({error})"
        console.print(f"shared storage {shown(storage.uri)} names: {named}", markup=False, soft_wrap=True)


def _generation_text(generation: Generation | None) -> str:
    """How `status` names a generation."""
    if generation is None:
        return "no results yet"
    refreshed = f"{generation.refreshed_at:%Y-%m-%d %H:%M} UTC"
    return f"generation {generation.id}, as of {generation.as_of}, refreshed {refreshed}"
