"""`alliance ingest TABLE FILE [--strict]` (issue 2, item 4): the last line is the summary;
exit 0 even with quarantined rows, 1 with --strict, 2 when the file cannot be processed."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cancer_alliance.cli import (
    app,
    commands,  # noqa: F401  (registers the ingest command)
)

from .conftest import CWT, record, write_csv

pytestmark = pytest.mark.cli

ROWS = [record(record_id="a"), record(record_id="b", priority_type="9")]


def run(*args: str):
    return CliRunner().invoke(app, ["ingest", *args])


def last_line(result) -> str:
    return result.stdout.strip().splitlines()[-1]


def test_quarantined_rows_are_not_a_failure(home, tmp_path):
    result = run("cwt", str(write_csv(tmp_path / "in.csv", ROWS)))
    assert result.exit_code == 0
    assert last_line(result) == "accepted=1 quarantined=1"
    assert "quarantine: " in result.stdout and "(1 problems in 1 rows)" in result.stdout


@pytest.mark.parametrize(("rows", "code"), [(ROWS, 1), (ROWS[:1], 0)])
def test_strict_fails_only_when_rows_are_quarantined(home, tmp_path, rows, code):
    result = run("cwt", str(write_csv(tmp_path / "in.csv", rows)), "--strict")
    assert result.exit_code == code
    assert last_line(result).startswith("accepted=")


def test_a_second_import_of_the_same_file_says_so(home, tmp_path):
    path = str(write_csv(tmp_path / "in.csv", ROWS))
    first = run("cwt", path)
    again = run("cwt", path)
    assert "already imported as snapshot" not in first.stdout
    assert f"{path}: already imported as snapshot " in again.stdout and "nothing written" in again.stdout
    assert last_line(again) == last_line(first) == "accepted=1 quarantined=1"


def test_an_unprocessable_file_exits_2_naming_file_and_columns(home, tmp_path):
    columns = [c for c in CWT.column_names if c != "nhs_number"]
    path = write_csv(tmp_path / "in.csv", ROWS, columns)
    result = run("cwt", str(path))
    assert result.exit_code == 2
    assert "missing required columns: nhs_number" in result.stderr and str(path) in result.stderr
    assert "accepted=" not in result.stdout
    assert not home.exists()


def test_unknown_table_exits_2(home, tmp_path):
    result = run("tumours", str(write_csv(tmp_path / "in.csv", ROWS)))
    assert result.exit_code == 2 and "unknown table 'tumours'" in result.stderr


def test_help_names_the_tables_and_gives_an_example():
    result = CliRunner().invoke(app, ["ingest", "--help"])
    assert result.exit_code == 0
    assert "Example: alliance ingest cwt records.csv" in result.stdout and "cwt" in result.stdout


#: RGT is in East of England (E56000009), RTX in Lancashire and South Cumbria (reference trusts).
SCOPED = [
    record(
        record_id="east",
        provider_first_seen="RGT",
        provider_fds_end="RGT",
        accountable_investigating_provider="RGT",
        provider_treatment="RGT",
    ),
    record(
        record_id="lancs",
        provider_first_seen="RTX",
        provider_fds_end="RTX",
        accountable_investigating_provider="RTX",
        provider_treatment="RTX",
    ),
]


@pytest.mark.parametrize(
    ("options", "summary"),
    [
        ((), "accepted=2 quarantined=0"),
        (("--alliance", "E56000009"), "accepted=1 quarantined=1"),
        (("--trust", "RTX"), "accepted=1 quarantined=1"),
    ],
)
def test_alliance_and_trust_options_limit_the_rows_accepted(home, tmp_path, options, summary):
    result = run("cwt", str(write_csv(tmp_path / "in.csv", SCOPED)), *options)
    assert result.exit_code == 0
    assert last_line(result) == summary


@pytest.mark.parametrize(
    ("options", "code", "message"),
    [
        (("--alliance", "E99999999"), 2, "unknown alliance 'E99999999'"),
        (("--alliance", "E56000009", "--trust", "RGT"), 2, "not both"),
    ],
)
def test_a_bad_scope_is_refused_before_anything_is_written(home, tmp_path, options, code, message):
    result = run("cwt", str(write_csv(tmp_path / "in.csv", SCOPED)), *options)
    assert result.exit_code == code
    assert message in result.stderr
    assert not home.exists()
