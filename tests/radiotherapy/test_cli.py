"""`alliance radiotherapy compliance` end to end: CSV files in, exactly the issue's columns out (then the
Wilson interval), a hand-worked case, and bad input refused with file, row and field (exit code 2)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cancer_alliance.cli import (
    app,
    commands,  # noqa: F401  (registers the radiotherapy commands)
)

pytestmark = pytest.mark.cli

ISSUE_COLUMNS = [
    "level",
    "code",
    "requirement_id",
    "numerator",
    "denominator",
    "value",
    "threshold",
    "status",
]
NHS_NUMBER = "9434765919"  # valid by modulus 11, in the range reserved for testing
COURSES = [
    [
        "course_id",
        "nhs_number",
        "provider_code",
        "age",
        "icd10",
        "intent",
        "technique",
        "start_date",
        "prescribed_dose_gy",
        "fractions",
    ],
    ["c1", NHS_NUMBER, "RM1", "60", "C50.9", "radical", "imrt", "2019-03-01", "26", "5"],
    ["c2", NHS_NUMBER, "RM1", "61", "C50.9", "radical", "conventional", "2019-03-02", "40", "15"],
    ["c3", NHS_NUMBER, "RM1", "70", "C61", "radical", "imrt", "2019-03-03", "60", "20"],
    ["c4", NHS_NUMBER, "RGT", "70", "C61", "radical", "conventional", "2019-03-04", "74", "37"],
]
LINACS = [
    [
        "linac_id",
        "provider_code",
        "commissioned_date",
        "last_upgrade_date",
        "decommissioned_date",
        "delivers_imrt",
        "delivers_igrt",
        "delivers_sabr",
    ],
    ["RM1-1", "RM1", "2009-04-01", "", "", "true", "true", "true"],
    ["RM1-2", "RM1", "2009-03-31", "2016-01-01", "", "true", "true", "false"],
    ["RGT-1", "RGT", "2015-01-01", "", "", "true", "false", "false"],
]


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def run(tmp_path: Path, courses: list[list[str]] = COURSES, linacs: list[list[str]] = LINACS, *extra: str):
    out = tmp_path / "compliance.csv"
    result = CliRunner().invoke(
        app,
        [
            "radiotherapy",
            "compliance",
            "--courses",
            str(write(tmp_path / "courses.csv", courses)),
            "--linacs",
            str(write(tmp_path / "linacs.csv", linacs)),
            "-o",
            str(out),
            *extra,
        ],
    )
    return result, out


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_writes_the_issue_columns_and_the_hand_worked_rows(tmp_path):
    """As of 2019-04-01: RM1 has two in-service linacs, one
    exactly 10 years old and one 10 years and a day (1 replacement due); RM1-1 was never upgraded (due),
    RM1-2 upgraded in 2016 (not). Neither hypofractionation check is in force yet. East of England (RTN06)
    sums RM1 and RGT: IMRT share 2 of 4, IGRT on 2 linacs, SABR on 1."""
    result, out = run(tmp_path, COURSES, LINACS, "--as-of", "2019-04-01")
    assert result.exit_code == 0, result.output
    assert "as of 2019-04-01" in result.output
    with out.open(encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == [*ISSUE_COLUMNS, "ci_lower", "ci_upper"]
    found = {(r["level"], r["code"], r["requirement_id"]): r for r in rows(out)}
    expect = {
        ("provider", "RM1", "one_network"): ("1", "", "met"),
        ("provider", "RM1", "linac_replacement_due"): ("1", "2", "not_met"),
        ("provider", "RM1", "linac_upgrade_due"): ("1", "2", "not_met"),
        ("provider", "RGT", "linac_replacement_due"): ("0", "1", "met"),
        ("provider", "RM1", "imrt_share"): ("2", "3", "met"),
        ("network", "RTN06", "one_lead_provider"): ("1", "", "met"),
        ("network", "RTN06", "imrt_share"): ("2", "4", "met"),
        ("network", "RTN06", "network_igrt"): ("2", "3", "met"),
        ("network", "RTN06", "network_sabr"): ("1", "3", "met"),
        ("network", "RTN06", "rt_31d_first"): ("0", "0", "no_data"),
        ("network", "RTN01", "network_sabr"): ("0", "0", "no_data"),
    }
    for key, (numerator, denominator, status) in expect.items():
        row = found[key]
        assert (float(row["numerator"]), row["denominator"] and float(row["denominator"]), row["status"]) == (
            float(numerator),
            denominator and float(denominator),
            status,
        ), key
    assert not {"hypofractionation_breast", "hypofractionation_prostate"} & {
        r["requirement_id"] for r in rows(out)
    }
    imrt = found[("network", "RTN06", "imrt_share")]
    assert float(imrt["ci_lower"]) == pytest.approx(0.15003898915214947)
    assert float(imrt["ci_upper"]) == pytest.approx(0.8499610108478505)
    assert found[("provider", "RM1", "one_network")]["ci_lower"] == ""


def test_by_default_the_day_after_the_last_course_and_before_the_networks_nothing_is_in_force(tmp_path):
    result, out = run(tmp_path)
    assert result.exit_code == 0, result.output
    assert "0 rows as of 2019-03-05" in result.output
    assert "no requirement is in force" in result.output
    assert rows(out) == []


def test_as_of_chooses_the_day(tmp_path):
    result, out = run(tmp_path, COURSES, LINACS, "--as-of", "2024-04-01")
    assert result.exit_code == 0, result.output
    breast = [r for r in rows(out) if r["requirement_id"] == "hypofractionation_breast"]
    assert {r["status"] for r in breast} == {"no_data"}  # in force, but no course in the period


@pytest.mark.parametrize(
    ("table", "row", "column", "value", "message"),
    [
        ("courses", 2, "start_date", "2019-02-30", "courses.csv row 2, start_date: no such date"),
        ("courses", 1, "intent", "curative", "courses.csv row 1, intent: not a code"),
        ("linacs", 3, "delivers_sabr", "maybe", "linacs.csv row 3, delivers_sabr: not true or false"),
        ("linacs", 2, "commissioned_date", "", "linacs.csv row 2, commissioned_date: missing required field"),
    ],
)
def test_a_bad_value_names_the_file_row_and_field(tmp_path, table, row, column, value, message):
    courses, linacs = [list(r) for r in COURSES], [list(r) for r in LINACS]
    data = courses if table == "courses" else linacs
    data[row][data[0].index(column)] = value
    result, out = run(tmp_path, courses, linacs)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert value == "" or value not in result.output.replace(message, "")
    assert not out.exists()


def test_a_repeated_column_and_a_bad_as_of_are_refused(tmp_path):
    first = LINACS[0][0]
    result, _ = run(tmp_path, COURSES, [[*LINACS[0], first], *[[*r, r[0]] for r in LINACS[1:]]])
    assert result.exit_code == 2
    assert f"repeated columns: {first}" in " ".join(result.output.split())
    result, _ = run(tmp_path, COURSES, LINACS, "--as-of", "April")
    assert result.exit_code == 2
