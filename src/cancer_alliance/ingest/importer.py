"""`ingest_file`: check a CSV or Parquet file against a canonical table's schema, write the
accepted rows (NHS numbers pseudonymised) as a new lake snapshot and the problems to the
quarantine, atomically and at most once per file content (issue 2, item 4; design.md, "Ingest").

Order of work, so that nothing half-done is ever visible and no raw NHS number is written under
ALLIANCE_HOME: hash the file; if a snapshot with that SHA-256 exists, stop; load and check the
rows in an in-memory DuckDB (spilling, if at all, to a private folder outside ALLIANCE_HOME);
write quarantine (NHS numbers masked), Parquet (NHS numbers replaced by pseudonyms) and manifest
into a staging folder; move the quarantine file into place; rename the staging folder into a
snapshot. A failure at any step removes the staging folder."""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from cancer_alliance import storage
from cancer_alliance.config import alliance_home, quarantine_dir
from cancer_alliance.errors import InputError
from cancer_alliance.ingest import checks, extract, lake, pseudonym, source
from cancer_alliance.ingest.mapping import Mapping
from cancer_alliance.ingest.scope import ImportScope, find_out_of_scope, owner_of, scope_name
from cancer_alliance.ingest.source import literal, quote
from cancer_alliance.schemas import TableSchema, schema
from cancer_alliance.table_files import arrow_schema

#: Rows per batch pseudonymised and written (bounds memory; one progress step).
BATCH_ROWS = 250_000
_HASH_CHUNK = 8 * 1024 * 1024
#: What a present NHS number becomes in the quarantine file.
MASK = "masked"

#: Progress callback: (stage, done, total); stages "hashing" (bytes), "checking" (0 or 1 of 1)
#: and "writing" (rows).
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class IngestSummary:
    """What an import did. `rows_in == accepted + quarantined` always."""

    table: str
    source: Path
    sha256: str
    snapshot_id: str
    rows_in: int
    accepted: int
    quarantined: int
    problems: int
    quarantine_path: Path | None
    already_imported: bool
    profile: str = "canonical"  # the mapping profile that read the file
    profile_detected: bool = True  # chosen from the headers rather than given
    ignored_columns: tuple[str, ...] = ()  # the file's headers that fed no canonical column


def sha256_file(path: Path, progress: Progress) -> str:
    """SHA-256 of the file; of a folder (a source of several files), of each CSV or Parquet file's
    name and content in name order."""
    digest = hashlib.sha256()
    parts = [path]
    if path.is_dir():
        parts = sorted(p for p in path.iterdir() if p.suffix.lower() in extract.SUFFIXES)
    total, done = sum(p.stat().st_size for p in parts), 0
    for part in parts:
        if path.is_dir():
            digest.update(part.name.encode("utf-8") + b"\0")
        with part.open("rb") as handle:
            while chunk := handle.read(_HASH_CHUNK):
                digest.update(chunk)
                done += len(chunk)
                progress("hashing", done, total)
    return digest.hexdigest()


def _no_progress(stage: str, done: int, total: int) -> None:
    """Default progress callback: report nothing."""


def ingest_file(
    table: str,
    path: Path | str,
    *,
    progress: Progress = _no_progress,
    source_name: str | None = None,
    scope: ImportScope | None = None,
    profile: str | Path | None = None,
) -> IngestSummary:
    """Import `path` (CSV or Parquet) into canonical table `table`; see the module docstring.
    `source_name` is how the quarantine and the manifest name the file (default: `path`), e.g. the
    name an analyst uploaded rather than where the server staged it. `scope` limits the rows
    accepted to one alliance's or trust's organisations (`ingest.scope`; None: national, any row).
    `profile` is a mapping profile's name or TOML path; without it the profile is detected from the
    headers.
    `path` may be a URI (`s3://bucket/extract.csv`, a folder's URI for a source of several files):
    the file is fetched into a private temporary folder outside ALLIANCE_HOME first.
    Raises InputError when the file cannot be processed at all (nothing is written then)."""
    if storage.is_uri(path):
        with tempfile.TemporaryDirectory(prefix="alliance-fetch-") as folder:
            local = storage.fetch(str(path), Path(folder))
            named = source_name or storage.shown(str(path))
            return ingest_file(
                table, local, progress=progress, source_name=named, scope=scope, profile=profile
            )
    path = Path(path)
    name = source_name or str(path)
    try:
        table_schema = schema(table)
    except KeyError as error:
        raise InputError(str(error.args[0])) from None
    if scope is not None:
        owner_of(table_schema, scope)  # refuse a table the scope cannot import before reading it
    opened = source.open_source(path, table_schema, profile)  # refuse wrong columns before writing
    digest = sha256_file(path, progress)
    with lake.import_lock(table):
        lake.sync(table)  # another machine's imports, with shared storage: seen before "already imported"
        manifest = lake.find_by_sha256(table, digest, scope_name(scope))
        if manifest is not None:
            return _summary_from_manifest(path, manifest, opened.mapping)
        key = pseudonym.load_key()
        _check_key(table, pseudonym.key_id(key))
        with tempfile.TemporaryDirectory(prefix="alliance-ingest-") as spill:
            con = duckdb.connect(config={"temp_directory": spill})
            try:
                con.execute("SET enable_progress_bar = false")  # stdout is the command's summary
                return _import(con, table_schema, path, name, digest, key, progress, scope, profile)
            finally:
                con.close()


def _check_key(table: str, key_id: str) -> None:
    """Refuse to add a snapshot whose pseudonyms would not link with the table's others: a machine
    sharing the lake with another (`ALLIANCE_STORAGE_URI`) without the same pseudonym key, which
    would otherwise generate its own key file. A local lake keeps its key file, so is not checked."""
    if storage.shared() is None:
        return
    for folder in lake.snapshot_dirs(table):
        other = lake.read_manifest(folder).get("pseudonym_key_id")
        if other is not None and other != key_id:
            raise InputError(
                f"lake/{table} holds snapshots pseudonymised with key {other}, and this machine's key is "
                f"{key_id}: NHS numbers would not link; give every machine that imports into one lake the "
                f"same {pseudonym.KEY_VARIABLE}"
            )


def _import(
    con: duckdb.DuckDBPyConnection,
    table: TableSchema,
    path: Path,
    name: str,
    digest: str,
    key: bytes,
    progress: Progress,
    scope: ImportScope | None,
    profile: str | Path | None,
) -> IngestSummary:
    started = time.monotonic()
    progress("checking", 0, 1)
    loaded = source.load(con, path, table, checks.typed_columns(table), profile)
    rows_in, mapping = loaded.rows, loaded.mapping
    checks.find_problems(con, table, mapping.built_columns)
    if scope is not None:
        find_out_of_scope(con, table, scope, lake.snapshot_paths(table.name))
    con.execute("CREATE TABLE rejected AS SELECT DISTINCT row_number FROM problems")
    quarantined, problems = con.execute(
        "SELECT (SELECT count(*) FROM rejected), (SELECT count(*) FROM problems)"
    ).fetchall()[0]
    progress("checking", 1, 1)
    imported_at = datetime.now(UTC)
    snapshot_id = lake.new_snapshot_id(imported_at, digest)
    quarantine_path = quarantine_dir() / f"{table.name}-{snapshot_id}.csv" if problems else None
    with lake.staging(table.name) as staged:
        accepted = _write_accepted(con, table, staged / lake.DATA_FILE, key, rows_in - quarantined, progress)
        if accepted + quarantined != rows_in:
            raise RuntimeError(
                f"{name}: {rows_in} rows in but {accepted} accepted and {quarantined} quarantined"
            )
        lake.write_manifest(
            staged,
            {
                "table": table.name,
                "snapshot_id": snapshot_id,
                "source_file": name,
                "source_sha256": digest,
                "scope": scope_name(scope),
                "rows_in": rows_in,
                "accepted": accepted,
                "quarantined": quarantined,
                "problems": problems,
                "quarantine_file": str(quarantine_path.relative_to(alliance_home()))
                if quarantine_path
                else None,
                "imported_at": imported_at.isoformat(),
                "seconds": round(time.monotonic() - started, 3),
                "pseudonym_key_id": pseudonym.key_id(key),
                "profile": mapping.profile.name,
                "ignored_columns": list(mapping.ignored),
                "columns": {c.name: c.storage_type for c in table.columns},
            },
        )
        if quarantine_path is not None:
            staged_quarantine = staged / "_quarantine.csv"
            _write_quarantine(con, table, loaded.file_and_row(name), staged_quarantine)
            quarantine_path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged_quarantine, quarantine_path)
        lake.commit(staged, table.name, snapshot_id)
    return IngestSummary(
        table=table.name,
        source=path,
        sha256=digest,
        snapshot_id=snapshot_id,
        rows_in=rows_in,
        accepted=accepted,
        quarantined=quarantined,
        problems=problems,
        quarantine_path=quarantine_path,
        already_imported=False,
        profile=mapping.profile.name,
        profile_detected=mapping.detected,
        ignored_columns=mapping.ignored,
    )


def _write_accepted(
    con: duckdb.DuckDBPyConnection,
    table: TableSchema,
    target: Path,
    key: bytes,
    expected: int,
    progress: Progress,
) -> int:
    """Stream the accepted rows, typed, into one Parquet file, replacing NHS numbers by pseudonyms.
    Row order within a snapshot is not significant (sorting 3 M wide rows would cost seconds)."""
    target_schema = arrow_schema(table)
    nhs_columns = [c.name for c in table.columns if c.type == "nhs_number"]
    columns = ", ".join(
        f"lpad(CAST({checks.typed(c)} AS VARCHAR), 10, '0') AS {quote(c.name)}"
        if c.type == "nhs_number"
        else f"{checks.typed(c)} AS {quote(c.name)}"
        for c in table.columns
    )
    reader = con.sql(
        f"SELECT {columns} FROM source_rows t ANTI JOIN rejected r USING (row_number)"
    ).to_arrow_reader(BATCH_ROWS)
    written = 0
    progress("writing", 0, expected)
    # Parquet encoding releases the GIL: one thread writes a batch while the next is pseudonymised.
    with pq.ParquetWriter(target, target_schema) as writer, ThreadPoolExecutor(max_workers=1) as pool:
        pending: Future | None = None
        for batch in reader:
            for name in nhs_columns:
                index = batch.schema.get_field_index(name)
                hashed = pa.array(pseudonym.pseudonymise(batch.column(index).to_pylist(), key), pa.string())
                batch = batch.set_column(index, name, hashed)
            if pending is not None:
                pending.result()
            pending = pool.submit(writer.write_batch, batch.cast(target_schema))
            written += batch.num_rows
            progress("writing", written, expected)
        if pending is not None:
            pending.result()
    return written


def _write_quarantine(
    con: duckdb.DuckDBPyConnection, table: TableSchema, position: tuple[str, str], target: Path
) -> None:
    """One line per problem: file and row number (`position`: `source.Loaded.file_and_row`), field,
    check, reason, then the row's values as given, NHS numbers masked."""
    file, row = position
    values = ", ".join(
        f"CASE WHEN s.{quote(c.name)} IS NULL THEN NULL ELSE {literal(MASK)} END AS {quote(c.name)}"
        if c.type == "nhs_number"
        else f"s.{quote(c.name)}"
        for c in table.columns
    )
    order = (
        "CASE p.field "
        + " ".join(f"WHEN {literal(n)} THEN {i}" for i, n in enumerate(table.column_names))
        + " END"
    )
    con.execute(
        f'COPY (SELECT {file} AS file, {row} AS row_number, p.field, p."check", p.reason, {values} '
        f'FROM problems p JOIN source_rows s USING (row_number) ORDER BY p.row_number, {order}, p."check") '
        f"TO {literal(str(target))} (FORMAT csv, HEADER)"
    )


def _summary_from_manifest(path: Path, manifest: dict, mapping: Mapping) -> IngestSummary:
    quarantine = manifest["quarantine_file"]
    return IngestSummary(
        table=manifest["table"],
        source=path,
        sha256=manifest["source_sha256"],
        snapshot_id=manifest["snapshot_id"],
        rows_in=manifest["rows_in"],
        accepted=manifest["accepted"],
        quarantined=manifest["quarantined"],
        problems=manifest["problems"],
        quarantine_path=alliance_home() / quarantine if quarantine else None,
        already_imported=True,
        profile=mapping.profile.name,
        profile_detected=mapping.detected,
        ignored_columns=mapping.ignored,
    )
