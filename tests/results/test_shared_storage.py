"""Two machines sharing one lake and one set of results on S3 (a local S3-compatible server): what one
imports the other's refresh reads, what one refreshes the other's server switches to, a publish that
fails half-way changes nothing anyone reads, and a machine without the shared pseudonym key cannot add
to the lake (issue #24; docs/decisions/0055)."""

from __future__ import annotations

import os
import time

import pyarrow.parquet as pq
import pytest
from tests.object_storage import CREDENTIALS
from tests.results.conftest import AS_OF
from typer.testing import CliRunner

from cancer_alliance.cli import (
    app,
    commands,  # noqa: F401  (registers the commands on app)
)
from cancer_alliance.config import generations_dir, results_dir
from cancer_alliance.engine import open_engine
from cancer_alliance.errors import InputError, StorageError
from cancer_alliance.ingest import ingest_file, lake
from cancer_alliance.ingest.lake import snapshot_dirs
from cancer_alliance.results import catalogue, generations, pipeline, reader
from cancer_alliance.results.reader import Results
from cancer_alliance.results.refresh import refresh
from cancer_alliance.storage import SETTING, SharedStorage, open_uri
from cancer_alliance.store.results import RunStatus

pytestmark = pytest.mark.cli

KEY = "shared-pseudonym-key-" + "0123456789abcdef" * 2


@pytest.fixture
def machines(copy_home, tmp_path, s3_storage, monkeypatch):
    """Machine A: the results tests' lake, imported before any storage was shared; machine B: an empty
    home. Both name the same storage and pseudonym key; `use(home)` makes one of them ALLIANCE_HOME."""
    a = copy_home("a")
    monkeypatch.setenv("ALLIANCE_PSEUDONYM_KEY", (a / "pseudonym.key").read_text().strip())  # both machines'
    b = tmp_path / "b"
    monkeypatch.setenv(SETTING, s3_storage)

    def use(home):
        monkeypatch.setenv("ALLIANCE_HOME", str(home))
        return home

    use(a)
    return a, b, use, open_uri(s3_storage)


def _files(home) -> dict[str, bytes]:
    folder = results_dir(home)
    return {name: catalogue.path(folder, name).read_bytes() for name in catalogue.CATALOGUE}


def test_what_one_machine_refreshes_another_reads_and_an_import_there_reaches_the_next_refresh(machines):
    a, b, use, shared = machines
    first = refresh(AS_OF, engine="duckdb")
    assert first.status == RunStatus.succeeded, first.message
    # the lake imported before sharing went up with the refresh, every snapshot with its manifest
    for table in ("cwt", "pathway_event", "tumour_registration"):
        assert shared.folders(f"lake/{table}", "_manifest.json") == [f.name for f in snapshot_dirs(table)]
    assert shared.read_text(generations.POINTER) == f"{first.generation.id}\n"

    use(b)  # another machine: nothing local but the setting
    assert refresh(AS_OF, engine="duckdb").status == RunStatus.unchanged  # the same lake, already refreshed
    assert generations.current(b).id == first.generation.id
    assert _files(b) == _files(a)

    server_a = Results(a, background=True)  # A's web server, serving the first generation
    assert server_a.folder.name == first.generation.id
    extract = f"{shared.root}/incoming/cwt-june.parquet"  # a later extract: five records again
    pq.write_table(
        pq.read_table(a / "synthetic" / "cwt_records.parquet").slice(0, 5),
        extract,
        filesystem=shared.filesystem,
    )
    base, query = shared.uri.split("?", 1)
    source = f"{base}/incoming/cwt-june.parquet?{query}"
    summary = ingest_file("cwt", source)
    assert (summary.accepted, summary.quarantined) == (5, 0)
    assert shared.folders("lake/cwt", "_manifest.json")[-1] == f"snapshot={summary.snapshot_id}"
    second = refresh(AS_OF, engine="duckdb")  # B refreshes, with B's import
    assert second.status == RunStatus.succeeded, second.message
    assert f"snapshot={summary.snapshot_id}" in second.generation.inputs["cwt"]

    use(a)
    reader.POLL_SECONDS, before = 0.0, reader.POLL_SECONDS
    try:
        deadline = time.monotonic() + 60
        while server_a.folder.name != second.generation.id and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        reader.POLL_SECONDS = before
    assert server_a.folder.name == second.generation.id  # A's server asked the storage, fetched, switched
    assert _files(a) == _files(b)
    assert generations.current(a).inputs["cwt"][-1] == f"snapshot={summary.snapshot_id}"


def test_a_publish_that_fails_half_way_leaves_every_machine_on_the_previous_generation(machines, monkeypatch):
    a, b, use, shared = machines
    monkeypatch.setattr(pipeline, "STEPS", pipeline.STEPS[:1])  # cwt_records: real, and quick
    first = refresh(AS_OF, engine="duckdb")
    assert first.status == RunStatus.succeeded, first.message
    put = SharedStorage._put
    puts = []

    def connection_lost(self, relative, write):  # as `_put` reports the file system's OSError
        puts.append(relative)
        if relative.endswith(f"/{generations.META}"):  # the data files are up, the marker is not
            raise StorageError(f"{self.name(relative)}: could not be written: connection reset by peer")
        put(self, relative, write)

    monkeypatch.setattr(SharedStorage, "_put", connection_lost)
    report = refresh(AS_OF, engine="duckdb", force=True)
    assert (report.status, report.failed_step) == (RunStatus.failed, "publish")
    assert any(put.endswith("/cwt_records.parquet") for put in puts)  # half-way: the data had gone up
    assert "could not be written" in report.message and "?" not in report.message  # no endpoint keys shown
    assert shared.read_text(generations.POINTER) == f"{first.generation.id}\n"
    assert generations.current(a).id == first.generation.id
    assert shared.folders("generations", generations.META) == [first.generation.id]
    assert sorted(p.name for p in generations_dir(a).iterdir() if p.is_dir()) == [first.generation.id]

    monkeypatch.setattr(SharedStorage, "_put", put)
    use(b)
    assert generations.pull(b)
    assert generations.current(b).id == first.generation.id


def test_status_on_another_machine_names_the_generation_it_follows_and_the_storages(machines, monkeypatch):
    a, b, use, shared = machines
    monkeypatch.setattr(pipeline, "STEPS", pipeline.STEPS[:1])  # cwt_records: real, and quick
    first = refresh(AS_OF, engine="duckdb")
    assert first.status == RunStatus.succeeded, first.message
    use(b)
    result = CliRunner().invoke(app, ["results", "status"])  # the command follows the storage first
    assert result.exit_code == 0, result.output
    assert f"this machine serves: generation {first.generation.id}, as of 2019-03-31" in result.output
    assert f"names: {first.generation.id}" in result.output
    assert "endpoint_override" not in result.output  # the storage's query may hold keys


def test_a_machine_with_another_pseudonym_key_cannot_add_to_the_shared_lake(machines, monkeypatch, tmp_path):
    a, b, use, shared = machines
    lake.sync("cwt")  # A's snapshot goes to the shared lake
    use(b)
    monkeypatch.delenv("ALLIANCE_PSEUDONYM_KEY")  # B would make a key file of its own
    extract = tmp_path / "cwt-june.parquet"
    pq.write_table(pq.read_table(a / "synthetic" / "cwt_records.parquet").slice(0, 3), extract)
    with pytest.raises(InputError, match="pseudonymised with key .* NHS numbers would not link"):
        ingest_file("cwt", extract)
    assert len(shared.folders("lake/cwt", "_manifest.json")) == len(snapshot_dirs("cwt")) == 1


def test_an_unreachable_storage_fails_the_refresh_at_sync_and_names_it(copy_home, monkeypatch):
    home = copy_home("a")
    port = _closed_port()
    query = f"endpoint_override=127.0.0.1:{port}&scheme=http"
    monkeypatch.setenv(SETTING, f"s3://nowhere/alliance?{query}")
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    report = refresh(AS_OF, engine="duckdb")
    assert (report.status, report.failed_step) == (RunStatus.failed, "sync")
    assert report.message.startswith("s3://nowhere/alliance/lake/")
    assert not os.path.exists(results_dir(home))


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.spark
def test_on_spark_the_lake_is_read_from_the_shared_storage_not_the_drivers_mirror(
    copy_home, tmp_path, monkeypatch
):
    copy_home("a")
    shared = tmp_path / "volume"
    monkeypatch.setenv(SETTING, shared.as_uri())  # as a Unity Catalog volume is, a path every node sees
    lake.sync("cwt")
    expected = (
        open_engine("duckdb").session.read.parquet(str(snapshot_dirs("cwt")[0] / lake.DATA_FILE)).count()
    )
    for folder in snapshot_dirs("cwt"):
        (
            folder / lake.DATA_FILE
        ).unlink()  # the driver's mirror has lost its copy: the executors never had one
    frame = lake.current_table(open_engine("spark"), "cwt")
    assert all(path.startswith(shared.as_uri()) for path in frame.inputFiles())
    assert frame.count() == expected
