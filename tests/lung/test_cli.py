"""`alliance lung risk --model MODEL INPUT -o OUTPUT` end to end (issue #10 item 2, "Done when"):
every worked example of the spec through the CLI, output = the input's columns + `risk`, CSV and
Parquet, and bad input exits with code 2 naming the row and field."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cancer_alliance.cli import (
    app,
    commands,  # noqa: F401  (registers the lung commands)
)
from cancer_alliance.lung.inputs import input_columns

from .cases import ALL, REFERENCE, row

pytestmark = pytest.mark.cli

MODELS = sorted({case.model for case in ALL})


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for values in rows:
            writer.writerow(
                {
                    name: ""
                    if values.get(name) is None
                    else repr(values[name])
                    if isinstance(values.get(name), float)
                    else values.get(name)
                    for name in columns
                }
            )
    return path


def run(*args: str):
    return CliRunner().invoke(app, ["lung", "risk", *args])


@pytest.mark.parametrize("model", MODELS)
def test_cli_reproduces_every_worked_example_of_the_model(model, tmp_path):
    cases = [case for case in ALL if case.model == model]
    columns = [*input_columns(model), "note"]
    source = write_csv(tmp_path / "in.csv", columns, [{**row(case), "note": case.id} for case in cases])
    result = run("--model", model, str(source), "-o", str(tmp_path / "out.csv"))
    assert result.exit_code == 0, result.output
    with (tmp_path / "out.csv").open(encoding="utf-8") as handle:
        out = list(csv.DictReader(handle))
        assert list(out[0]) == [*columns, "risk"]
    assert [line["note"] for line in out] == [case.id for case in cases]
    for case, line in zip(cases, out, strict=True):
        assert float(line["risk"]) == pytest.approx(case.expected, abs=case.tolerance), case.source


def test_parquet_in_parquet_out_keeps_types_and_records_the_model(tmp_path):
    rows = [row(case) for case in ALL if case.model == "plcom2012"]
    table = pa.Table.from_pylist(rows).append_column("extra", pa.array(range(len(rows))))
    pq.write_table(table, tmp_path / "in.parquet")
    result = run(
        "--model",
        "plcom2012",
        str(tmp_path / "in.parquet"),
        "-o",
        str(tmp_path / "out.parquet"),
        "--with-provenance",
    )
    assert result.exit_code == 0, result.output
    out = pq.read_table(tmp_path / "out.parquet")
    assert out.column_names == [*table.column_names, "risk", "model_version", "coefficient_source"]
    assert out.select(table.column_names).equals(table)
    assert set(out.column("model_version").to_pylist()) == {"PLCOm2012"}
    assert out.schema.metadata[b"model_version"] == b"PLCOm2012"
    assert b"N Engl J Med 2013" in out.schema.metadata[b"coefficient_source"]


def test_norace_ignores_race_and_may_go_without_it(tmp_path):
    columns = input_columns("plcom2012_norace")
    assert "race" not in columns
    source = write_csv(tmp_path / "in.csv", columns, [{"person_id": "a", **REFERENCE}])
    assert run("--model", "plcom2012_norace", str(source), "-o", str(tmp_path / "o.csv")).exit_code == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"smoking_status": "never"}, "row 2, smoking_status: must be one of current, former"),
        ({"cigarettes_per_day": 0}, "row 2, cigarettes_per_day: must be more than 0"),
        ({"cigarettes_per_day": "ten"}, "row 2, cigarettes_per_day: not a number"),
        ({"bmi": None}, "row 2, bmi: missing"),
        ({"race": "british"}, "row 2, race: must be one of white"),
        ({"smoking_status": "current"}, "row 2, years_since_quit: must be 0 for a current smoker"),
    ],
)
def test_bad_input_exits_2_naming_file_row_and_field(tmp_path, change, message):
    columns = input_columns("plcom2012")
    rows = [{"person_id": "a", **REFERENCE}, {"person_id": "b", **REFERENCE, **change}]
    source = write_csv(tmp_path / "in.csv", columns, rows)
    result = run("--model", "plcom2012", str(source), "-o", str(tmp_path / "out.csv"))
    assert result.exit_code == 2
    assert f"{source} {message}" in " ".join(result.output.split())
    assert not (tmp_path / "out.csv").exists()


def test_missing_columns_and_unknown_model_are_refused(tmp_path):
    source = write_csv(tmp_path / "in.csv", ["person_id", "age"], [{"person_id": "a", "age": 60}])
    result = run("--model", "llp_v2", str(source), "-o", str(tmp_path / "out.csv"))
    assert result.exit_code == 2
    assert "missing columns for llp_v2: sex, smoking_duration_years" in " ".join(result.output.split())
    assert run("--model", "bach", str(source), "-o", str(tmp_path / "out.csv")).exit_code == 2


def test_brock_2a_only_behind_its_flag_and_never_for_non_solid_nodules(tmp_path):
    case = next(case for case in ALL if case.model == "brock")
    columns = input_columns("brock")
    rows = [row(case), {**row(case, 1), "nodule_type": "non_solid"}]
    source = write_csv(tmp_path / "in.csv", columns, rows)
    result = run(
        "--model", "brock", "--brock-2a-unresolved-coefficient", str(source), "-o", str(tmp_path / "o.csv")
    )
    assert result.exit_code == 2
    assert "row 2, nodule_type: the Brock Model 2a non-solid coefficient is unresolved" in " ".join(
        result.output.split()
    )
    result = run(
        "--model",
        "plcom2012",
        "--brock-2a-unresolved-coefficient",
        str(source),
        "-o",
        str(tmp_path / "o.csv"),
    )
    assert result.exit_code == 2
