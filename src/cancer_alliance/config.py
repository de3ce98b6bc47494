"""Where the platform keeps its data, read from the environment (design.md, "Lake")."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_HOME = Path("alliance-data")
#: Files a process of the platform creates are its user's only: 0600 files, 0700 folders (issue 21).
PRIVATE_UMASK = 0o077


def alliance_home() -> Path:
    """The data directory: `ALLIANCE_HOME`, else `./alliance-data`."""
    return Path(os.environ.get("ALLIANCE_HOME") or DEFAULT_HOME)


def lake_dir(table: str) -> Path:
    """Folder of one canonical table's accepted snapshots."""
    return alliance_home() / "lake" / table


def results_dir(home: Path | None = None) -> Path:
    """The results the pages read: a link to the current generation (`results.generations`)."""
    return (home or alliance_home()) / "results"


def generations_dir(home: Path | None = None) -> Path:
    """Every kept generation of results, one folder each, beside the `results` link."""
    return (home or alliance_home()) / "generations"


def quarantine_dir() -> Path:
    """Folder of rejected rows, one file per import."""
    return alliance_home() / "quarantine"


def keep_private() -> None:
    """Make every file and folder this process (and its children) creates readable by its user only:
    ALLIANCE_HOME holds the store, pseudonymised patient-level data and quarantined rows."""
    os.umask(PRIVATE_UMASK)
