"""The outputs of `fit metrics`, `pathways evaluate`, `lung risk` and `radiotherapy compliance` on Spark
(local): a `file://` Parquet URI and a catalogue table hold DuckDB's rows, a `file://` CSV URI is a folder
with one part file, and Spark's error is one line with exit code 1 (docs/spark.md, issue 24). DuckDB's
refusal of a URI or table is in `test_locations.py`, with the other commands'."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.fit.test_cli import write as write_episodes
from tests.lung.cases import ALL, row
from tests.lung.test_cli import write_csv as write_people
from tests.lung.test_survival import MADE_UP
from tests.pathways.conftest import TEST_KEY, event, write_events
from tests.radiotherapy.test_cli import COURSES, LINACS
from tests.radiotherapy.test_cli import write as write_rows
from typer.testing import CliRunner

from cancer_alliance.cli import (
    app,
    commands,  # noqa: F401  (registers the commands)
)
from cancer_alliance.engine import open_engine
from cancer_alliance.engine.spark import failure_message
from cancer_alliance.lung.inputs import input_columns

pytestmark = [pytest.mark.cli, pytest.mark.spark]

DATABASE = "issue24"


def fit_metrics(folder: Path) -> list[str]:
    return ["fit", "metrics", str(write_episodes(folder / "episodes.csv")), "--by", "ccg_code"]


def pathways_evaluate(folder: Path) -> list[str]:
    events = [
        event("p1", "referral_received", "2020-03-02"),
        event("p1", "ct", "2020-03-06"),
        event("p2", "referral_received", "2020-03-10", tumour="prostate"),
        event("p2", "mpmri", "2020-02-30", tumour="prostate"),  # not a date: rejected by row
    ]
    return ["pathways", "evaluate", str(write_events(folder / "events.csv", events)), "--as-of", "2020-04-30"]


def lung_risk(folder: Path) -> list[str]:
    cases = [case for case in ALL if case.model == "plcom2012"][:2]
    columns = input_columns("plcom2012")
    people = write_people(folder / "people.csv", columns, [row(case, n) for n, case in enumerate(cases)])
    return ["lung", "risk", "--model", "plcom2012", str(people)]


def radiotherapy_compliance(folder: Path) -> list[str]:
    courses, linacs = write_rows(folder / "courses.csv", COURSES), write_rows(folder / "linacs.csv", LINACS)
    return [
        "radiotherapy",
        "compliance",
        "--courses",
        str(courses),
        "--linacs",
        str(linacs),
        "--as-of",
        "2019-04-01",
    ]


COMMANDS: dict[str, Callable[[Path], list[str]]] = {
    "fit_metrics": fit_metrics,
    "pathways_evaluate": pathways_evaluate,
    "lung_risk": lung_risk,
    "radiotherapy_compliance": radiotherapy_compliance,
}


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A catalogue database in the test's temporary folder (the session's warehouse is the working
    directory's), dropped afterwards."""
    spark = open_engine("spark").session
    folder = tmp_path_factory.mktemp("catalogue")
    spark.sql(f"CREATE DATABASE {DATABASE} LOCATION 'file://{folder}'")
    yield DATABASE
    spark.sql(f"DROP DATABASE {DATABASE} CASCADE")


def rows(table: pa.Table) -> list[tuple[str, ...]]:
    """Rows in a stable order whatever order the engine wrote them in."""
    return sorted(tuple(map(repr, r.values())) for r in table.to_pylist())


@pytest.mark.parametrize("name", list(COMMANDS))
def test_on_spark_the_output_is_a_file_uri_or_a_table_holding_duckdbs_rows(
    name, tmp_path, monkeypatch, database
):
    monkeypatch.setenv("ALLIANCE_PSEUDONYM_KEY", TEST_KEY)  # pathways pseudonymise as at ingest
    args = COMMANDS[name](tmp_path)

    def alliance(output: str, engine: str = "spark"):
        return CliRunner().invoke(app, [*args, "-o", output, "--engine", engine])

    local = alliance(str(tmp_path / "duckdb.parquet"), "duckdb")
    assert local.exit_code == 0, local.output
    expected = rows(pq.read_table(tmp_path / "duckdb.parquet"))

    parquet = alliance(f"file://{tmp_path}/spark/{name}.parquet")
    assert parquet.exit_code == 0, parquet.output
    assert rows(pq.read_table(tmp_path / "spark" / f"{name}.parquet")) == expected

    written = alliance(f"file://{tmp_path}/spark/{name}.csv")
    assert written.exit_code == 0, written.output
    (part,) = (tmp_path / "spark" / f"{name}.csv").glob("part-*.csv")
    with part.open(encoding="utf-8") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == pq.read_schema(tmp_path / "duckdb.parquet").names and len(lines) == len(expected) + 1

    saved = alliance(f"{database}.{name}")
    assert saved.exit_code == 0, saved.output
    assert rows(open_engine("spark").session.table(f"{database}.{name}").toArrow()) == expected
    if name == "pathways_evaluate":  # the rejections beside the output, as for cwt evaluate
        assert (tmp_path / "spark" / f"{name}.rejected.csv").is_dir()
        assert open_engine("spark").session.table(f"{database}.{name}_rejected").count() == 1

    failed = alliance("no_such_database.result")
    assert failed.exit_code == 1  # `alliance` (cli.main) prints Spark's error as this one line
    message = failure_message(failed.exception)
    assert message is not None and message.startswith("Spark: ") and "\n" not in message


def test_on_spark_side_files_and_definitions_are_uris_or_tables_read_as_local_files_are(tmp_path, database):
    """`pathways definitions` written to a `file://` CSV (a folder with one part file) and to a table reads
    back through `--definitions` as DuckDB's local file; `fit thresholds --capacity` as a `file://` URI
    gives the demand of the local file."""

    def alliance(*args: str, engine: str = "spark"):
        result = CliRunner().invoke(app, [*args, "--engine", engine])
        assert result.exit_code == 0, result.output

    alliance("pathways", "definitions", "-o", str(tmp_path / "duckdb.csv"), engine="duckdb")
    expected = (tmp_path / "duckdb.csv").read_text(encoding="utf-8")
    for place in (f"file://{tmp_path}/spark/definitions.csv", f"{database}.definitions"):
        alliance("pathways", "definitions", "-o", place)
        back = tmp_path / f"back-{place.split('.')[-1]}.csv"
        alliance("pathways", "definitions", "--definitions", place, "-o", str(back))
        assert back.read_text(encoding="utf-8") == expected, place

    capacity = tmp_path / "capacity.csv"
    capacity.write_text("screening_centre_code,month,slots\nRAA,2018-04,5\n", encoding="utf-8")
    episodes = str(write_episodes(tmp_path / "episodes.csv"))
    for source, demand in ((str(capacity), "local.parquet"), (f"file://{capacity}", "uri.parquet")):
        alliance("fit", "thresholds", episodes, "--capacity", source, "-o", str(tmp_path / "plan.csv"),
                 "--demand", str(tmp_path / demand))  # fmt: skip
    assert rows(pq.read_table(tmp_path / "uri.parquet")) == rows(pq.read_table(tmp_path / "local.parquet"))


def test_on_spark_lung_targets_survival_input_is_a_uri_read_as_the_local_file_is(tmp_path):
    """`lung target SURVIVAL` from a `file://` URI ranks as from the local file, the published layout
    and a plain survival table alike (issue 24: every input a path, a URI or a table)."""
    plain = tmp_path / "survival.csv"
    plain.write_text("ccg_code,survival\nE38000001,0.4\nE38000002,0.3\n", encoding="utf-8")
    for source, extra in ((MADE_UP, ["--published"]), (plain, [])):
        outputs = []
        for name, where in (("local", str(source)), ("uri", f"file://{source}")):
            output = tmp_path / f"{source.stem}-{name}.csv"
            args = ["lung", "target", where, *extra, "--choose", "1", "-o", str(output), "--engine", "spark"]
            result = CliRunner().invoke(app, args)
            assert result.exit_code == 0, result.output
            outputs.append(output.read_text(encoding="utf-8"))
        assert outputs[0] == outputs[1], source
        assert outputs[0].count("\n") > 2
