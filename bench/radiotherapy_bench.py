"""Radiotherapy benchmark (issue #14, item 5): the service-specification compliance table over a national
year of radiotherapy courses (about 140,000) and the linac inventory, on DuckDB. Target: under 2 s.

GENERATED DATA, NOT REAL PATIENTS: the courses and linacs of the synthetic national year
(`alliance synth generate --scale 1`), reused from .bench/synth/ when synth_bench.py made it, else
generated into .bench/radiotherapy/. Timed: reading both Parquet files, every requirement at provider and
network level, collecting the result. The 31-day waits come from the CWT engine and are timed by
cwt_bench.py. Prints the figures; exits 1 when the target is missed (bench/run.py reports it).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq

from cancer_alliance.engine import open_engine
from cancer_alliance.radiotherapy import compliance

TARGET_SECONDS = 2.0
AS_OF = dt.date(2019, 4, 1)
SYNTH = Path(".bench") / "synth"
OWN = Path(".bench") / "radiotherapy"
FILES = ("radiotherapy_courses.parquet", "linacs.parquet")


def data_folder() -> Path:
    if all((SYNTH / name).exists() for name in FILES):
        return SYNTH
    if not all((OWN / name).exists() for name in FILES):
        started = time.perf_counter()
        code = (
            "from cancer_alliance.synth import generate; "
            f"generate('2018/19', scale=1, seed=2018, out={str(OWN)!r})"
        )
        subprocess.run([sys.executable, "-c", code], check=True)
        print(f"generated a national year in {time.perf_counter() - started:.0f} s -> {OWN}")
    return OWN


def main() -> int:
    folder = data_folder()
    courses_path, linacs_path = (folder / name for name in FILES)
    courses_n, linacs_n = (pq.read_metadata(p).num_rows for p in (courses_path, linacs_path))
    engine = open_engine("duckdb")
    timings, builds, cpu = [], [], []
    for _ in range(3):
        started, started_cpu = time.perf_counter(), time.process_time()
        courses = engine.read_parquet(courses_path)
        linacs = engine.read_parquet(linacs_path)
        result = compliance(courses, linacs, AS_OF)
        built = time.perf_counter()
        rows = result.toArrow().num_rows
        timings.append(time.perf_counter() - started)
        builds.append(built - started)
        cpu.append(time.process_time() - started_cpu)
    best = min(range(3), key=lambda i: timings[i])
    verdict = "ok" if timings[best] < TARGET_SECONDS else "SLOWER THAN TARGET"
    print(
        f"radiotherapy compliance: {courses_n:,} courses, {linacs_n:,} linacs -> {rows:,} rows in "
        f"{timings[best]:.2f} s best of 3 ({cpu[best]:.2f} CPU s; building the query in SQLFrame "
        f"{builds[best]:.2f} s, DuckDB {timings[best] - builds[best]:.2f} s; first run {timings[0]:.2f} s; "
        f"load average {os.getloadavg()[0]:.1f}; target < {TARGET_SECONDS:.0f} s: {verdict})"
    )
    return 0 if timings[best] < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
