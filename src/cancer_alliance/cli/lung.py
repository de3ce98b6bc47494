"""`alliance lung ...`: lung health check commands, a thin shell over `cancer_alliance.lung`."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cancer_alliance.cli.inputs import WHERE, output_option
from cancer_alliance.engine import EngineName
from cancer_alliance.engine.io import output_location, write_export
from cancer_alliance.errors import InputError
from cancer_alliance.lung.coefficients import Model

EXIT_UNPROCESSABLE = 2
#: The columns of `lung target`'s output.
RANKED_COLUMNS = ("rank", "ccg_code", "name", "alliance_code", "value", "chosen")

app = typer.Typer(
    name="lung",
    help="Lung health checks: PLCOm2012, LLP and Brock risks, eligibility, nodule management.",
    no_args_is_help=True,
)


def _print(console: Console, text: str) -> None:
    console.print(text, markup=False, highlight=False, soft_wrap=True)


@app.command()
def risk(
    input: Annotated[
        str,
        typer.Argument(metavar="INPUT", help=f"People (or nodules for brock), .csv or .parquet: {WHERE}."),
    ],
    output: Annotated[str, output_option("Scored rows")],
    model: Annotated[Model, typer.Option("--model", help="Risk model.", case_sensitive=False)],
    engine: Annotated[
        EngineName, typer.Option(help="Engine that runs the model.", envvar="ALLIANCE_ENGINE")
    ] = EngineName.duckdb,
    with_provenance: Annotated[
        bool,
        typer.Option(
            "--with-provenance", help="Add the columns model_version and coefficient_source to OUTPUT."
        ),
    ] = False,
    brock_2a_unresolved: Annotated[
        bool,
        typer.Option(
            "--brock-2a-unresolved-coefficient",
            help="brock only: use Model 2a (no spiculation), whose non-solid coefficient is UNRESOLVED "
            "in the sources; non-solid nodules are then refused.",
        ),
    ] = False,
) -> None:
    """Score every row of INPUT with a lung cancer risk model and write OUTPUT = INPUT's columns +
    `risk` (probability 0..1, unrounded). plcom2012 and plcom2012_norace: 6-year risk for
    ever-smokers; llp_v2 and llp_v3: 5-year risk; brock: probability that a nodule is malignant
    (Model 2b, with spiculation). Input columns are those of docs/sources.md 'Interface' (for
    plcom2012: person_id, age, race, education_level, bmi, copd, personal_cancer_history,
    family_history_lung_cancer, smoking_status, cigarettes_per_day, smoking_duration_years,
    years_since_quit). A value outside the model's domain (a never-smoker or 0 cigarettes a day for
    PLCOm2012, say) stops the run with exit code 2 and a message naming the row and field.

    Example: alliance lung risk --model plcom2012 people.csv -o scored.csv
    """
    from cancer_alliance.lung.files import score_file

    stderr = Console(stderr=True)
    if brock_2a_unresolved and model != Model.brock:
        _print(stderr, "Error: --brock-2a-unresolved-coefficient applies to --model brock only")
        raise typer.Exit(EXIT_UNPROCESSABLE)
    try:
        summary = score_file(
            input, output, model, engine=engine, brock_2a=brock_2a_unresolved, with_provenance=with_provenance
        )
    except InputError as error:
        _print(stderr, f"Error: {error}")
        raise typer.Exit(EXIT_UNPROCESSABLE) from None
    _print(stderr, f"{summary.rows:,} rows scored with {summary.version}, written to {summary.output}")


@app.command()
def target(
    survival: Annotated[
        str,
        typer.Argument(
            metavar="SURVIVAL",
            help="CSV: ccg_code and a survival (or proxy) column; with --published, the published table; "
            f"{WHERE}.",
        ),
    ],
    output: Annotated[str, output_option("Ranked CCGs")],
    choose: Annotated[int, typer.Option("--choose", help="How many CCGs to choose, lowest first.", min=0)],
    value: Annotated[
        str, typer.Option("--value", help="Column to rank by, lowest first (e.g. survival_1y).")
    ] = "survival",
    published: Annotated[
        bool,
        typer.Option(
            "--published",
            help="SURVIVAL has the layout of the Index of cancer survival for CCGs in England (2019).",
        ),
    ] = False,
    profile: Annotated[
        Path | None, typer.Option("--profile", help="With --published: a copy of the layout profile.")
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="With --published: diagnosis year to rank (default latest).")
    ] = None,
    engine: Annotated[
        EngineName, typer.Option(help="Engine that reads or writes a URI or table.", envvar="ALLIANCE_ENGINE")
    ] = EngineName.duckdb,
) -> None:
    """Rank CCGs for the lung health check programme by lung cancer survival (or a proxy such as the
    share of lung cancers found at stage 1 or 2), lowest first, and mark the first CHOOSE as chosen.
    With --published, SURVIVAL is the published "Index of cancer survival for Clinical Commissioning
    Groups in England" table (ONS/PHE, release 29 November 2019) and CCGs are ranked by one-year
    age-sex-standardised lung cancer survival of one diagnosis year; the other rows of the table are
    counted and left out. OUTPUT columns: rank, ccg_code, name, alliance_code, value, chosen. A CCG code
    that is not a 2018/19 CCG, a CCG given twice or a value that is not a number exits with code 2
    naming the row.

    Example: alliance lung target ccg_survival_index.csv --published --choose 14 -o targeted.csv
    """
    import csv
    import io

    from cancer_alliance.engine.io import read_csv_text
    from cancer_alliance.lung.survival import VALUE, load_profile, read_survival
    from cancer_alliance.lung.targeting import rank_ccgs

    stderr = Console(stderr=True)
    try:
        where = output_location(output)
        if published:
            table = read_survival(survival, load_profile(profile) if profile else None, year, engine)
            ranked = rank_ccgs(
                table.rows,
                choose=choose,
                value=VALUE,
                version=table.profile.ccg_version,
                source=str(survival),
            )
            _print(
                stderr,
                f"{table.rows_in:,} rows read: {table.rows_selected:,} one-year lung survival by CCG, "
                f"{table.rows_other:,} other estimates; diagnosis year {table.diagnosis_year} "
                f"(release {table.profile.release})",
            )
        else:
            rows = list(csv.DictReader(io.StringIO(read_csv_text(survival, engine), newline="")))
            ranked = rank_ccgs(rows, choose=choose, value=value, source=survival)
        write_export(engine, [asdict(c) for c in ranked], RANKED_COLUMNS, where)
    except InputError as error:
        _print(stderr, f"Error: {error}")
        raise typer.Exit(EXIT_UNPROCESSABLE) from None
    _print(stderr, f"{len(ranked)} CCGs ranked, {sum(c.chosen for c in ranked)} chosen, written to {where}")


@app.command()
def programme(
    output: Annotated[str, output_option("Metrics")],
    by: Annotated[
        str, typer.Option("--by", help="Comma-separated: alliance, ccg, trust, month.")
    ] = "alliance",
    public: Annotated[
        bool,
        typer.Option(
            "--public",
            help="The public pages' table: --by alliance or ccg only, counts 1-7 withheld, the rest rounded "
            "to 5, and the complements that stop differencing (other groupings refused, exit 2).",
        ),
    ] = False,
    engine: Annotated[
        EngineName, typer.Option(help="Engine that runs the rules.", envvar="ALLIANCE_ENGINE")
    ] = EngineName.duckdb,
) -> None:
    """Lung health check programme metrics from the lake's lung_health_check table (import it first
    with `alliance ingest`), the uptake from its lung_health_check_invitation table (no data without
    it): journey counts (attended, eligible, LDCT scans, findings, nodule follow-up,
    referrals, cancers and their stage, smoking cessation referrals) and rates with Wilson 95%
    intervals (uptake, eligibility, LDCT among eligible, findings, referrals, cancer detection,
    early-stage share, cessation), by alliance, CCG, trust or month. With --public, exactly the table
    the public pages publish (by alliance or by CCG; docs/decisions/0054).

    Example: alliance lung programme --by ccg -o lung_by_ccg.csv
    """
    from cancer_alliance.lung.programme import GROUPS
    from cancer_alliance.lung.programme_files import programme_file
    from cancer_alliance.lung.published import NotPublished

    stderr = Console(stderr=True)
    groups = [name.strip() for name in by.split(",") if name.strip()]
    unknown = [name for name in groups if name not in GROUPS]
    if unknown:
        _print(stderr, f"Error: --by {unknown[0]}: choose from {', '.join(GROUPS)}")
        raise typer.Exit(EXIT_UNPROCESSABLE)
    try:
        rows = programme_file(output, groups, public=public, engine=engine)
    except (InputError, NotPublished) as error:
        _print(stderr, f"Error: {error}")
        raise typer.Exit(EXIT_UNPROCESSABLE) from None
    _print(stderr, f"{rows:,} rows of lung programme metrics written to {output}")
