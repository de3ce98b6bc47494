"""`alliance cwt ptl INPUT --census DATE -o OUTPUT`: the PTL and its summaries next to it (CWT reporting
conventions [S1, S31])."""

from __future__ import annotations

import csv

import pytest
from typer.testing import CliRunner

from cancer_alliance.cwt.ptl import COLUMNS
from cancer_alliance.schemas import schema

RECORDS = [
    {
        "record_id": "open63",
        "priority_type": "3",
        "referral_type": "01",
        "referral_received_date": "2024-04-01",
        "provider_first_seen": "RA7",
    },
    {
        "record_id": "treated",
        "priority_type": "3",
        "referral_type": "01",
        "referral_received_date": "2024-04-01",
        "provider_first_seen": "RA7",
        "decision_to_treat_date": "2024-05-01",
        "treatment_start_date": "2024-05-10",
        "provider_treatment": "RA7",
        "treatment_event_type": "01",
        "treatment_modality": "23",
    },
]


def run_ptl(folder, output_name: str):
    """`alliance cwt ptl` over RECORDS (census 3 June 2024) into `folder / output_name`."""
    from cancer_alliance.cli import _register, app

    _register()
    source, output = folder / "records.csv", folder / output_name
    with source.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=schema("cwt").column_names)
        writer.writeheader()
        writer.writerows({"nhs_number": "0000000000", **row} for row in RECORDS)
    result = CliRunner().invoke(app, ["cwt", "ptl", str(source), "--census", "2024-06-03", "-o", str(output)])
    assert result.exit_code == 0, result.output
    return result, output


@pytest.mark.cli
def test_ptl_command_writes_the_list_and_its_summary(tmp_path):
    result, output = run_ptl(tmp_path, "ptl.csv")
    with output.open() as handle:
        listed = list(csv.DictReader(handle))
    assert list(listed[0]) == list(COLUMNS)
    assert [(r["record_id"], r["days_waited"], r["band"], r["over_62_backlog"]) for r in listed] == [
        ("open63", "63", "63-104", "true")
    ]
    with (tmp_path / "ptl.summary.csv").open() as handle:
        england = [r for r in csv.DictReader(handle) if r["breakdown"] == "england"]
    assert [(r["open_pathways"], r["over_62_backlog"], r["crossed_62_last_7_days"]) for r in england] == [
        ("1", "1", "1")
    ]
    assert "1 open pathways" in result.output


@pytest.mark.cli
def test_a_parquet_ptl_keeps_every_flag_boolean(tmp_path):
    """The flags are booleans in the file, as `cwt.ptl` computes them: written as text, "false" would
    read back as true in any tool that tests truth (the web's backlog once counted every pathway)."""
    import pyarrow.parquet as pq

    from cancer_alliance.cwt.ptl import CROSSING_DAYS, passed_column

    _, output = run_ptl(tmp_path, "ptl.parquet")
    table = pq.read_table(output)
    flags = ["over_62_backlog", "over_104", *(passed_column(mark) for mark in CROSSING_DAYS)]
    assert {flag: str(table.schema.field(flag).type) for flag in flags} == dict.fromkeys(flags, "bool")
    row = table.to_pylist()[0]
    assert (row["days_waited"], row[passed_column(62)], row[passed_column(28)]) == (63, True, False)
