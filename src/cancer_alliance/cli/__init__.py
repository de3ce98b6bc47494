"""The `alliance` command: a thin shell over the library (one Typer sub-app per domain)."""

from __future__ import annotations

import os
import sys

import typer

from cancer_alliance import __version__
from cancer_alliance.config import keep_private

app = typer.Typer(
    name="alliance",
    help="Cancer Alliance platform: waiting times, early diagnosis and reference data for NHS England's "
    "Cancer Alliances. Every command has --help.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",  # docstrings are wrapped prose: a single newline is a space
)


def _version(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    """Cancer Alliance platform."""
    _follow_shared_results()


def _follow_shared_results() -> None:
    """With shared storage, read the results the storage names as current, whichever machine
    refreshed them (docs/decisions/0055); an unreachable storage is a warning, not a failure."""
    from cancer_alliance.storage import SETTING

    if not os.environ.get(SETTING):
        return
    from cancer_alliance.config import alliance_home
    from cancer_alliance.errors import AllianceError
    from cancer_alliance.results import generations

    try:
        generations.pull(alliance_home())
    except AllianceError as error:
        sys.stderr.write(f"Warning: {error}; this machine's results are used\n")


def _register() -> None:
    """Attach each domain's commands; a module per domain keeps this file small."""
    from cancer_alliance.cli import commands  # noqa: F401  (registers on import)


def main() -> None:
    """Run the command; an error raised by Spark (a Java stack trace through Py4J, or a Connect error)
    becomes one line on stderr and exit code 1 (docs/decisions/0034)."""
    from cancer_alliance.engine.spark import failure_message

    keep_private()
    _register()
    try:
        app()
    except Exception as error:
        message = failure_message(error)
        if message is None:
            raise
        sys.stderr.write(f"Error: {message}\n")
        raise SystemExit(1) from None
