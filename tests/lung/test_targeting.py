"""Targeting (issue #10 item 5): CCGs ranked by a supplied survival (or proxy) table, lowest first."""

from __future__ import annotations

import csv

import pytest
from typer.testing import CliRunner

from cancer_alliance.cli import (
    app,
    commands,  # noqa: F401  (registers the lung commands)
)
from cancer_alliance.errors import InputError
from cancer_alliance.lung.targeting import rank_ccgs

ROWS = [
    {"ccg_code": "E38000001", "survival": "0.41"},
    {"ccg_code": "E38000002", "survival": "0.35"},
    {"ccg_code": "E38000004", "survival": "0.35"},
    {"ccg_code": "E38000005", "survival": "0.50"},
]


def test_lowest_survival_first_ties_by_code_and_the_first_n_chosen():
    ranked = rank_ccgs(ROWS, choose=2)
    assert [(c.rank, c.ccg_code, c.chosen) for c in ranked] == [
        (1, "E38000002", True),
        (2, "E38000004", True),
        (3, "E38000001", False),
        (4, "E38000005", False),
    ]
    assert ranked[0].name == "NHS Ashford CCG" and ranked[0].alliance_code == "E56000011"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"ccg_code": "E38999999", "survival": "0.3"}, "row 5, ccg_code: not a CCG of 2018/19"),
        ({"ccg_code": "E38000001", "survival": "0.3"}, "row 5, ccg_code: given twice"),
        ({"ccg_code": "E38000006", "survival": "low"}, "row 5, survival: not a number"),
    ],
)
def test_bad_rows_are_refused_naming_the_row_and_field(row, message):
    with pytest.raises(InputError, match=message):
        rank_ccgs([*ROWS, row], choose=1)


@pytest.mark.cli
def test_the_cli_writes_the_ranking(tmp_path):
    source = tmp_path / "survival.csv"
    with source.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, ["ccg_code", "survival"])
        writer.writeheader()
        writer.writerows(ROWS)
    result = CliRunner().invoke(
        app, ["lung", "target", str(source), "--choose", "1", "-o", str(tmp_path / "o.csv")]
    )
    assert result.exit_code == 0, result.output
    with (tmp_path / "o.csv").open() as handle:
        out = list(csv.DictReader(handle))
    assert [(r["rank"], r["ccg_code"], r["chosen"]) for r in out[:2]] == [
        ("1", "E38000002", "True"),
        ("2", "E38000004", "False"),
    ]
    bad = CliRunner().invoke(
        app, ["lung", "target", str(tmp_path / "none.csv"), "--choose", "1", "-o", str(tmp_path / "x.csv")]
    )
    assert bad.exit_code == 2
