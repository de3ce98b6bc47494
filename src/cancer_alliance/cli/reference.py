"""`alliance reference`: look up the reference data (a thin shell over `cancer_alliance.reference`)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cancer_alliance import reference

app = typer.Typer(
    name="reference",
    help="Reference data: alliances, trusts, code lists and the CWT standards, with their sources.",
    no_args_is_help=True,
)


def _print(table: Table) -> None:
    Console(soft_wrap=False).print(table)


def _percent(value: float | None) -> str:
    return "none set" if value is None else f"{value:.0%}"


def _selection(standard: reference.Standard) -> str:
    """E.g. '31d subsequent drug' or '62d usc+screening'."""
    parts = [
        standard.measure,
        "+".join(standard.routes),
        standard.treatment_stage or "",
        "+".join(standard.modality_groups),
    ]
    return " ".join(part for part in parts if part)


@app.command()
def alliances(
    version: Annotated[
        str, typer.Option("--version", help="Alliance vintage, e.g. 2018/19, 2021/22, 2024/25.")
    ] = ("2018/19"),
) -> None:
    """List the Cancer Alliances of one vintage with their ONS codes and map numbers.

    Example: alliance reference alliances --version 2024/25
    """
    try:
        rows = reference.alliances(version)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--version") from None
    table = Table(title=f"Cancer Alliances {version} ({len(rows)})")
    table.add_column("Map")
    table.add_column("ONS code", no_wrap=True)
    for heading in ("Name", "Common name", "Centroid (lat, lon)"):
        table.add_column(heading)
    for a in rows:
        approx = " (approx.)" if a.centroid_approximate else ""
        table.add_row(
            "" if a.map_number is None else str(a.map_number),
            a.code,
            a.name,
            a.common_name,
            f"{a.centroid_lat:.3f}, {a.centroid_lon:.3f}{approx}",
        )
    _print(table)


@app.command()
def trusts(
    version: Annotated[
        str, typer.Option("--version", help="Trust mapping version, e.g. 2018/19, 2025/26.")
    ] = ("2018/19"),
    alliance: Annotated[
        str | None, typer.Option("--alliance", help="Only the trusts of this alliance (ONS code).")
    ] = None,
) -> None:
    """List NHS trusts with the alliance each belongs to and how sure that assignment is.

    Example: alliance reference trusts --alliance E56000016
    """
    try:
        rows = reference.trusts(version)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--version") from None
    if alliance is not None:
        rows = [t for t in rows if t.alliance_code == alliance]
        if not rows:
            raise typer.BadParameter(
                f"no trust belongs to alliance {alliance!r} in {version}", param_hint="--alliance"
            )
    table = Table(title=f"Trusts {version} ({len(rows)})")
    table.add_column("ODS code", no_wrap=True)
    for heading in ("Trust", "Alliance", "Confidence"):
        table.add_column(heading)
    for t in rows:
        table.add_row(t.ods_code, t.name, t.alliance_code or "(not assigned)", t.confidence)
    _print(table)


@app.command()
def codes(
    name: Annotated[
        str | None, typer.Argument(help="Code list name; leave out to list the names.", show_default=False)
    ] = None,
) -> None:
    """Show a code list (code and label), or the names of all code lists.

    Example: alliance reference codes treatment_modality
    """
    if name is None:
        for list_name in reference.code_list_names():
            typer.echo(list_name)
        return
    try:
        labels = reference.code_list(name)
    except KeyError as error:
        raise typer.BadParameter(str(error.args[0]), param_hint="NAME") from None
    table = Table(title=name)
    table.add_column("Code", no_wrap=True)
    table.add_column("Label")
    for code, label in labels.items():
        table.add_row(code, label)
    _print(table)


@app.command()
def standards(
    framework: Annotated[
        str | None,
        typer.Option("--framework", help="Only one framework: 2018, 2023 or fds.", show_default=False),
    ] = None,
) -> None:
    """List the published CWT standards: what each selects, its threshold and effective dates.

    A start date shown as '-' was not found in the cited sources (NHS England CWT statistics [S30]).

    Example: alliance reference standards --framework 2023
    """
    try:
        rows = reference.standards(framework)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--framework") from None
    table = Table(title="Cancer waiting times standards")
    table.add_column("Standard", no_wrap=True)
    table.add_column("Framework")
    table.add_column("Selection")
    for heading in ("Threshold", "From", "To"):
        table.add_column(heading, no_wrap=True)
    for s in rows:
        table.add_row(
            s.standard_id,
            s.framework,
            _selection(s),
            _percent(s.threshold),
            str(s.effective_from or "-"),
            str(s.effective_to or "open"),
        )
    _print(table)
