"""The shared copy of the lake and the results on object storage (`ALLIANCE_STORAGE_URI`), with
ALLIANCE_HOME as this machine's mirror of it (decision record 0055).

Lake snapshots and results generations never change once committed, so each machine keeps a local
copy of every one it has seen and reads only that; what it asks of the storage is put, get, list and
delete of whole objects, which S3, Azure Blob and ADLS, Google Cloud Storage, HDFS and a local or
mounted folder (a Unity Catalog volume) all give through `pyarrow.fs`. There is no rename and no link
on object storage, so a folder is committed by a marker object put after every other file of it (a
snapshot's `_manifest.json`, a generation's `generation.json`): a reader ignores a folder without its
marker, which is what a writer that died part-way leaves. The current generation is named by one small
object, `generations/CURRENT`, put last; a single put is atomic on every one of these stores.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.fs as pafs

from cancer_alliance.errors import InputError, StorageError

SETTING = "ALLIANCE_STORAGE_URI"
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:/")
#: Files put or fetched at once.
TRANSFERS = 8


@dataclass(frozen=True)
class SharedStorage:
    """A folder on a `pyarrow.fs` file system: `uri` as configured, `root` its path there."""

    uri: str
    filesystem: pafs.FileSystem
    root: str

    def _path(self, relative: str) -> str:
        return f"{self.root.rstrip('/')}/{relative}" if relative else self.root

    def name(self, relative: str) -> str:
        """How messages name an object: the storage's URI (without its query) and the object's path."""
        return f"{shown(self.uri).rstrip('/')}/{relative}"

    def folders(self, relative: str, marker: str) -> list[str]:
        """Names of the committed sub-folders of `relative` (those holding `marker`), sorted."""
        selector = pafs.FileSelector(self._path(relative), allow_not_found=True, recursive=True)
        try:
            infos = self.filesystem.get_file_info(selector)
        except OSError as error:
            raise StorageError(f"{self.name(relative)}: could not be listed: {error}") from None
        base = self._path(relative).rstrip("/") + "/"
        committed = set()
        for info in infos:
            parts = info.path[len(base) :].split("/")
            if info.type == pafs.FileType.File and len(parts) == 2 and parts[1] == marker:
                committed.add(parts[0])
        return sorted(committed)

    def read_text(self, relative: str) -> str | None:
        """An object's text; None if there is no such object."""
        try:
            with self.filesystem.open_input_stream(self._path(relative)) as stream:
                return stream.read().decode("utf-8")
        except FileNotFoundError:
            return None
        except OSError as error:
            raise StorageError(f"{self.name(relative)}: could not be read: {error}") from None

    def write_text(self, relative: str, text: str) -> None:
        """Put one object whole (atomic on object storage; through a rename on a local folder)."""
        self._put(relative, lambda stream: stream.write(text.encode("utf-8")))

    def put_folder(self, local: Path, relative: str, marker: str) -> None:
        """Upload every file under `local` to `relative`, several at once, then `marker` once all of
        them are there, so the folder is seen only when it is whole."""

        def put(path: Path) -> None:
            target = f"{relative}/{path.relative_to(local).as_posix()}"
            self._put(target, lambda stream: _copy_into(path, stream))

        _each(put, sorted(p for p in local.rglob("*") if p.is_file() and p.name != marker))
        put(local / marker)

    def get_folder(self, relative: str, local: Path) -> bool:
        """Download `relative` into the local folder `local` unless it is there already: into a
        sibling first, then one rename, so a local reader never sees half of it. False if there was
        nothing to download."""
        if local.exists():
            return True
        selector = pafs.FileSelector(self._path(relative), allow_not_found=True, recursive=True)
        try:
            infos = [i for i in self.filesystem.get_file_info(selector) if i.type == pafs.FileType.File]
        except OSError as error:
            raise StorageError(f"{self.name(relative)}: could not be listed: {error}") from None
        if not infos:
            return False
        local.parent.mkdir(parents=True, exist_ok=True)
        staged = Path(tempfile.mkdtemp(prefix=f".{local.name}-", dir=local.parent))
        base = self._path(relative).rstrip("/") + "/"

        def get(info: pafs.FileInfo) -> None:
            target = staged / info.path[len(base) :]
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                _download(self.filesystem, info.path, target)
            except OSError as error:
                name = self.name(f"{relative}/{info.path[len(base) :]}")
                raise StorageError(f"{name}: could not be read: {error}") from None

        try:
            _each(get, infos)
            try:
                staged.rename(local)
            except OSError:
                if not local.exists():  # another process of this machine renamed its copy first
                    raise
        finally:
            shutil.rmtree(staged, ignore_errors=True)
        return True

    def delete_folder(self, relative: str) -> None:
        """Remove `relative` and everything in it; nothing if it is not there."""
        try:
            self.filesystem.delete_dir(self._path(relative))
        except FileNotFoundError:
            pass
        except OSError as error:
            raise StorageError(f"{self.name(relative)}: could not be deleted: {error}") from None

    def _put(self, relative: str, write: Callable[[Any], object]) -> None:
        """One object written by `write(stream)`: on object storage the object appears when the stream
        closes; a local folder needs its parents made and a rename for the same."""
        path = self._path(relative)
        local = isinstance(self.filesystem, pafs.LocalFileSystem)
        target = f"{path}.{uuid.uuid4().hex}.partial" if local else path
        try:
            if local:
                self.filesystem.create_dir(path.rsplit("/", 1)[0], recursive=True)
            with self.filesystem.open_output_stream(target) as stream:
                write(stream)
            if local:
                os.replace(target, path)
        except OSError as error:
            raise StorageError(f"{self.name(relative)}: could not be written: {error}") from None


def _each(action: Callable[[Any], None], items: list[Any]) -> None:
    """`action` on every item, `TRANSFERS` at a time (object stores serve parallel requests, and
    `pyarrow.fs` releases Python's lock while it transfers); the first error is raised after all end."""
    with ThreadPoolExecutor(max_workers=TRANSFERS) as pool:
        for done in [pool.submit(action, item) for item in items]:
            done.result()


def _copy_into(path: Path, stream: Any) -> None:
    with path.open("rb") as handle:
        shutil.copyfileobj(handle, stream, 8 * 1024 * 1024)


def _download(filesystem: pafs.FileSystem, source: str, target: Path) -> None:
    with filesystem.open_input_stream(source) as stream, target.open("wb") as handle:
        shutil.copyfileobj(stream, handle, 8 * 1024 * 1024)


def shown(uri: str) -> str:
    """`uri` as messages show it: without its query, which may hold an endpoint's keys."""
    return uri.split("?", 1)[0]


def is_uri(location: str | Path) -> bool:
    """True for a URI (`s3://…`, `file:///…`, `dbfs:/…`: a scheme, a colon and a slash) rather than a
    local path."""
    return isinstance(location, str) and _URI.match(location) is not None


def fetch(uri: str, folder: Path) -> Path:
    """Download the file at `uri`, or every file directly in the folder at `uri` (a source of several
    files), into the local `folder`; returns the local file or folder to read."""
    storage = open_uri(uri)
    try:
        info = storage.filesystem.get_file_info(storage.root)
    except OSError as error:
        raise StorageError(f"{shown(uri)}: could not be read: {error}") from None
    if info.type == pafs.FileType.NotFound:
        raise InputError(f"{shown(uri)}: no such file or folder")
    name = storage.root.rstrip("/").rsplit("/", 1)[-1] or "source"
    if info.type == pafs.FileType.File:
        sources = [(info.path, folder / name)]
    else:
        listed = storage.filesystem.get_file_info(pafs.FileSelector(storage.root))
        sources = [(i.path, folder / name / i.base_name) for i in listed if i.type == pafs.FileType.File]
        (folder / name).mkdir()
    for source, target in sources:
        try:
            _download(storage.filesystem, source, target)
        except OSError as error:
            raise StorageError(f"{shown(uri)}: {source} could not be read: {error}") from None
    return folder / name


def open_uri(uri: str) -> SharedStorage:
    """A URI `pyarrow.fs` understands (`s3://bucket/prefix`, `gs://...`, `abfs://...`, `hdfs://...`,
    `file:///...`; S3 settings such as `?endpoint_override=...&region=...` in its query). Hadoop's
    `s3a://` is read as `s3://`, so one setting serves both pyarrow and a Spark cluster reading the
    lake through Hadoop's S3 connector."""
    try:
        filesystem, root = pafs.FileSystem.from_uri(re.sub(r"^s3[an]://", "s3://", uri))
    except (OSError, ValueError) as error:  # pyarrow.ArrowInvalid is a ValueError
        raise InputError(f"{shown(uri)}: not a storage URI this platform can use: {error}") from None
    return SharedStorage(uri, filesystem, root)


def shared() -> SharedStorage | None:
    """The shared storage `ALLIANCE_STORAGE_URI` names; None (everything local) when it is unset."""
    uri = os.environ.get(SETTING)
    return open_uri(uri) if uri else None
