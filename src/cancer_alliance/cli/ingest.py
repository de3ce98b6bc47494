"""`alliance ingest TABLE SOURCE`: a thin shell over `cancer_alliance.ingest.inputs.ingest_from`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from cancer_alliance.config import lake_dir
from cancer_alliance.engine import EngineName
from cancer_alliance.errors import AllianceError
from cancer_alliance.ingest import ImportScope, alliance_scope, trust_scope
from cancer_alliance.ingest.inputs import ingest_from
from cancer_alliance.ingest.profiles import profile_names
from cancer_alliance.schemas import table_names

EXIT_QUARANTINED = 1
EXIT_UNPROCESSABLE = 2
_STAGES = {
    "hashing": "Hashing the file (MB)",
    "checking": "Reading and checking rows",
    "writing": "Writing accepted rows",
}
_MEGABYTE = 1_000_000


class _Bars:
    """Rich progress bars on stderr, one per ingest stage."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage == "hashing":
            done, total = done // _MEGABYTE, total // _MEGABYTE
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(_STAGES[stage], total=total)
        unknown = stage == "checking" and done < total  # one DuckDB pass: a pulsing bar
        self.progress.update(self.tasks[stage], completed=done, total=None if unknown else total)


def ingest(
    table: Annotated[str, typer.Argument(help=f"Canonical table, one of: {', '.join(table_names())}.")],
    file: Annotated[
        str,
        typer.Argument(
            help="CSV (with a header line), Parquet or XML (a profile with [xml]) file, or a folder of "
            "a source of several files: a local path, a URI (s3://, gs://, abfs://, hdfs://, file://) or, "
            "with --engine spark, a catalogue table."
        ),
    ],
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 if any row is quarantined.")] = False,
    alliance: Annotated[
        str | None,
        typer.Option(
            help="Import for this 2018/19 alliance (ONS code) only: other organisations' rows quarantined."
        ),
    ] = None,
    trust: Annotated[
        str | None,
        typer.Option(
            help="Import for this trust (ODS code) only: other organisations' rows are quarantined."
        ),
    ] = None,
    engine: Annotated[
        EngineName,
        typer.Option(
            help="Spark reads a URI Spark knows (s3a://, dbfs:/) or a catalogue table; DuckDB local files "
            "and URIs pyarrow knows.",
            envvar="ALLIANCE_ENGINE",
        ),
    ] = EngineName.duckdb,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            help=f"Mapping profile: one of {', '.join(profile_names())}, or a .toml file; "
            "detected from the headers when not given.",
        ),
    ] = None,
) -> None:
    """Check FILE against TABLE's schema: accepted rows become a new lake snapshot (NHS numbers
    pseudonymised), the others go to the quarantine with row number, field and reason. Row 1 is
    the first data row. The file's columns are read through a mapping profile (named in the
    output); columns it does not use are listed in a warning. With --alliance or --trust, rows naming
    another organisation, or replacing another organisation's record, are quarantined too
    (docs/decisions/0025). The last line printed is accepted=N quarantined=M. Exit code 0, or 1 with
    --strict when rows were quarantined, or 2 when the file cannot be processed at all.

    Example: alliance ingest cwt records.csv --profile cwt-national --alliance E56000009
    """
    stderr = Console(stderr=True)
    if alliance and trust:
        raise typer.BadParameter("give --alliance or --trust, not both", param_hint="--alliance")
    try:
        scope = _scope(alliance, trust)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=stderr,
            transient=True,
        ) as progress:
            summary = ingest_from(
                table, file, engine=engine, progress=_Bars(progress), scope=scope, profile=profile
            )
    except AllianceError as error:
        stderr.print(f"Error: {error}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_UNPROCESSABLE) from None
    how = "detected from the headers" if summary.profile_detected else "given"
    typer.echo(f"profile: {summary.profile} ({how})")
    if summary.ignored_columns:
        ignored = ", ".join(summary.ignored_columns)
        stderr.print(f"Warning: columns not used: {ignored}", markup=False, highlight=False, soft_wrap=True)
    if summary.already_imported:
        typer.echo(
            f"{file}: already imported as snapshot {summary.snapshot_id} (same SHA-256); nothing written"
        )
    else:
        typer.echo(f"snapshot {summary.snapshot_id} written to {lake_dir(summary.table)}")
    if summary.quarantine_path is not None:
        found = f"{summary.problems} problems in {summary.quarantined} rows"
        typer.echo(f"quarantine: {summary.quarantine_path} ({found})")
    typer.echo(f"accepted={summary.accepted} quarantined={summary.quarantined}")
    if strict and summary.quarantined:
        raise typer.Exit(EXIT_QUARANTINED)


def _scope(alliance: str | None, trust: str | None) -> ImportScope | None:
    """The import scope the options ask for; None (national) without either."""
    if alliance:
        return alliance_scope(alliance)
    if trust:
        return trust_scope(trust)
    return None
