"""`alliance synth generate` and `alliance synth check` (thin shells over the library)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cancer_alliance.cli import (
    app,
    commands,  # noqa: F401  (registers the commands on app)
)
from cancer_alliance.synth import FILES

pytestmark = pytest.mark.cli


def test_generate_writes_every_table_and_check_prints_each_standard(tmp_path):
    out = tmp_path / "year"
    runner = CliRunner()
    generated = runner.invoke(
        app, ["synth", "generate", "--year", "2018/19", "--scale", "0.005", "--seed", "3", "--out", str(out)]
    )
    assert generated.exit_code == 0, generated.output
    assert all((out / name).exists() for name, _ in FILES.values())
    assert json.loads((out / "metadata.json").read_text())["seed"] == 3
    checked = runner.invoke(app, ["synth", "check", str(out)])
    assert checked.exit_code == 0, checked.output
    for measure in (
        "2ww",
        "62d_usc",
        "62d_upgrade",
        "31d_sub_drug",
        "stage 1-2 of staged",
        "emergency presentation",
    ):
        assert measure in checked.output
    assert "999" not in checked.output  # no NHS numbers in output


def test_an_unknown_year_is_refused_with_a_message(tmp_path):
    result = CliRunner().invoke(app, ["synth", "generate", "--year", "2030/31", "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert "2030/31" in result.output and "2018/19" in result.output


def test_check_of_a_folder_without_generated_data_says_so(tmp_path):
    result = CliRunner().invoke(app, ["synth", "check", str(tmp_path)])
    assert result.exit_code != 0
    assert "metadata.json" in result.output


@pytest.mark.parametrize("command", ["generate", "check"])
def test_every_command_has_help_with_an_example(command):
    result = CliRunner().invoke(app, ["synth", command, "--help"])
    assert result.exit_code == 0 and "Example:" in result.output
