"""Shared storage through `pyarrow.fs` (docs/decisions/0055): a folder is seen only once its marker is
there, a download appears whole or not at all, and a source is fetched from a URI; on a local S3-compatible
server and on a `file://` folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.ingest.conftest import TEST_KEY, record, write_csv

from cancer_alliance import storage
from cancer_alliance.errors import InputError, StorageError
from cancer_alliance.storage import SharedStorage, open_uri

MARKER = "_manifest.json"


@pytest.fixture(params=["s3", "file"])
def uri(request, tmp_path) -> str:
    if request.param == "s3":
        return request.getfixturevalue("s3_storage")
    return (tmp_path / "shared").as_uri()


def _folder(tmp_path: Path, name: str = "snapshot=1") -> Path:
    folder = tmp_path / "local" / name
    (folder / "sub").mkdir(parents=True)
    (folder / "part-0.parquet").write_bytes(b"rows")
    (folder / "sub" / "part-1.parquet").write_bytes(b"more rows")
    (folder / MARKER).write_text("{}")
    return folder


def test_a_folder_is_seen_once_its_marker_is_put_and_downloads_whole(uri, tmp_path):
    shared = open_uri(uri)
    shared.put_folder(_folder(tmp_path), "lake/cwt/snapshot=1", MARKER)
    assert shared.folders("lake/cwt", MARKER) == ["snapshot=1"]
    local = tmp_path / "mirror" / "snapshot=1"
    assert shared.get_folder("lake/cwt/snapshot=1", local)
    assert (local / "part-0.parquet").read_bytes() == b"rows"
    assert (local / "sub" / "part-1.parquet").read_bytes() == b"more rows"
    assert sorted(p.name for p in local.parent.iterdir()) == ["snapshot=1"]  # no staging left behind


def test_a_writer_that_dies_before_the_marker_leaves_a_folder_nobody_sees(uri, tmp_path, monkeypatch):
    shared = open_uri(uri)
    put = SharedStorage._put

    def dies_at_the_marker(self, relative, write):
        if relative.endswith(MARKER):
            raise StorageError(f"{relative}: connection reset")
        put(self, relative, write)

    monkeypatch.setattr(SharedStorage, "_put", dies_at_the_marker)
    with pytest.raises(StorageError):
        shared.put_folder(_folder(tmp_path), "lake/cwt/snapshot=1", MARKER)
    assert shared.read_text("lake/cwt/snapshot=1/part-0.parquet") == "rows"  # the data did get there
    assert shared.folders("lake/cwt", MARKER) == []


def test_a_folder_already_held_is_not_downloaded_again_and_an_absent_one_is_reported(uri, tmp_path):
    shared = open_uri(uri)
    shared.put_folder(_folder(tmp_path), "generations/g1", MARKER)
    local = tmp_path / "mirror" / "g1"
    local.mkdir(parents=True)
    assert shared.get_folder("generations/g1", local)
    assert list(local.iterdir()) == []  # what was there is kept: committed folders never change
    assert not shared.get_folder("generations/absent", tmp_path / "mirror" / "absent")
    assert not (tmp_path / "mirror" / "absent").exists()


def test_an_object_is_replaced_whole(uri):
    shared = open_uri(uri)
    assert shared.read_text("generations/CURRENT") is None
    shared.write_text("generations/CURRENT", "g1\n")
    shared.write_text("generations/CURRENT", "g2\n")
    assert shared.read_text("generations/CURRENT") == "g2\n"


def test_a_source_is_fetched_from_a_uri_as_a_file_or_a_folder_of_files(uri, tmp_path):
    shared = open_uri(uri)
    shared.write_text("incoming/records.csv", "a,b\n1,2\n")
    shared.write_text("incoming/scr/tblMAIN_REFERRALS.csv", "CARE_ID\n1\n")
    shared.write_text("incoming/scr/tblDEMOGRAPHICS.csv", "PATIENT_ID\n1\n")
    base = uri.split("?", 1)[0]
    query = f"?{uri.split('?', 1)[1]}" if "?" in uri else ""
    (tmp_path / "a").mkdir()
    local = storage.fetch(f"{base}/incoming/records.csv{query}", tmp_path / "a")
    assert local.read_text() == "a,b\n1,2\n"
    (tmp_path / "b").mkdir()
    folder = storage.fetch(f"{base}/incoming/scr{query}", tmp_path / "b")
    assert sorted(p.name for p in folder.iterdir()) == ["tblDEMOGRAPHICS.csv", "tblMAIN_REFERRALS.csv"]
    with pytest.raises(InputError, match="incoming/missing.csv: no such file or folder"):
        storage.fetch(f"{base}/incoming/missing.csv{query}", tmp_path)


def test_hadoops_s3a_scheme_names_the_same_objects_as_s3(s3_storage):
    open_uri(s3_storage).write_text("generations/CURRENT", "g1\n")
    assert open_uri(s3_storage.replace("s3://", "s3a://", 1)).read_text("generations/CURRENT") == "g1\n"


def test_a_uri_nothing_can_open_is_refused_by_name():
    with pytest.raises(InputError, match="nosuch://bucket: not a storage URI"):
        open_uri("nosuch://bucket")


def test_alliance_ingest_reads_a_uri_and_names_it_without_its_query(
    s3_storage, alliance_home, tmp_path, monkeypatch
):
    from typer.testing import CliRunner

    from cancer_alliance.cli import app, commands  # noqa: F401  (registers the commands on app)
    from cancer_alliance.ingest.lake import read_manifest, snapshot_dirs

    monkeypatch.setenv("ALLIANCE_PSEUDONYM_KEY", TEST_KEY)
    write_csv(
        tmp_path / "cwt-june.csv", [record(record_id="r1"), record(record_id="r2", nhs_number="9434765918")]
    )
    shared = open_uri(s3_storage)
    shared.write_text("incoming/cwt-june.csv", (tmp_path / "cwt-june.csv").read_text())
    base, query = s3_storage.split("?", 1)
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", "cwt", f"{base}/incoming/cwt-june.csv?{query}"])
    assert result.exit_code == 0, result.output
    assert "accepted=1 quarantined=1" in result.output
    manifest = read_manifest(snapshot_dirs("cwt")[0])
    assert manifest["source_file"] == f"{base}/incoming/cwt-june.csv"
    missing = runner.invoke(app, ["ingest", "cwt", f"{base}/incoming/cwt-july.csv?{query}"])
    assert missing.exit_code == 2
    assert f"Error: {base}/incoming/cwt-july.csv: no such file or folder" in missing.output
    assert "endpoint_override" not in missing.output
