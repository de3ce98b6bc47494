"""FIT benchmark (issue #13 item 7): programme metrics by CCG and the threshold plan (120, 80, 40, 20 with
demand by screening centre and month) over 5,000,000 episodes, about England's year of kits, on the
default engine (SQLFrame on DuckDB). GENERATED DATA, NOT REAL PATIENTS (`synth/fit.py`, cached in
.bench/fit/). Target: under 5 s.

Usage: python bench/fit_bench.py [--episodes N]; exits 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import time
from pathlib import Path

BENCH_DIR = Path(".bench") / "fit"
SEED = 2019
DEFAULT_EPISODES = 5_000_000
TARGET_SECONDS = 5.0


def episodes_path(episodes: int) -> Path:
    """The cached generated episodes, made on first use."""
    path = BENCH_DIR / f"episodes_{episodes}_{SEED}.parquet"
    if not path.exists():
        import numpy as np

        from cancer_alliance.synth import tables
        from cancer_alliance.synth.calibration import calibration
        from cancer_alliance.synth.fit import generate_fit

        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        rng = np.random.default_rng(SEED)
        numbers = 4_000_000_000 + np.arange(episodes, dtype=np.int64)  # not NHS numbers: rules ignore them
        columns = generate_fit(calibration(), numbers, rng)
        columns["episode_id"] = tables.ids("F", episodes)
        tables.write("fit_screening_episode", tables.to_arrow("fit_screening_episode", columns), path)
        print(f"generated {episodes:,} episodes in {time.perf_counter() - started:.1f} s -> {path}")
    return path


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=DEFAULT_EPISODES)
    args = parser.parse_args()
    path = episodes_path(args.episodes)

    from cancer_alliance.engine import open_engine
    from cancer_alliance.fit import planning
    from cancer_alliance.fit.files import collect
    from cancer_alliance.fit.metrics import metrics
    from cancer_alliance.fit.rules import band_counts, programme_counts

    load_before = os.getloadavg()[0]
    engine = open_engine("duckdb")
    cpu_before = cpu_seconds()
    started = time.perf_counter()
    episodes = engine.read_parquet(path)
    # Building the plans (SQLFrame, issue 26) is timed apart from DuckDB running them.
    built = time.perf_counter()
    counts_plan = programme_counts(episodes, ["ccg_code"])
    thresholds = planning.check_thresholds([120, 80, 40, 20])
    bands_plan = band_counts(episodes, planning.edges(thresholds), ["screening_centre_code", "result_month"])
    build_seconds = time.perf_counter() - built
    mark = time.perf_counter()
    by_ccg = metrics(
        collect(counts_plan).sort_values(["ccg_code"], na_position="last").reset_index(drop=True)
    )
    metrics_seconds = time.perf_counter() - mark
    mark = time.perf_counter()
    bands = collect(bands_plan)
    plan, demand = planning.plan(bands, thresholds), planning.demand(bands, thresholds, None)
    plan_seconds = time.perf_counter() - mark
    total = time.perf_counter() - started
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2

    print(f"FIT benchmark: {args.episodes:,} generated episodes, {dt.date.today()}")
    print(f"machine: {os.cpu_count()} cores, load average before the run {load_before:.2f}")
    print(
        f"building both plans (SQLFrame, or compiled SQL reused, docs/decisions/0033): {build_seconds:.2f} s"
    )
    print(f"metrics by CCG ({len(by_ccg)} CCGs), DuckDB + metrics: {metrics_seconds:.2f} s")
    print(f"threshold plan + demand ({len(demand):,} centre-months x thresholds): {plan_seconds:.2f} s")
    print(f"total wall time {total:.2f} s, CPU {cpu_seconds() - cpu_before:.2f} s, peak {peak_gb:.2f} GB")
    print(plan.to_string(index=False))
    met = total < TARGET_SECONDS
    print(f"target < {TARGET_SECONDS:g} s: {'met' if met else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
