"""A small generated lake, ingested once per run, that the results tests refresh from (issue #19)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from cancer_alliance.ingest import ingest_file
from cancer_alliance.synth import generate
from cancer_alliance.synth.generate import FILES

SCALE, SEED = 0.002, 7
AS_OF = "2019-03-31"  # the generator's reference date: its data runs up to this day


@pytest.fixture(scope="session")
def lake_home(tmp_path_factory) -> Path:
    """An ALLIANCE_HOME holding only the lake (and quarantine) of a generated year at `SCALE`."""
    home = tmp_path_factory.mktemp("results-lake")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ALLIANCE_HOME", str(home))
        generate(scale=SCALE, seed=SEED, out=home / "synthetic")
        for table, (filename, _) in FILES.items():
            ingest_file(table, home / "synthetic" / filename)
    return home


@pytest.fixture
def copy_home(lake_home, tmp_path, monkeypatch) -> Callable[[str], Path]:
    """`copy_home(name)`: a copy of the lake home as ALLIANCE_HOME (with its own SQLite store)."""

    def copy(name: str) -> Path:
        home = tmp_path / name
        shutil.copytree(lake_home, home, symlinks=True)
        monkeypatch.setenv("ALLIANCE_HOME", str(home))
        monkeypatch.delenv("ALLIANCE_DATABASE_URL", raising=False)
        monkeypatch.delenv("ALLIANCE_AS_OF", raising=False)
        return home

    return copy
