"""`alliance reference ...` commands (thin shell over cancer_alliance.reference)."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from cancer_alliance.cli import app
from cancer_alliance.cli import reference as reference_cli

pytestmark = pytest.mark.cli
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, ["reference", *args], terminal_width=200)


@pytest.fixture(autouse=True, scope="module")
def registered():
    from cancer_alliance.cli import _register

    _register()


def test_alliances_prints_the_19_of_2018_19():
    result = invoke("alliances")
    assert result.exit_code == 0, result.output
    assert "Cancer Alliances 2018/19 (19)" in result.output
    assert "E56000017" in result.output and "Northern" in result.output


def test_alliances_of_a_later_vintage():
    result = invoke("alliances", "--version", "2024/25")
    assert result.exit_code == 0 and "(20)" in result.output


def test_unknown_version_is_a_usage_error_naming_the_known_ones():
    result = invoke("alliances", "--version", "2019/20")
    assert result.exit_code == 2
    assert "2021/22" in result.output


def test_trusts_of_one_alliance():
    result = invoke("trusts", "--alliance", "E56000016")
    assert result.exit_code == 0, result.output
    assert "R1F" in result.output and "Isle of Wight" in result.output
    assert "E56000017" not in result.output


def test_trusts_of_an_alliance_with_none_is_an_error():
    assert invoke("trusts", "--alliance", "E99999999").exit_code == 2


def test_codes_shows_a_list_with_leading_zeros():
    result = invoke("codes", "treatment_modality")
    assert result.exit_code == 0, result.output
    assert "98" in result.output and "All treatment declined" in result.output and "01" in result.output


def test_codes_without_a_name_lists_the_names():
    result = invoke("codes")
    assert result.exit_code == 0 and "priority_type" in result.output.split()


def test_unknown_code_list_is_a_usage_error():
    result = invoke("codes", "nope")
    assert result.exit_code == 2 and "priority_type" in result.output


def test_standards_shows_dated_thresholds():
    result = invoke("standards", "--framework", "fds")
    assert result.exit_code == 0, result.output
    assert "75%" in result.output and "80%" in result.output and "2026-03-01" in result.output
    assert "62d_usc" not in result.output


def test_standards_without_a_threshold_say_so():
    result = invoke("standards", "--framework", "2018")
    assert "62d_upgrade" in result.output and "none set" in result.output


def test_every_reference_command_has_help_with_an_example():
    group = typer.main.get_command(reference_cli.app)
    for name, command in group.commands.items():
        assert "Example: alliance reference" in (command.help or ""), name
        assert invoke(name, "--help").exit_code == 0
