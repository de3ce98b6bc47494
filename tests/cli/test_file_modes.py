"""Files under ALLIANCE_HOME are the service user's only (issue 21: the store, lake, results and
quarantine were created world-readable)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path


def test_the_alliance_command_creates_private_files_and_folders(tmp_path):
    home = tmp_path / "home"
    environment = {**os.environ, "ALLIANCE_HOME": str(home)}
    environment.pop("ALLIANCE_DATABASE_URL", None)
    alliance = Path(sys.executable).parent / "alliance"
    subprocess.run([str(alliance), "db", "upgrade"], env=environment, check=True, capture_output=True)
    created = [home, *home.rglob("*")]
    assert any(path.name == "alliance.sqlite3" for path in created)
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in created}
    assert {name: mode for name, mode in modes.items() if mode & 0o077} == {}
