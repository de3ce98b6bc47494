"""`alliance cwt evaluate` end to end: worked examples through the CLI with exactly the documented
output columns (issue 3, "Done when"), the rejections file, typed CSV reading and its errors."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cancer_alliance.cli import (
    app,
    commands,  # noqa: F401  (registers the cwt commands)
)
from cancer_alliance.cwt import FACT_COLUMNS
from cancer_alliance.schemas import schema

pytestmark = pytest.mark.cli

CONTRACT = [
    "record_id",
    "measure",
    "route",
    "treatment_stage",
    "modality_group",
    "clock_start",
    "clock_stop",
    "days",
    "within",
    "reporting_month",
    "provider",
    "share",
    "allocation",
    "scenario",
]  # the facts contract in cwt/README.md

# E1 (2ww, seen day 15), E5 (FDS stopped by the DTT), E15 (IPT scenario 1), E25 (no accountable
# investigating provider: 50:50), and one record treated before its referral (rejected).
RECORDS = [
    {
        "record_id": "e1",
        "priority_type": "3",
        "source_of_referral": "03",
        "referral_type": "01",
        "referral_received_date": "2019-06-03",
        "date_first_seen": "2019-06-18",
        "provider_first_seen": "RA1",
    },
    {
        "record_id": "e5",
        "priority_type": "3",
        "source_of_referral": "03",
        "referral_type": "01",
        "referral_received_date": "2024-02-01",
        "decision_to_treat_date": "2024-02-20",
        "fds_end_date": "2024-03-05",
        "provider_fds_end": "RA1",
    },
    {
        "record_id": "e15",
        "priority_type": "3",
        "source_of_referral": "03",
        "referral_type": "01",
        "referral_received_date": "2019-04-01",
        "provider_first_seen": "RTA",
        "accountable_investigating_provider": "RTA",
        "transfer_to_treatment_date": "2019-05-01",
        "decision_to_treat_date": "2019-05-10",
        "treatment_start_date": "2019-05-23",
        "provider_treatment": "RTB",
        "treatment_event_type": "01",
        "treatment_modality": "23",
    },
    {
        "record_id": "e25",
        "priority_type": "3",
        "source_of_referral": "03",
        "referral_type": "01",
        "referral_received_date": "2019-04-01",
        "provider_first_seen": "RTA",
        "decision_to_treat_date": "2019-05-10",
        "treatment_start_date": "2019-06-10",
        "provider_treatment": "RTB",
        "treatment_event_type": "01",
        "treatment_modality": "23",
    },
    {
        "record_id": "bad",
        "priority_type": "3",
        "referral_received_date": "2019-04-01",
        "decision_to_treat_date": "2019-03-01",
        "treatment_start_date": "2019-03-10",
        "treatment_event_type": "01",
        "provider_treatment": "RTB",
    },
]
#: What "bad" loses: its FDS row (stopped by the decision to treat), its 31-day and its 62-day rows.
NONE_LOST = "2ww=0, fds=0, 31d=0, 62d=0"

EXPECTED = {
    ("e1", "2ww", "usc", "", "", "2019-06-03", "2019-06-18", "15", "false", "2019-06", "RA1", "1", "", ""),
    ("e5", "fds", "usc", "", "", "2024-02-01", "2024-02-20", "19", "true", "2024-02", "RA1", "1", "", ""),
    # stopped by the decision to treat, no FDS end provider: counts for the investigating provider
    ("e15", "fds", "usc", "", "", "2019-04-01", "2019-05-10", "39", "false", "2019-05", "RTA", "1", "", ""),
    (
        "e15",
        "31d",
        "",
        "first",
        "surgery",
        "2019-05-10",
        "2019-05-23",
        "13",
        "true",
        "2019-05",
        "RTB",
        "1",
        "",
        "",
    ),
    (
        "e15",
        "62d",
        "usc",
        "",
        "",
        "2019-04-01",
        "2019-05-23",
        "52",
        "true",
        "2019-05",
        "RTA",
        "0.5",
        "six_scenario",
        "1",
    ),
    (
        "e15",
        "62d",
        "usc",
        "",
        "",
        "2019-04-01",
        "2019-05-23",
        "52",
        "true",
        "2019-05",
        "RTB",
        "0.5",
        "six_scenario",
        "1",
    ),
    ("e25", "fds", "usc", "", "", "2019-04-01", "2019-05-10", "39", "false", "2019-05", "RTA", "1", "", ""),
    (
        "e25",
        "31d",
        "",
        "first",
        "surgery",
        "2019-05-10",
        "2019-06-10",
        "31",
        "true",
        "2019-06",
        "RTB",
        "1",
        "",
        "",
    ),
    (
        "e25",
        "62d",
        "usc",
        "",
        "",
        "2019-04-01",
        "2019-06-10",
        "70",
        "false",
        "2019-06",
        "RTA",
        "0.5",
        "fifty_fifty",
        "",
    ),
    (
        "e25",
        "62d",
        "usc",
        "",
        "",
        "2019-04-01",
        "2019-06-10",
        "70",
        "false",
        "2019-06",
        "RTB",
        "0.5",
        "fifty_fifty",
        "",
    ),
}


def write_records(path: Path, rows: list[dict[str, str]]) -> Path:
    names = schema("cwt").column_names
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=names)
        writer.writeheader()
        for row in rows:
            writer.writerow({"nhs_number": f"pseudonym-{row['record_id']}", **row})
    return path


def read_csv(path: Path) -> tuple[list[str], list[tuple[str, ...]]]:
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], [tuple(row) for row in rows[1:]]


def invoke(*args: str):
    return CliRunner().invoke(app, ["cwt", "evaluate", *args])


def test_worked_examples_through_the_cli_give_exactly_the_documented_columns(tmp_path):
    source = write_records(tmp_path / "records.csv", RECORDS)
    result = invoke(str(source), "-o", str(tmp_path / "facts.csv"))
    assert result.exit_code == 0, result.output
    header, rows = read_csv(tmp_path / "facts.csv")
    assert header == CONTRACT == list(FACT_COLUMNS)
    assert set(rows) == EXPECTED and len(rows) == len(EXPECTED)
    assert read_csv(tmp_path / "facts.rejected.csv") == (
        ["record_id", "reason", "measures"],
        [
            (  # the ingest check, run by evaluate too (one validation path, issue 20)
                "bad",
                "row 5, decision_to_treat_date: decision to treat before the referral was received "
                "(decision_to_treat_date is before referral_received_date); treatment_start_date: "
                "treatment before the referral was received (treatment_start_date is before "
                "referral_received_date)",
                "",  # refused by the file checks before the rules: no measures evaluated
            )
        ],
    )
    assert "rejected=1" in result.stderr
    assert "measures not counted: " + NONE_LOST in " ".join(
        result.stderr.split()
    )  # only the rules' rejections


def test_parquet_in_and_out_with_the_flag_column_on_request(tmp_path):
    csv_source = write_records(tmp_path / "records.csv", RECORDS)
    assert invoke(str(csv_source), "-o", str(tmp_path / "records.parquet")).exit_code == 0
    notransfer = dict(RECORDS[2], record_id="notransfer", transfer_to_treatment_date="")
    source = write_records(tmp_path / "more.csv", [notransfer])
    result = invoke(str(source), "-o", str(tmp_path / "facts.parquet"), "--with-flags")
    assert result.exit_code == 0, result.output
    table = pq.read_table(tmp_path / "facts.parquet")
    assert table.column_names == CONTRACT + ["transfer_date_missing"]
    shared = [row for row in table.to_pylist() if row["measure"] == "62d"]
    assert {(row["share"], row["allocation"], row["transfer_date_missing"]) for row in shared} == {
        (0.5, "fifty_fifty", True)
    }
    assert "1 records shared 50:50 because the transfer date is missing" in result.stderr


def test_a_bad_value_is_rejected_as_ingest_quarantines_it_naming_row_and_field_not_value(tmp_path):
    rows = [
        dict(RECORDS[0]),
        dict(RECORDS[1], decision_to_treat_date="2024-02-30"),
        dict(RECORDS[2], treatment_modality="ZZ"),  # once mapped silently to a modality group
    ]
    source = write_records(tmp_path / "records.csv", rows)
    result = invoke(str(source), "-o", str(tmp_path / "facts.csv"))
    assert result.exit_code == 0
    _, rejected = read_csv(tmp_path / "facts.rejected.csv")
    assert rejected == [
        ("e5", "row 2, decision_to_treat_date: no such date", ""),
        ("e15", "row 3, treatment_modality: not a code in the treatment_modality code list", ""),
    ]  # refused by the checks, so no measures were evaluated
    assert "2024-02-30" not in result.stderr
    _, facts = read_csv(tmp_path / "facts.csv")
    assert {row[0] for row in facts} == {"e1"}


def test_codes_keep_their_leading_zeros_when_read_from_csv(tmp_path):
    source = write_records(tmp_path / "records.csv", [RECORDS[2]])
    assert invoke(str(source), "-o", str(tmp_path / "facts.csv")).exit_code == 0
    _, rows = read_csv(tmp_path / "facts.csv")
    assert ("first", "surgery") in {(row[3], row[4]) for row in rows}  # event type '01', modality '23'


def test_help_has_an_example():
    result = CliRunner().invoke(app, ["cwt", "evaluate", "--help"])
    assert result.exit_code == 0 and "Example:" in result.output


@pytest.mark.spark
def test_the_spark_engine_writes_the_same_facts(tmp_path):
    source = write_records(tmp_path / "records.csv", RECORDS)
    result = invoke(str(source), "-o", str(tmp_path / "facts.csv"), "--engine", "spark")
    assert result.exit_code == 0, result.output
    assert set(read_csv(tmp_path / "facts.csv")[1]) == EXPECTED
