"""`alliance spc` end to end: files in, files out, errors naming file, row and field."""

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from cancer_alliance.cli import _register, app

pytestmark = pytest.mark.cli
_register()
runner = CliRunner()


def write_series(path, y, dates=True):
    x = (
        pd.date_range("2020-01-01", periods=len(y), freq="MS").strftime("%Y-%m-%d")
        if dates
        else range(len(y))
    )
    pd.DataFrame({"x": x, "y": y}).to_csv(path, index=False)


def test_writes_one_row_per_point_and_the_summary(tmp_path):
    write_series(tmp_path / "in.csv", [9, 11] * 12 + [30])
    result = runner.invoke(
        app,
        [
            "spc",
            str(tmp_path / "in.csv"),
            "-o",
            str(tmp_path / "out.csv"),
            "--target",
            "20",
            "--improvement-direction",
            "decrease",
            "--summary-json",
            str(tmp_path / "s.json"),
        ],
    )
    assert result.exit_code == 0, result.output
    out = pd.read_csv(tmp_path / "out.csv")
    assert list(out.columns) == ["x", "y", "mean", "lpl", "upl", "point_type"]
    assert out["x"].iloc[0] == "2020-01-01" and len(out) == 25
    assert json.loads((tmp_path / "s.json").read_text()) == {
        "variation_type": "special_cause_concern",
        "variation_icon": "concern_high",
        "assurance_type": "consistent_pass",
    }


def test_rebase_is_repeatable_and_parsed_like_x(tmp_path):
    write_series(tmp_path / "in.csv", [9, 11] * 12, dates=False)
    result = runner.invoke(
        app,
        [
            "spc",
            str(tmp_path / "in.csv"),
            "-o",
            str(tmp_path / "out.parquet"),
            "--rebase",
            "8",
            "--rebase",
            "16",
            "--no-screen-outliers",
            "--fix-after-n-points",
            "12",
        ],
    )
    assert result.exit_code == 0, result.output
    out = pd.read_parquet(tmp_path / "out.parquet")
    assert out["mean"].nunique() == 1 and len(out) == 24
    assert out["x"].tolist() == list(range(24))  # whole-number x stays whole


@pytest.mark.parametrize(
    ("rows", "args", "message"),
    [
        ("x,y\n2020-01-01,1\n2020-02-30,2\n", [], "in.csv row 2, x: not a date"),
        ("x,y\n1,1\n2,two\n", [], "in.csv row 2, y: not a number"),
        ("x,y\n1,1\n,2\n", [], "in.csv row 2, x: not a number like the first x"),
        ("x,y\n1,1\n1,2\n", [], "in.csv row 2, x: duplicate value 1"),
        ("x,z\n1,1\n", [], "column 'y' is missing"),
        ("x,y\n1,1\n2,2\n", ["--rebase", "3"], "rebase 3 is not one of the x values"),
        ("x,y\n1,1\n2,2\n", ["--fix-after-n-points", "5"], "12 or more"),
    ],
)
def test_bad_input_is_refused_with_file_row_and_field(tmp_path, rows, args, message):
    (tmp_path / "in.csv").write_text(rows)
    result = runner.invoke(app, ["spc", str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv"), *args])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
