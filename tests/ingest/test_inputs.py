"""Every command's input goes through the one validation path (issue 20 item 3, issue 24; docs/decisions/
0027 and 0050): rows an engine read from a URI or table get the same checks, code lists and cross-field
checks as the same file read here, and the CWT report commands read through mapping profiles."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pytest
from typer.testing import CliRunner

from cancer_alliance.cli import app, commands  # noqa: F401  (registers the commands)
from cancer_alliance.ingest.source import TextInput
from cancer_alliance.ingest.validate import check_file

from .conftest import CWT, record
from .test_profiles import ROWS, national_rows, write

#: ROWS plus rows only the code lists and cross-field checks refuse (each passes the column's form).
CHECKED = [
    *ROWS,
    record(record_id="e", treatment_modality="99"),  # unknown code
    record(record_id="f", treatment_start_date="2019-06-30"),  # before the decision to treat
    record(record_id="g", referral_received_date=""),  # 2WW with a first-seen date: referral required
]


def as_engine_reads(path: Path) -> TextInput:
    """A CSV as Spark reads one (every column text, blank = null), named as a URI."""
    names = next(csv.reader(path.open(encoding="utf-8")))
    data = pa_csv.read_csv(
        path, convert_options=pa_csv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()))
    )
    return TextInput(f"file://{path}", data)


def test_rows_an_engine_read_get_every_check_a_file_gets(home, tmp_path):
    path = write(tmp_path / "records.csv", CHECKED, CWT.column_names)
    from_file, from_engine = check_file("cwt", path), check_file("cwt", as_engine_reads(path))
    assert from_engine.problems.equals(from_file.problems)
    assert from_engine.rows.equals(from_file.rows)
    refused = {(p["key"], p["check"]) for p in from_engine.problems.to_pylist()}
    assert {("d", "unknown_code"), ("e", "unknown_code"), ("f", "date_order")} <= refused
    assert "g" in {p["key"] for p in from_engine.problems.to_pylist()}
    assert from_engine.rows.num_rows + from_engine.rejected_rows == from_engine.rows_in == len(CHECKED)


@pytest.mark.cli
def test_cwt_performance_reads_the_national_item_names_through_a_profile(home, tmp_path):
    valid = ROWS[:3]  # the report commands stop at a bad row
    canonical = write(tmp_path / "canonical.csv", valid, CWT.column_names)
    rows, header = national_rows(valid)
    national = write(tmp_path / "national.csv", rows, header)
    runner = CliRunner()
    for source, out, extra in [
        (canonical, "canonical.csv", []),
        (national, "national.csv", ["--profile", "cwt-national"]),
        (national, "detected.csv", []),
    ]:
        args = ["cwt", "performance", str(source), "--by", "provider", "-o", str(tmp_path / "out" / out)]
        result = runner.invoke(app, [*args, *extra])
        assert result.exit_code == 0, result.output
    expected = (tmp_path / "out" / "canonical.csv").read_bytes()
    assert (tmp_path / "out" / "national.csv").read_bytes() == expected
    assert (tmp_path / "out" / "detected.csv").read_bytes() == expected
    refused = runner.invoke(app, ["cwt", "ptl", str(national), "--census", "2019-09-30", "-o",
                                  str(tmp_path / "p.csv"), "--profile", "scr"])  # fmt: skip
    assert refused.exit_code == 2 and "missing required columns" in refused.stderr, refused.stderr


@pytest.mark.cli
def test_radiotherapy_reads_its_cwt_records_through_a_profile(home, tmp_path):
    from tests.radiotherapy.test_cli import COURSES, LINACS, run

    teletherapy = [record(record_id=f"rt{i}", treatment_modality="05") for i in range(2)]
    rows, header = national_rows(teletherapy)
    national = write(tmp_path / "national.csv", rows, header)
    canonical = write(tmp_path / "canonical.csv", teletherapy, CWT.column_names)
    outputs = []
    for name, extra in [
        ("canonical", ["--cwt", str(canonical)]),
        ("profiled", ["--cwt", str(national), "--cwt-profile", "cwt-national"]),
        ("detected", ["--cwt", str(national)]),
    ]:
        (tmp_path / name).mkdir()
        result, out = run(tmp_path / name, COURSES, LINACS, "--as-of", "2019-09-01", *extra)
        assert result.exit_code == 0, result.output
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    refused, _ = run(tmp_path, COURSES, LINACS, "--cwt", str(national), "--cwt-profile", "scr")
    assert refused.exit_code == 2
