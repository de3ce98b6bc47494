"""Generations of results and the atomic swap (decision record 0023).

A refresh writes every file into a new folder `generations/<id>/` beside the ones already there and,
only when every step succeeded, points the `results` link at it with one `os.replace` of a symbolic
link (atomic on POSIX file systems): a reader sees the old generation or the new one, never a mix,
and a failed refresh leaves the previous generation serving. `generation.json` in each folder records
what it was computed from; the newest `KEEP` generations stay, older ones are pruned.

With shared storage (`ALLIANCE_STORAGE_URI`, decision record 0055) a generation is also put at
`<storage>/generations/<id>/`, `generation.json` last, and then named by the object
`generations/CURRENT`; `pull` makes another machine's `results` link follow it, fetching the
generation into its own `generations/` first.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cancer_alliance.config import generations_dir, results_dir
from cancer_alliance.errors import StorageError
from cancer_alliance.storage import shared

META = "generation.json"
#: The object on shared storage naming the current generation.
POINTER = "generations/CURRENT"
#: Generations kept after a swap (the current one included), so a bad refresh can be inspected.
KEEP = 3


@dataclass(frozen=True)
class Generation:
    """What a generation was computed from, written as `generation.json`."""

    id: str
    as_of: dt.date
    refreshed_at: dt.datetime
    fingerprint: str
    inputs: dict[str, list[str]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    steps: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        values: dict[str, Any] = asdict(self)
        values["as_of"] = self.as_of.isoformat()
        values["refreshed_at"] = self.refreshed_at.isoformat()
        return json.dumps(values, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Generation:
        values = json.loads(text)
        values["as_of"] = dt.date.fromisoformat(values["as_of"])
        values["refreshed_at"] = dt.datetime.fromisoformat(values["refreshed_at"])
        return cls(**values)


def new_folder(home: Path) -> Path:
    """An empty folder for a generation being written; its name sorts by creation time."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = generations_dir(home) / f"{stamp}-{uuid.uuid4().hex[:8]}"
    folder.mkdir(parents=True)
    return folder


def current(home: Path) -> Generation | None:
    """The generation the `results` link points at; None before the first refresh (or for a plain
    results folder without `generation.json`)."""
    return read(results_dir(home))


def read(folder: Path) -> Generation | None:
    """The record of the generation in `folder`; None for a folder without `generation.json`."""
    meta = folder / META
    if not meta.is_file():
        return None
    return Generation.from_json(meta.read_text(encoding="utf-8"))


def current_folder(home: Path) -> Path | None:
    """The real folder behind the `results` link; None if there is none."""
    link = results_dir(home)
    return link.resolve() if link.exists() else None


def publish(home: Path, folder: Path, generation: Generation) -> None:
    """Write `generation.json` into `folder` and point `results` at it atomically, after putting the
    generation on the shared storage, if any, and naming it there as current. A `results` folder
    that is not a link (written before generations existed) is first moved in as a generation."""
    (folder / META).write_text(generation.to_json(), encoding="utf-8")
    storage = shared()
    if storage is not None:
        storage.put_folder(folder, f"generations/{folder.name}", META)
        storage.write_text(POINTER, f"{folder.name}\n")
    _point(home, folder)


def _point(home: Path, folder: Path) -> None:
    """Point the `results` link at `folder` with one `os.replace`."""
    link = results_dir(home)
    if link.is_dir() and not link.is_symlink():
        link.rename(generations_dir(home) / f"00000000-before-generations-{uuid.uuid4().hex[:8]}")
    staged = link.with_name(f".results-{uuid.uuid4().hex}")
    staged.symlink_to(os.path.relpath(folder, link.parent), target_is_directory=True)
    os.replace(staged, link)


def pull(home: Path) -> bool:
    """With shared storage, make `results` point at the generation the storage names as current,
    fetching it first if this machine does not hold it; True if the link moved. Without shared
    storage, or before the first shared refresh, nothing changes."""
    storage = shared()
    if storage is None:
        return False
    text = storage.read_text(POINTER)
    if text is None:
        return False
    name = text.strip()
    folder = generations_dir(home) / name
    serving = current_folder(home)
    if serving is not None and serving.name == name:
        return False
    if not storage.get_folder(f"generations/{name}", folder) or read(folder) is None:
        raise StorageError(f"{storage.name(POINTER)} names {name}, which is not a whole generation there")
    _point(home, folder)
    return True


def discard(folder: Path) -> None:
    """Remove a generation that failed before it was published (here and on the shared storage:
    a copy there without `generation.json` is ignored anyway, so failing to remove it is harmless)."""
    shutil.rmtree(folder, ignore_errors=True)
    storage = shared()
    if storage is not None:
        try:
            storage.delete_folder(f"generations/{folder.name}")
        except StorageError:
            pass


def prune(home: Path, keep: int = KEEP) -> list[Path]:
    """Remove all but the newest `keep` generations, never the current one, here and on the shared
    storage; returns the local folders that went."""
    serving = current_folder(home)
    root = generations_dir(home)
    # a folder named `.…` is a generation still being fetched by `pull`
    folders = (
        sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
        if root.is_dir()
        else []
    )
    removed = []
    for folder in folders[: max(len(folders) - keep, 0)]:
        if folder != serving:
            shutil.rmtree(folder)
            removed.append(folder)
    storage = shared()
    if storage is not None:
        kept = storage.folders("generations", META)
        current = (storage.read_text(POINTER) or "").strip()
        for name in kept[: max(len(kept) - keep, 0)]:
            if name != current:
                storage.delete_folder(f"generations/{name}")
    return removed
