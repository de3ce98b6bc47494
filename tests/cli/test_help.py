"""Every `alliance` command explains itself: `--help` works and the help carries an example
(issue 2 item 1; style guide §4, "Documentation is tested")."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from cancer_alliance.cli import (
    app,
    commands,  # noqa: F401  (registers the commands on app)
)

pytestmark = pytest.mark.cli


def command_paths() -> list[tuple[str, ...]]:
    """Every leaf command as its words, e.g. ('cwt', 'evaluate')."""
    paths = []

    def walk(command, words: tuple[str, ...]) -> None:
        if hasattr(command, "commands"):  # a group (Typer ships its own click)
            for name, sub in command.commands.items():
                walk(sub, (*words, name))
        else:
            paths.append(words)

    walk(typer.main.get_command(app), ())
    return paths


def test_the_platform_has_its_commands():
    words = {path[0] for path in command_paths()}
    assert {"ingest", "reference", "cwt", "synth", "users", "demo"} <= words


@pytest.mark.parametrize("path", command_paths(), ids=" ".join)
def test_command_help_has_an_example(path):
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output
