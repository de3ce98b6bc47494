"""`alliance cwt performance` and `alliance cwt ptl`: thin commands over `cancer_alliance.cwt.report_files`,
registered on the `alliance cwt` sub-app (`cli/commands.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import pyarrow as pa
import typer
from rich.console import Console
from rich.table import Table

from cancer_alliance.cli.inputs import WHERE, Profile, input_argument, output_option
from cancer_alliance.cwt.performance import GROUPS, Framework
from cancer_alliance.cwt.report_files import performance_file, ptl_file
from cancer_alliance.engine import EngineName
from cancer_alliance.errors import InputError

EXIT_UNPROCESSABLE = 2
PERCENT_COLUMNS = ("performance", "threshold")
COUNT_COLUMNS = ("total", "within", "breaches")
TUMOUR_TYPES = typer.Option(
    help=f"CSV replacing the DERIVED ICD-10 -> tumour type table (same columns): {WHERE}."
)


def _fail(message: str) -> typer.Exit:
    Console(stderr=True).print(f"[red]Error:[/red] {message}", markup=True, highlight=False)
    return typer.Exit(EXIT_UNPROCESSABLE)


def _display(value: object, column: str) -> str:
    """Display form only: percentages to 1 dp, counts with separators (halves kept); files stay unrounded."""
    if value is None:
        return ""
    if column in PERCENT_COLUMNS:
        return f"{value:.1%}"
    if column in COUNT_COLUMNS:
        return f"{value:,.1f}" if value % 1 else f"{value:,.0f}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _print(table: pa.Table, show: int) -> None:
    console = Console()
    view = Table(*table.column_names)
    for row in table.slice(0, show).to_pylist():
        view.add_row(*[_display(row[name], name) for name in table.column_names])
    console.print(view)
    if table.num_rows > show:
        console.print(f"... {table.num_rows - show:,} more rows in the output file", highlight=False)


def performance(
    records: Annotated[str, input_argument("Canonical CWT records")],
    by: Annotated[str, typer.Option(help=f"Comma list of groups: {', '.join(GROUPS)}; blank for England.")],
    output: Annotated[str, output_option("Table")],
    standards: Annotated[
        Framework,
        typer.Option(help="2018 (2018/19 standards), 2023 (October 2023 standards) or auto (by month)."),
    ] = Framework.y2018,
    engine: Annotated[
        EngineName, typer.Option(help="Engine that runs the rules.", envvar="ALLIANCE_ENGINE")
    ] = EngineName.duckdb,
    show: Annotated[int, typer.Option(help="Rows to print (the file has them all).")] = 30,
    tumour_types: Annotated[str | None, TUMOUR_TYPES] = None,
    profile: Profile = None,
) -> None:
    """Evaluate INPUT and write performance against the CWT standards: one row per standard and
    group with standard_id, the group columns, total, within, breaches, performance (an unrounded
    fraction), threshold and meets_threshold. Halves of shared 62-day pathways are summed exactly;
    only the printed table is rounded (1 dp).

    Example: alliance cwt performance records.parquet --by month,provider -o performance.csv
    """
    names = [name.strip() for name in by.split(",") if name.strip()]
    try:
        table = performance_file(
            records, output, names, standards, engine=engine, tumour_types=tumour_types, profile=profile
        )
    except (InputError, ValueError) as error:
        raise _fail(str(error)) from None
    _print(table, show)
    Console(stderr=True).print(f"{table.num_rows:,} rows written to {output}", highlight=False)


def ptl(
    records: Annotated[str, input_argument("Canonical CWT records")],
    census: Annotated[str, typer.Option(help="Census date, yyyy-mm-dd.")],
    output: Annotated[str, output_option("PTL")],
    engine: Annotated[
        EngineName, typer.Option(help="Engine that runs the rules.", envvar="ALLIANCE_ENGINE")
    ] = EngineName.duckdb,
    tumour_types: Annotated[str | None, TUMOUR_TYPES] = None,
    profile: Profile = None,
) -> None:
    """Write the patient tracking list at the census date: every open 62-day pathway with its days
    waited, CANPTL band, 62-day backlog and 104+ flags, breach dates and next milestone. The
    summaries (62-day backlog and 104+ waits by provider, alliance and tumour type; pathways that
    passed day 28, 62 and 104 in the last 7 days) go next to OUTPUT, named OUTPUT.summary.csv
    (or .parquet, as OUTPUT).

    Example: alliance cwt ptl records.parquet --census 2019-03-31 -o ptl.csv; on Spark also
    alliance cwt ptl main.cancer.cwt_records --census 2019-03-31 -o main.cancer.ptl --engine spark
    """
    try:
        day = dt.date.fromisoformat(census)
    except ValueError:
        raise _fail(f"--census {census!r}: not a date (yyyy-mm-dd)") from None
    try:
        written = ptl_file(records, output, day, engine=engine, tumour_types=tumour_types, profile=profile)
    except (InputError, ValueError) as error:
        raise _fail(str(error)) from None
    Console(stderr=True).print(
        f"{written.pathways:,} open pathways written to {written.output} "
        f"({written.over_62_backlog:,} over 62 days, {written.over_104:,} over 104); "
        f"summaries in {written.summary_path}",
        highlight=False,
    )
