"""Lake snapshots (docs/decisions/0003): an import is atomic (an interrupted import leaves no
partial snapshot) and idempotent (the same content twice gives one snapshot); the current state
of a table is each key's row from the newest snapshot (issue 2, item 4)."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow.parquet as pq
import pytest

from cancer_alliance.ingest import current_table, importer, ingest_file, lake, snapshot_paths

from .conftest import record, write_csv

ROWS = [record(record_id="a"), record(record_id="b"), record(record_id="c", priority_type="x")]


def everything_under(home) -> set[str]:
    return {str(p.relative_to(home)) for p in home.rglob("*")}


def test_manifest_records_the_source_and_the_counts(home, tmp_path):
    path = write_csv(tmp_path / "in.csv", ROWS)
    summary = ingest_file("cwt", path)
    manifest = json.loads((lake.snapshot_dirs("cwt")[0] / lake.MANIFEST).read_text())
    assert manifest["source_sha256"] == summary.sha256 == importer.sha256_file(path, importer._no_progress)
    assert (manifest["rows_in"], manifest["accepted"], manifest["quarantined"]) == (3, 2, 1)
    assert manifest["quarantine_file"] == str(summary.quarantine_path.relative_to(home))
    assert dt.datetime.fromisoformat(manifest["imported_at"]).tzinfo is not None
    assert manifest["snapshot_id"] == summary.snapshot_id and summary.snapshot_id.endswith(
        summary.sha256[:12]
    )


def test_the_same_content_twice_gives_one_snapshot(home, tmp_path):
    first = ingest_file("cwt", write_csv(tmp_path / "in.csv", ROWS))
    before = everything_under(home)
    again = ingest_file("cwt", write_csv(tmp_path / "renamed.csv", ROWS))
    assert again.already_imported and not first.already_imported
    assert again.snapshot_id == first.snapshot_id
    assert (again.accepted, again.quarantined) == (first.accepted, first.quarantined)
    assert everything_under(home) == before
    [path] = snapshot_paths("cwt")
    assert pq.read_table(path).num_rows == 2


class FailingWriter(pq.ParquetWriter):
    """A Parquet writer that fails on the second batch, as a full disk or a kill would."""

    def write_batch(self, batch, *args, **kwargs):
        if getattr(self, "batches", 0) == 1:
            raise OSError("disk full (simulated)")
        self.batches = getattr(self, "batches", 0) + 1
        super().write_batch(batch, *args, **kwargs)


def test_an_interrupted_import_leaves_no_partial_snapshot(home, tmp_path, monkeypatch):
    path = write_csv(tmp_path / "in.csv", [record(record_id=f"r{i}") for i in range(10)] + ROWS)
    monkeypatch.setattr(importer, "BATCH_ROWS", 2)
    monkeypatch.setattr(importer.pq, "ParquetWriter", FailingWriter)
    with pytest.raises(OSError, match="simulated"):
        ingest_file("cwt", path)
    assert lake.snapshot_dirs("cwt") == []
    assert [p.name for p in (home / "lake" / "cwt").iterdir()] == ["_import.lock"]  # no staging folder left
    assert not (home / "quarantine").exists() or not any((home / "quarantine").iterdir())
    monkeypatch.undo()
    monkeypatch.setenv("ALLIANCE_HOME", str(home))
    retried = ingest_file("cwt", path)
    assert not retried.already_imported and (retried.accepted, retried.quarantined) == (12, 1)


def test_a_killed_imports_staging_folder_is_removed_by_the_next_import(home, tmp_path):
    leftover = home / "lake" / "cwt" / "_staging-killed"
    leftover.mkdir(parents=True)
    (leftover / "part-0.parquet").write_bytes(b"half a file")
    ingest_file("cwt", write_csv(tmp_path / "in.csv", ROWS))
    assert not leftover.exists()
    assert len(lake.snapshot_dirs("cwt")) == 1


def test_current_table_is_empty_before_any_import(home, engine):
    frame = current_table(engine, "cwt")
    assert engine.rows(frame) == []
    assert "nhs_number" in frame.columns


def test_current_table_takes_each_keys_row_from_the_newest_snapshot(home, tmp_path, engine):
    ingest_file("cwt", write_csv(tmp_path / "one.csv", [record(record_id="a"), record(record_id="b")]))
    second = [record(record_id="b", treatment_modality="02"), record(record_id="c")]
    ingest_file("cwt", write_csv(tmp_path / "two.csv", second))
    rows = {row["record_id"]: row for row in engine.rows(current_table(engine, "cwt"))}
    assert sorted(rows) == ["a", "b", "c"]
    assert rows["a"]["treatment_modality"] == "01" and rows["b"]["treatment_modality"] == "02"
    assert rows["b"]["referral_received_date"] == dt.date(2019, 6, 3)
    assert len(snapshot_paths("cwt")) == 2
