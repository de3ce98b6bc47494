"""`alliance ingest` wherever its source lives (issue #24, docs/decisions/0055): a catalogue table or a
URI Spark reads gives the snapshot and quarantine a local file gives; DuckDB refuses a table, naming it."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow.parquet as pq
import pytest
from tests.ingest.conftest import TEST_KEY, read_quarantine, record, write_csv
from typer.testing import CliRunner

from cancer_alliance.cli import (
    app,
    commands,  # noqa: F401  (registers the commands on app)
)
from cancer_alliance.engine import open_engine
from cancer_alliance.ingest.lake import read_manifest, snapshot_dirs

pytestmark = pytest.mark.cli

#: Two records, one of them with an NHS number failing the modulus 11 check (NHS Data Dictionary).
ROWS = [record(record_id="r1"), record(record_id="r2", nhs_number="9434765918")]
DATABASE = "ingest_sources"


@pytest.fixture
def keyed(monkeypatch, tmp_path):
    monkeypatch.setenv("ALLIANCE_PSEUDONYM_KEY", TEST_KEY)

    def home(name: str):
        monkeypatch.setenv("ALLIANCE_HOME", str(tmp_path / name))
        return tmp_path / name

    return home


def _ingest(*args: str):
    return CliRunner().invoke(app, ["ingest", "cwt", *args])


def _snapshot() -> tuple[list[dict], dict, list[dict]]:
    folder = snapshot_dirs("cwt")[-1]
    manifest = read_manifest(folder)
    rows = sorted(pq.read_table(folder / "part-0.parquet").to_pylist(), key=lambda row: row["record_id"])
    quarantine = read_quarantine(folder.parent.parent.parent / manifest["quarantine_file"])
    return rows, manifest, quarantine


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    spark = open_engine("spark").session
    folder = tmp_path_factory.mktemp("catalogue")
    spark.sql(f"CREATE DATABASE {DATABASE} LOCATION 'file://{folder}'")
    yield DATABASE
    spark.sql(f"DROP DATABASE {DATABASE} CASCADE")


@pytest.mark.spark
def test_a_table_or_a_uri_spark_reads_is_imported_as_the_same_local_file_is(keyed, tmp_path, database):
    source = write_csv(tmp_path / "cwt-june.csv", ROWS)
    keyed("local")
    local = _ingest(str(source))
    assert local.exit_code == 0, local.output
    rows, _, quarantine = _snapshot()

    spark = open_engine("spark").session
    spark.read.option("header", True).csv(str(source)).write.saveAsTable(f"{database}.cwt_june")
    keyed("table")
    from_table = _ingest(f"{database}.cwt_june", "--engine", "spark")
    assert from_table.exit_code == 0, from_table.output
    assert "accepted=1 quarantined=1" in from_table.output
    table_rows, manifest, table_quarantine = _snapshot()
    assert table_rows == rows  # the same pseudonyms, dates and codes
    assert manifest["source_file"] == f"{database}.cwt_june"
    assert [(q["row_number"], q["field"], q["reason"]) for q in table_quarantine] == [
        (q["row_number"], q["field"], q["reason"]) for q in quarantine
    ]

    keyed("uri")
    from_uri = _ingest(source.as_uri(), "--engine", "spark")
    assert from_uri.exit_code == 0, from_uri.output
    assert _snapshot()[0] == rows


def test_duckdb_refuses_a_table_and_a_uri_it_cannot_open_naming_them(keyed):
    keyed("duckdb")
    table = _ingest("main.cancer.cwt_records", "--engine", "duckdb")
    assert table.exit_code == 2
    assert "main.cancer.cwt_records: a table needs the Spark engine" in table.output
    uri = _ingest("dbfs:/alliance/cwt.csv", "--engine", "duckdb")
    assert uri.exit_code == 2
    assert "dbfs:/alliance/cwt.csv: not a storage URI" in uri.output
    assert snapshot_dirs("cwt") == []
