"""Lung health check targeting by one-year lung cancer survival read from the published table's layout
(decision 0032). The fixture's values are made up (tests/lung/data/README.md)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cancer_alliance.cli import (
    app,
    commands,  # noqa: F401  (registers the lung commands)
)
from cancer_alliance.errors import InputError
from cancer_alliance.lung.survival import VALUE, load_profile, read_survival
from cancer_alliance.lung.targeting import rank_ccgs

MADE_UP = Path(__file__).parent / "data" / "survival_index_made_up.csv"


def test_the_latest_year_of_one_year_lung_survival_by_ccg_is_selected_and_every_row_counted():
    table = read_survival(MADE_UP)
    assert table.diagnosis_year == 2017
    assert (table.rows_in, table.rows_selected, table.rows_other) == (10, 6, 4)
    assert table.rows_in == table.rows_selected + table.rows_other
    assert {row["ccg_code"]: row[VALUE] for row in table.rows} == {
        "E38000001": 41.0,
        "E38000002": 33.5,
        "E38000004": 33.5,
        "E38000005": 50.0,
    }
    assert table.profile.release == "2019-11-29" and table.profile.ccg_version == "2018/19"


def test_ccgs_are_ranked_lowest_survival_first_ties_by_code():
    table = read_survival(MADE_UP)
    ranked = rank_ccgs(table.rows, choose=2, value=VALUE)
    assert [(c.rank, c.ccg_code, c.value, c.chosen) for c in ranked] == [
        (1, "E38000002", 33.5, True),
        (2, "E38000004", 33.5, True),
        (3, "E38000001", 41.0, False),
        (4, "E38000005", 50.0, False),
    ]


def test_an_earlier_diagnosis_year_on_request():
    table = read_survival(MADE_UP, diagnosis_year=2016)
    assert sorted((row["ccg_code"], row[VALUE]) for row in table.rows) == [
        ("E38000001", 30.5),
        ("E38000002", 45.0),
    ]


def _write(tmp_path: Path, replace: tuple[str, str] | None = None, drop: str | None = None) -> Path:
    lines = MADE_UP.read_text(encoding="utf-8").splitlines()
    if replace:
        lines = [line.replace(*replace) for line in lines]
    if drop:
        header = lines[0].split(",")
        index = header.index(drop)
        lines = [",".join(cell for i, cell in enumerate(line.split(",")) if i != index) for line in lines]
    path = tmp_path / "survival.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("replace", "message"),
    [
        (("Lung,Persons,1,2017,33.5,", "Lung,Persons,1,2017,n/a,"), "row 4, Net survival (%): not a number"),
        (
            ("Lung,Persons,1,2017,50.0,", "Lung,Persons,1,2017,150,"),
            "row 6, Net survival (%): outside 0..100",
        ),
        (("E38000005", "E3800005"), "row 6, Geography code: does not match"),
        (("Lung,Persons,1,2017,33.5,27.5", "Lung,Persons,1,2017,,27.5"), "row 5, Net survival (%): missing"),
        (("E38000004", "E38000002"), "row 5, Geography code: CCG given twice for 2017"),
    ],
)
def test_a_bad_selected_row_names_the_file_row_and_published_column(tmp_path, replace, message):
    path = _write(tmp_path, replace)
    with pytest.raises(InputError, match=re.escape(message)) as error:
        read_survival(path)
    assert str(path) in str(error.value)


def test_a_file_without_the_published_columns_is_refused(tmp_path):
    with pytest.raises(InputError, match=r"missing column\(s\) Cancer site of the published layout"):
        read_survival(_write(tmp_path, drop="Cancer site"))


def test_a_profile_must_map_the_required_columns(tmp_path):
    profile = tmp_path / "profile.toml"
    profile.write_text('[columns]\nccg_code = "Code"\nsurvival = "S"\n', encoding="utf-8")
    with pytest.raises(InputError, match="not columns of ccg_lung_survival: survival; required columns not"):
        load_profile(profile)


def test_the_cli_ranks_the_published_table_and_reports_what_it_read(tmp_path):
    output = tmp_path / "targeted.csv"
    result = CliRunner().invoke(
        app, ["lung", "target", str(MADE_UP), "--published", "--choose", "1", "-o", str(output)]
    )
    assert result.exit_code == 0, result.output
    text = " ".join(result.stderr.split())
    assert "10 rows read: 6 one-year lung survival by CCG, 4 other estimates; diagnosis year 2017" in text
    with output.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["rank"], r["ccg_code"], r["value"], r["chosen"]) for r in rows] == [
        ("1", "E38000002", "33.5", "True"),
        ("2", "E38000004", "33.5", "False"),
        ("3", "E38000001", "41.0", "False"),
        ("4", "E38000005", "50.0", "False"),
    ]
