"""Results refresh benchmark (issue #19, "Speed"): `alliance results refresh` over a generated year,
every domain, on DuckDB, printing each step's wall and CPU time and peak memory, then the time of a refresh
when nothing changed in the lake. CPU seconds (every thread of this process) are printed because the machine
is shared: on a loaded machine wall time is inflated, CPU time much less so.

Targets: at scale 1 (a national year) the refresh takes under 60 s wall and 6 GB peak on the 2-core
machine; a refresh when nothing changed takes under 2 s at any scale (checked always; the 60 s and 6 GB only
at scale 1). GENERATED DATA, NOT REAL PATIENTS. The year is generated into --out and ingested into
--home unless already there (the lake is reused between runs; every run refreshes with --force).

Usage: python bench/results_bench.py [--scale 1] [--seed 2018] [--out .bench/synth] [--home FOLDER]
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

TIME_TARGET_S = 60.0
MEMORY_TARGET_GB = 6.0
UNCHANGED_TARGET_S = 2.0


class PeakMemory:
    """Resident memory sampled every 20 ms; `take()` gives the peak since the last call, in GB."""

    def __init__(self) -> None:
        self._peak = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        threading.Thread(target=self._sample, daemon=True).start()

    @staticmethod
    def _rss() -> int:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            with self._lock:
                self._peak = max(self._peak, self._rss())

    def take(self) -> float:
        with self._lock:
            peak, self._peak = max(self._peak, self._rss()), 0
        return peak / 1024**3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--out", type=Path, default=Path(".bench") / "synth")
    parser.add_argument("--home", type=Path, default=None)
    args = parser.parse_args()
    home = (args.home or Path(".bench") / f"results-home-{args.scale:g}").resolve()
    os.environ["ALLIANCE_HOME"] = str(home)
    os.environ.pop("ALLIANCE_DATABASE_URL", None)
    os.environ.pop("ALLIANCE_AS_OF", None)

    from cancer_alliance.ingest import ingest_file
    from cancer_alliance.ingest.lake import snapshot_dirs
    from cancer_alliance.results.refresh import refresh
    from cancer_alliance.store.results import RunStatus
    from cancer_alliance.synth import FILES, generate

    if not all(snapshot_dirs(table) for table in ("cwt", "pathway_event")):
        out = args.out if args.scale == 1 else args.out.with_name(f"{args.out.name}-{args.scale:g}")
        if not (out / FILES["cwt"][0]).exists():
            print(f"generating scale {args.scale} seed {args.seed} into {out} ...", flush=True)
            generate("2018/19", scale=args.scale, seed=args.seed, out=out)
        for table, (filename, _) in FILES.items():
            print(f"ingesting {filename} ...", flush=True)
            ingest_file(table, out / filename)

    memory = PeakMemory()
    steps: list[tuple[str, float, float, float]] = []
    marks = {"step": None, "started": 0.0, "cpu": 0.0}

    def progress(text: str) -> None:
        if ":" in text:  # a note within a step, e.g. an empty domain
            return
        now, cpu = time.perf_counter(), time.process_time()
        if marks["step"] is not None:
            steps.append((marks["step"], now - marks["started"], cpu - marks["cpu"], memory.take()))
        else:
            memory.take()
        marks.update(step=text, started=now, cpu=cpu)

    load = os.getloadavg()[0]
    started, cpu_started = time.perf_counter(), time.process_time()
    report = refresh(engine="duckdb", force=True, progress=progress)
    total, cpu_total = time.perf_counter() - started, time.process_time() - cpu_started
    if marks["step"] is not None:
        steps.append(
            (
                marks["step"],
                time.perf_counter() - marks["started"],
                time.process_time() - marks["cpu"],
                memory.take(),
            )
        )
    if report.status != RunStatus.succeeded:
        print(f"refresh failed at step {report.failed_step}: {report.message}")
        return 1
    rows = sum(report.generation.rows.values())
    print(
        f"results refresh, DuckDB, scale {args.scale:g}, as of {report.as_of} (load {load:.1f} at the start):"
    )
    for name, seconds, cpu, peak in steps:
        print(f"  {name:<16} {seconds:7.2f} s wall {cpu:7.2f} s CPU   peak {peak:5.2f} GB")
    peak = max(p for *_, p in steps)
    print(
        f"  {'total':<16} {total:7.2f} s wall {cpu_total:7.2f} s CPU   peak {peak:5.2f} GB; "
        f"{rows:,} rows in {len(report.generation.rows)} files (load {os.getloadavg()[0]:.1f} at the end)"
    )

    started = time.perf_counter()
    again = refresh(engine="duckdb")
    unchanged = time.perf_counter() - started
    print(f"refresh with nothing changed: {again.status.value} in {unchanged:.2f} s")

    checks = [("nothing changed", unchanged < UNCHANGED_TARGET_S and again.status == RunStatus.unchanged)]
    if args.scale == 1:
        checks += [("60 s", total < TIME_TARGET_S), ("6 GB", peak < MEMORY_TARGET_GB)]
    for name, met in checks:
        print(f"target {name}: {'met' if met else 'MISSED'}")
    return 0 if all(met for _, met in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
