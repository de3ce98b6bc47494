"""Shared storage benchmark (issue #24, docs/decisions/0055): what `ALLIANCE_STORAGE_URI` adds to a refresh
and what a second machine pays to follow it, on a local S3-compatible server (moto's, on loopback, so the
figures are this machine's CPU and disk, not a network's).

Over the results bench's lake (generated and ingested by `results_bench.py` at the same scale if absent):
1. the first `sync` puts the lake that was imported before the storage was set;
2. a refresh with `--force` computes and publishes a generation (its files, `generation.json`, `CURRENT`);
3. a second machine, an empty `ALLIANCE_HOME`, fetches the current generation (`generations.pull`, what
   a web server does when the storage names a new one) and then the lake (`lake.sync`, what its first
   refresh or import does).
Printed: seconds, megabytes and MB/s of each, and the publish's share of the refresh. No target: the
local server, a single Python process, is the bottleneck here (about 55 MB/s whatever the client does),
so these are an upper bound on the cost, not the cost on S3. GENERATED DATA, NOT REAL PATIENTS.

Usage: python bench/storage_bench.py [--scale 1]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))  # tests/object_storage.py: the tests' local S3 server


def _megabytes(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def _timed(label: str, action, megabytes) -> float:
    started = time.perf_counter()
    action()
    seconds = time.perf_counter() - started
    size = megabytes()
    print(f"  {label:<44} {seconds:7.2f} s  {size:8.1f} MB  {size / seconds:7.1f} MB/s", flush=True)
    return seconds


@contextmanager
def _server_process() -> Iterator[str]:
    """moto's S3 server in a process of its own (in this one it would share Python's lock with the
    uploads it serves), with the tests' bucket; yields its `host:port`."""
    from tests.object_storage import create_bucket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        endpoint = f"127.0.0.1:{port}"
        for _ in range(100):  # until the server listens
            try:
                create_bucket(endpoint)
                break
            except OSError:
                time.sleep(0.1)
        yield endpoint
    finally:
        server.terminate()
        server.wait(10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    home = (Path(".bench") / f"results-home-{args.scale:g}").resolve()
    if not (home / "lake").is_dir():
        subprocess.check_call([sys.executable, str(HERE / "results_bench.py"), "--scale", f"{args.scale:g}"])

    from tests.object_storage import CREDENTIALS, s3_uri

    os.environ.update(CREDENTIALS)
    with _server_process() as endpoint, tempfile.TemporaryDirectory(prefix="storage-bench-") as scratch:
        from cancer_alliance.config import generations_dir
        from cancer_alliance.results import catalogue, generations
        from cancer_alliance.results.refresh import refresh, sync_shared
        from cancer_alliance.storage import SETTING

        os.environ[SETTING] = s3_uri(endpoint, "bench")
        os.environ["ALLIANCE_HOME"] = str(home)
        print(f"shared storage on a local S3 server, scale {args.scale:g} (load {os.getloadavg()[0]:.1f})")
        _timed("put the lake (first sync)", lambda: sync_shared(home), lambda: _megabytes(home / "lake"))
        report = None

        def refreshed() -> None:
            nonlocal report
            report = refresh(force=True)

        total = _timed(
            "refresh --force, publish included",
            refreshed,
            lambda: _megabytes(generations_dir(home) / report.generation.id),
        )
        computing = sum(report.seconds.values())
        publish = total - computing
        print(f"  {'of which the steps':<44} {computing:7.2f} s; publish and the rest {publish:.2f} s")

        other = Path(scratch) / "machine-b"
        os.environ["ALLIANCE_HOME"] = str(other)
        _timed(
            "another machine: fetch the generation (pull)",
            lambda: generations.pull(other),
            lambda: _megabytes(generations_dir(other)),
        )

        def fetch_lake() -> None:
            from cancer_alliance.ingest import lake

            for table in catalogue.lake_tables():
                lake.sync(table)

        _timed("another machine: fetch the lake (sync)", fetch_lake, lambda: _megabytes(other / "lake"))
    print(f"publish share of the refresh: {publish / total:.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
