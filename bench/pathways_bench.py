"""Timed diagnostic pathways benchmark (issue 12 item 9): evaluate the milestones of a national year,
every lung, prostate and colorectal pathway the generator writes at scale 1, on DuckDB.

Target: under 5 s wall for `pathways.milestones` over the generated `pathway_event` file, collected
to Arrow with the columns `alliance pathways evaluate` writes (every pathway and milestone row),
as of the census date. Also printed, without a target: evaluating again with every column and the
metrics (compliance by provider, steps and bottleneck) over that. GENERATED DATA, NOT REAL
PATIENTS. The year is generated into --out unless its pathway events are already there (the synth
bench writes the same folder).

Usage: python bench/pathways_bench.py [--scale 1] [--seed 2018] [--out .bench/synth]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import time
from pathlib import Path

TIME_TARGET_S = 5.0
AS_OF = dt.date(2019, 3, 31)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--out", type=Path, default=Path(".bench") / "synth")
    args = parser.parse_args()

    from cancer_alliance.engine import open_engine
    from cancer_alliance.pathways import OUTPUT_COLUMNS, metrics, milestones
    from cancer_alliance.pathways.files import TYPES, to_arrow
    from cancer_alliance.synth import FILES, generate

    path = args.out / FILES["pathway_event"][0]
    if not path.exists():
        print(f"generating scale {args.scale} seed {args.seed} into {args.out} ...", flush=True)
        generate("2018/19", scale=args.scale, seed=args.seed, out=args.out)
    engine = open_engine("duckdb")
    # DuckDB draws a progress bar on the terminal for long queries; the figures are the query's own.
    events = engine.read_parquet(path)
    rows = events.count()
    warm = engine.read_parquet(path)
    to_arrow(milestones(warm.limit(1000), AS_OF), TYPES)  # first query pays SQLFrame and DuckDB set-up

    load = os.getloadavg()[0]
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    planned = milestones(events, AS_OF).select(*OUTPUT_COLUMNS)  # what `evaluate` writes
    build_seconds = time.perf_counter() - started  # SQLFrame building the plan (issue 26)
    result = planned.toArrow()
    seconds = time.perf_counter() - started
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    pathways = len(result.column("pathway_id").unique())

    started = time.perf_counter()
    frame = metrics.prepare(to_arrow(milestones(events, AS_OF), TYPES).to_pandas())
    metrics.compliance(frame, ["provider_code"])
    summary = metrics.step_summary(metrics.steps(frame), ["provider_code"])
    metrics.bottleneck(summary)
    metric_seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2

    met = seconds < TIME_TARGET_S
    print(
        f"pathways milestones, DuckDB: {rows:,} events -> {pathways:,} pathways, {result.num_rows:,} "
        f"milestone rows in {seconds:.2f} s wall ({cpu:.2f} CPU s; load {load:.1f}; building the plan "
        f"{build_seconds:.2f} s, DuckDB {seconds - build_seconds:.2f} s); target < "
        f"{TIME_TARGET_S:.0f} s: {'met' if met else 'MISSED'}"
    )
    print(
        f"all columns + metrics (compliance by provider, steps, bottleneck): {metric_seconds:.2f} s; "
        f"peak {peak:.2f} GB"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
