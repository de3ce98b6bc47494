"""Input files: CSV and Parquet give the same snapshot; a file whose columns do not fit the
schema, or that is not valid CSV, cannot be processed (InputError naming the file and the
columns or line, nothing written). Issue 2, item 4."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cancer_alliance.errors import InputError
from cancer_alliance.ingest import ingest_file, snapshot_paths
from cancer_alliance.schemas import schema, table_names
from cancer_alliance.table_files import arrow_schema

from .conftest import BASELINE, CWT, read_quarantine, record, write_csv

ROWS = [
    record(record_id="a"),
    record(record_id="b", treatment_event_type="07"),
    record(record_id="c", nhs_number="1"),
]


def lake_rows(table: str = "cwt") -> list[dict]:
    [path] = snapshot_paths(table)
    return sorted(pq.read_table(path).to_pylist(), key=lambda row: row["record_id"])


def test_accepted_rows_have_the_storage_types(home, tmp_path):
    summary = ingest_file("cwt", write_csv(tmp_path / "in.csv", ROWS))
    assert (summary.accepted, summary.quarantined) == (2, 1)
    [path] = snapshot_paths("cwt")
    assert pq.read_schema(path).remove_metadata() == arrow_schema(CWT)
    row = lake_rows()[1]
    assert row["referral_received_date"] == dt.date(2019, 6, 3)
    assert row["treatment_event_type"] == "07"  # a code keeps its leading zero
    assert row["adjustment_first_seen_days"] == 0
    assert row["consultant_upgrade_date"] is None


def test_parquet_input_gives_the_same_snapshot_as_csv(home, tmp_path, monkeypatch):
    ingest_file("cwt", write_csv(tmp_path / "in.csv", ROWS))
    from_csv = lake_rows()
    table = pa.Table.from_pylist([{k: (v or None) for k, v in row.items()} for row in ROWS])
    pq.write_table(table, tmp_path / "in.parquet")
    monkeypatch.setenv("ALLIANCE_HOME", str(tmp_path / "second-home"))
    summary = ingest_file("cwt", tmp_path / "in.parquet")
    assert (summary.accepted, summary.quarantined) == (2, 1)
    assert lake_rows() == from_csv


def test_parquet_with_typed_columns_is_read_as_text_first(home, tmp_path):
    rows = [record(record_id="a"), record(record_id="b", treatment_start_date="2019-01-01")]
    table = pa.Table.from_pylist([{k: (v or None) for k, v in row.items()} for row in rows])
    dates = pa.array([dt.date.fromisoformat(row["treatment_start_date"]) for row in rows])
    table = table.set_column(
        table.schema.get_field_index("treatment_start_date"), "treatment_start_date", dates
    )
    days = pa.array([0, 0], pa.int64())
    table = table.set_column(
        table.schema.get_field_index("adjustment_treatment_days"), "adjustment_treatment_days", days
    )
    pq.write_table(table, tmp_path / "typed.parquet")
    summary = ingest_file("cwt", tmp_path / "typed.parquet")
    assert (summary.accepted, summary.quarantined) == (1, 1)  # b: treatment before referral


def test_missing_optional_columns_are_missing_values(home, tmp_path):
    columns = ["record_id", "nhs_number", "referral_received_date"]
    summary = ingest_file("cwt", write_csv(tmp_path / "few.csv", [BASELINE], columns))
    assert summary.accepted == 1
    [row] = lake_rows()
    assert row["treatment_start_date"] is None and row["priority_type"] is None


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        (
            [c for c in CWT.column_names if c != "nhs_number"],
            "missing required columns: nhs_number",
        ),
        (["record_id", "nhs_number", "record_id"], "repeated columns: record_id"),
        (["record_id", "nhs_number", "RECORD ID"], "repeated columns: RECORD ID, record_id"),
        (["Record_ID", "NHS No"], "missing required columns: nhs_number"),
    ],
)
def test_columns_that_do_not_fit_make_the_file_unprocessable(home, tmp_path, columns, message):
    path = tmp_path / "in.csv"
    path.write_text(",".join(columns) + "\n" + ",".join("x" for _ in columns) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="cannot ingest as table cwt") as error:
        ingest_file("cwt", path)
    assert str(path) in str(error.value) and message in str(error.value)
    assert not home.exists()  # nothing written, not even the key or the lake folder


def test_malformed_csv_names_the_line_without_its_values(home, tmp_path):
    path = write_csv(tmp_path / "in.csv", [BASELINE])
    with path.open("a", encoding="utf-8") as handle:
        handle.write("r9,9434765919,3\r\n")  # three fields where the header has 26
    with pytest.raises(InputError) as error:
        ingest_file("cwt", path)
    message = str(error.value)
    assert message.startswith(f"{path}: line 3 is not valid CSV")
    assert "9434765919" not in message
    assert snapshot_paths("cwt") == []


def test_a_line_break_inside_a_quoted_value_keeps_data_row_numbers(home, tmp_path):
    path = write_csv(
        tmp_path / "in.csv", [record(record_id="a"), record(record_id="b", provider_treatment="R\nAA")]
    )
    summary = ingest_file("cwt", path)
    assert (summary.accepted, summary.quarantined) == (1, 1)
    [line] = read_quarantine(summary.quarantine_path)
    assert (line["row_number"], line["field"], line["check"]) == (
        "2",
        "provider_treatment",
        "pattern_mismatch",
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", "", "the file is empty"),
        ("in.txt", "record_id,nhs_number\n", "unknown file type '.txt'"),
        ("broken.parquet", "not parquet", "not a readable Parquet file"),
    ],
)
def test_unreadable_files(home, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        ingest_file("cwt", path)


def test_a_header_that_is_not_utf8_is_refused(home, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("record_id,nhs_number,d\xe9partement\n".encode("latin-1"))
    with pytest.raises(InputError, match="cannot read the header"):
        ingest_file("cwt", path)


def test_a_parquet_column_that_cannot_be_text_is_refused(home, tmp_path):
    table = pa.table({"record_id": [{"a": 1}], "nhs_number": ["9434765919"]})
    pq.write_table(table, tmp_path / "nested.parquet")
    with pytest.raises(InputError, match="column record_id of type struct<a: int64> cannot be read as text"):
        ingest_file("cwt", tmp_path / "nested.parquet")


def test_missing_file_and_unknown_table(home, tmp_path):
    with pytest.raises(InputError, match="no such file"):
        ingest_file("cwt", tmp_path / "absent.csv")
    with pytest.raises(InputError, match="unknown table 'nope'"):
        ingest_file("nope", write_csv(tmp_path / "in.csv", [BASELINE]))


def test_header_only_gives_an_empty_snapshot(home, tmp_path):
    summary = ingest_file("cwt", write_csv(tmp_path / "in.csv", []))
    assert (summary.rows_in, summary.accepted, summary.quarantined, summary.quarantine_path) == (
        0,
        0,
        0,
        None,
    )
    assert lake_rows() == []


@pytest.mark.parametrize("table", table_names())
def test_every_canonical_table_is_ingested_from_its_schema(home, tmp_path, table):
    """Checks come from the schema alone: a row with only blanks fails exactly the required columns."""
    columns = schema(table).column_names
    path = tmp_path / f"{table}.csv"
    path.write_text(",".join(columns) + "\n" + "," * (len(columns) - 1) + "\n", encoding="utf-8")
    summary = ingest_file(table, path)
    assert (summary.rows_in, summary.accepted, summary.quarantined) == (1, 0, 1)
    got = {(line["field"], line["check"]) for line in read_quarantine(summary.quarantine_path)}
    assert got == {(c.name, "missing_required") for c in schema(table).columns if c.required}
