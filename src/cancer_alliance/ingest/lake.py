"""The lake layout of one canonical table (docs/decisions/0003-ingest-and-lake-layout.md):

    ALLIANCE_HOME/lake/<table>/snapshot=<id>/part-0.parquet   accepted rows, storage types
    ALLIANCE_HOME/lake/<table>/snapshot=<id>/_manifest.json   source SHA-256, counts, time
    ALLIANCE_HOME/lake/<table>/_staging-<random>/             an import in progress

A snapshot id is the UTC import time (to the microsecond) and the first 12 hex digits of the
source file's SHA-256, so ids sort in import order. A snapshot appears only by renaming its
finished staging folder, and is never changed afterwards. Readers ignore folders starting with
`_` (Spark does too). The current state of a table is the latest version of each key: the row
from the newest snapshot that holds that key.

With shared storage (`ALLIANCE_STORAGE_URI`, decision record 0055) the lake is also kept at
`<storage>/lake/<table>/snapshot=<id>/`: a snapshot is put there, its manifest last, before it is
renamed into the local lake, and `sync` brings every machine's local lake up to the shared one."""

from __future__ import annotations

import fcntl
import json
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from cancer_alliance.config import lake_dir
from cancer_alliance.engine import EngineName
from cancer_alliance.schemas import schema
from cancer_alliance.storage import shared, shown

SNAPSHOT_PREFIX = "snapshot="
MANIFEST = "_manifest.json"
DATA_FILE = "part-0.parquet"
_LOCK = "_import.lock"
_STAGING_PREFIX = "_staging-"
_SNAPSHOT_COLUMN = "_snapshot"


def new_snapshot_id(imported_at: datetime, sha256: str) -> str:
    return f"{imported_at:%Y%m%dT%H%M%S%fZ}-{sha256[:12]}"


def snapshot_dirs(table: str) -> list[Path]:
    """Committed snapshot folders of `table`, oldest first."""
    folder = lake_dir(table)
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if p.name.startswith(SNAPSHOT_PREFIX) and (p / MANIFEST).is_file()
    )


def snapshot_paths(table: str) -> list[Path]:
    """The Parquet file of each committed snapshot, oldest first. Rule for readers: for each key,
    take the row from the last file that holds it (what `current_table` does)."""
    return [folder / DATA_FILE for folder in snapshot_dirs(table)]


def read_manifest(folder: Path) -> dict[str, Any]:
    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))


def find_by_sha256(table: str, sha256: str, scope: str) -> dict[str, Any] | None:
    """The manifest of the snapshot imported from a file with this content under import `scope`
    ("national", "alliance E56000016", ...), if any: the same file imported under a wider scope
    accepts more rows, so it is a new import (manifests before scopes were national)."""
    for folder in snapshot_dirs(table):
        manifest = read_manifest(folder)
        if manifest["source_sha256"] == sha256 and manifest.get("scope", "national") == scope:
            return manifest
    return None


@contextmanager
def import_lock(table: str) -> Iterator[None]:
    """One import of a table at a time (two imports of one file must not both pass the
    already-imported check). Holding the lock, any staging folder is a dead import's: removed."""
    folder = lake_dir(table)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / _LOCK).open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            for leftover in folder.glob(f"{_STAGING_PREFIX}*"):  # from an import that was killed
                shutil.rmtree(leftover, ignore_errors=True)
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def staging(table: str) -> Iterator[Path]:
    """A fresh staging folder inside the table's lake folder, removed if the import fails."""
    folder = lake_dir(table) / f"{_STAGING_PREFIX}{uuid.uuid4().hex}"
    folder.mkdir(parents=True)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def commit(staged: Path, table: str, snapshot_id: str) -> Path:
    """Make the staged snapshot visible in one rename (atomic on one file system), after putting it
    on the shared storage, if any: a snapshot this machine sees is one every machine can fetch."""
    name = f"{SNAPSHOT_PREFIX}{snapshot_id}"
    storage = shared()
    if storage is not None:
        storage.put_folder(staged, f"lake/{table}/{name}", MANIFEST)
    final = lake_dir(table) / name
    staged.rename(final)
    return final


def sync(table: str) -> None:
    """With shared storage, fetch the snapshots of `table` other machines committed there and put
    there the ones only this machine holds (committed before the storage was set); without, nothing.
    Snapshots never change, so one copy each way is the whole of it."""
    storage = shared()
    if storage is None:
        return
    remote = set(storage.folders(f"lake/{table}", MANIFEST))
    local = {folder.name: folder for folder in snapshot_dirs(table)}
    for name in sorted(remote - local.keys()):
        storage.get_folder(f"lake/{table}/{name}", lake_dir(table) / name)
    for name in sorted(local.keys() - remote):
        storage.put_folder(local[name], f"lake/{table}/{name}", MANIFEST)


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def current_table(engine: Any, table: str) -> Any:
    """The current state of `table` as an engine DataFrame with the schema's columns: every key's
    row from the newest snapshot holding it. Empty (with the schema) before the first import."""
    table_schema = schema(table)
    folders = snapshot_dirs(table)
    if not folders:
        return engine.frame(table_schema, [])
    F = engine.functions
    columns = table_schema.column_names
    where = _data_location(engine, table)
    if len(folders) == 1:  # keys are unique within a snapshot (ingest quarantines a repeated key)
        return engine.read_parquet(where(folders[0])).select(*columns)
    frames = [
        engine.read_parquet(where(folder)).select(*columns, F.lit(folder.name).alias(_SNAPSHOT_COLUMN))
        for folder in folders
    ]
    rows = frames[0]
    for frame in frames[1:]:
        rows = rows.unionByName(frame)
    latest = rows.groupBy(table_schema.key).agg(F.max(_SNAPSHOT_COLUMN).alias(_SNAPSHOT_COLUMN))
    return rows.join(latest, on=[table_schema.key, _SNAPSHOT_COLUMN], how="inner").select(*columns)


def _data_location(engine: Any, table: str) -> Callable[[Path], Path | str]:
    """Where the engine reads a snapshot's rows: on Spark with shared storage, the storage's URI, so that
    a cluster's executors read the storage rather than the driver's mirror (Spark's own connectors and
    settings reach it: `s3a://` or `s3://` as the cluster knows it, `abfss://`, `file:///Volumes/...`);
    otherwise the local lake."""
    storage = shared()
    if storage is None or engine.name == EngineName.duckdb:
        return lambda folder: folder / DATA_FILE
    base = f"{shown(storage.uri).rstrip('/')}/lake/{table}"
    return lambda folder: f"{base}/{folder.name}/{DATA_FILE}"
