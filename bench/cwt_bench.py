"""CWT benchmark (issue 3 item 6): evaluate + every performance table + the PTL on a national-scale
year, on the default engine (SQLFrame on DuckDB), against a straightforward pandas implementation of
the same computation. GENERATED DATA, NOT REAL PATIENTS (`bench/cwt_generator.py`).

Each side runs in its own process so that its peak memory (resource.getrusage, ru_maxrss) is its
own. The generated records are cached in .bench/cwt/ and reused. Targets (issue 3): all under 10 s
and 4 GB, at least 5x faster than pandas.

Usage: python bench/cwt_bench.py [--records N] [--census YYYY-MM-DD]; exits 1 when a target is missed
(bench/run.py reports it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(".bench") / "cwt"
SEED = 2018
DEFAULT_RECORDS = 3_300_000
CENSUS = dt.date(2019, 3, 31)
TABLES = {
    "month": ["month"],
    "month_provider": ["month", "provider"],
    "month_alliance": ["month", "alliance"],
    "month_tumour_type": ["month", "tumour_type"],
}
TARGET_SECONDS, TARGET_GB, TARGET_RATIO = 10.0, 4.0, 5.0


def records_path(records: int) -> Path:
    """The cached generated year, made on first use."""
    path = BENCH_DIR / f"records_{records}_{SEED}.parquet"
    if not path.exists():
        import pyarrow.parquet as pq

        sys.path.insert(0, str(Path(__file__).parent))
        from cwt_generator import generate

        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        pq.write_table(generate(records, SEED), path)
        print(f"generated {records:,} records in {time.perf_counter() - started:.1f} s -> {path}")
    return path


def peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def cpu_seconds() -> float:
    """User + system CPU time of this process: on a shared machine it varies less than wall time."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_engine(path: Path, census: dt.date, out: Path) -> dict:
    """The platform path: evaluate once and sum the facts by every key a table can need
    (`fine_counts`, one pass; the 6.4 M fact rows are not written), the four performance tables from
    those counts, and the PTL with its summary, each written to Parquet."""
    from cancer_alliance.cwt import evaluate
    from cancer_alliance.cwt.performance import fine_counts, performance
    from cancer_alliance.cwt.ptl import ptl, summary
    from cancer_alliance.engine import open_engine

    steps: dict[str, float] = {}
    started = time.perf_counter()
    engine = open_engine("duckdb")
    records = engine.read_parquet(path)
    facts = evaluate(records, carry=("primary_diagnosis_icd10",))  # tumour types without a join back
    fine_counts(facts).write.parquet(str(out / "fine_counts.parquet"), mode="overwrite")
    steps["evaluate"] = time.perf_counter() - started
    counts = engine.read_parquet(out / "fine_counts.parquet")
    for name, by in TABLES.items():
        mark = time.perf_counter()
        performance(counts, by, "2018").write.parquet(str(out / f"{name}.parquet"), mode="overwrite")
        steps[f"performance {name}"] = time.perf_counter() - mark
    mark = time.perf_counter()
    ptl(records, census).write.parquet(str(out / "ptl.parquet"), mode="overwrite")
    listed = engine.read_parquet(out / "ptl.parquet")
    summary(listed).write.parquet(str(out / "ptl_summary.parquet"), mode="overwrite")
    steps["ptl + summary"] = time.perf_counter() - mark
    return {
        "seconds": time.perf_counter() - started,
        "cpu": cpu_seconds(),
        "peak_gb": peak_gb(),
        "steps": steps,
    }


def run_pandas(path: Path, census: dt.date, out: Path) -> dict:
    """The baseline: the same facts, tables and PTL in plain pandas (bench/cwt_pandas.py)."""
    sys.path.insert(0, str(Path(__file__).parent))
    import cwt_pandas

    steps: dict[str, float] = {}
    started = time.perf_counter()
    records = cwt_pandas.read(path)
    facts = cwt_pandas.evaluate(records)
    steps["evaluate"] = time.perf_counter() - started
    for name, by in TABLES.items():
        mark = time.perf_counter()
        cwt_pandas.performance(facts, records, by).to_parquet(out / f"pandas_{name}.parquet")
        steps[f"performance {name}"] = time.perf_counter() - mark
    mark = time.perf_counter()
    listed = cwt_pandas.ptl(records, census)
    listed.to_parquet(out / "pandas_ptl.parquet")
    cwt_pandas.summary(listed).to_parquet(out / "pandas_ptl_summary.parquet")
    steps["ptl + summary"] = time.perf_counter() - mark
    return {
        "seconds": time.perf_counter() - started,
        "cpu": cpu_seconds(),
        "peak_gb": peak_gb(),
        "steps": steps,
    }


#: PTL flags whose counts both sides must agree on.
PTL_FLAGS = (
    "over_62_backlog",
    "over_104",
    "passed_day_28_last_7_days",
    "passed_day_62_last_7_days",
    "passed_day_104_last_7_days",
)


def agreement(out: Path) -> dict[str, str]:
    """Whether both sides produced the same national-by-month table, the same PTL size and the same
    number of pathways under each PTL flag."""
    import pandas as pd

    keys = ["standard_id", "reporting_month"]
    ours = pd.read_parquet(out / "month.parquet").set_index(keys).sort_index()
    theirs = pd.read_parquet(out / "pandas_month.parquet").set_index(keys).sort_index()
    same = ours.index.equals(theirs.index) and all(
        (ours[c] - theirs[c]).abs().max() == 0 for c in ("total", "within", "breaches")
    )
    ours_ptl, theirs_ptl = pd.read_parquet(out / "ptl.parquet"), pd.read_parquet(out / "pandas_ptl.parquet")
    flags = {flag: (int(ours_ptl[flag].sum()), int(theirs_ptl[flag].sum())) for flag in PTL_FLAGS}
    return {
        "performance by month": "identical totals" if same else "DIFFERENT",
        "ptl rows": f"{len(ours_ptl):,} vs {len(theirs_ptl):,}"
        + ("" if len(ours_ptl) == len(theirs_ptl) else " DIFFERENT"),
        "ptl flags": "; ".join(
            f"{flag} {a:,}" + ("" if a == b else f" vs {b:,} DIFFERENT") for flag, (a, b) in flags.items()
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=DEFAULT_RECORDS)
    parser.add_argument("--census", type=dt.date.fromisoformat, default=CENSUS)
    parser.add_argument("--side", choices=["engine", "pandas"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    path = records_path(args.records)
    out = BENCH_DIR / "out"
    out.mkdir(parents=True, exist_ok=True)
    if args.side:
        run = run_engine if args.side == "engine" else run_pandas
        print(json.dumps(run(path, args.census, out)))
        return 0

    load_before = os.getloadavg()[0]
    results = {}
    for side in ("engine", "pandas"):
        command = [
            sys.executable,
            __file__,
            "--records",
            str(args.records),
            "--census",
            str(args.census),
            "--side",
            side,
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        results[side] = json.loads(done.stdout.strip().splitlines()[-1])
    engine, pandas = results["engine"], results["pandas"]
    ratio = pandas["seconds"] / engine["seconds"]
    print(f"CWT benchmark: {args.records:,} generated records, census {args.census}, {dt.date.today()}")
    print(f"machine: {os.cpu_count()} cores, load average before the run {load_before:.2f}")
    print(f"{'step':<34}{'duckdb s':>10}{'pandas s':>10}")
    for step in engine["steps"]:
        print(f"{step:<34}{engine['steps'][step]:>10.2f}{pandas['steps'][step]:>10.2f}")
    print(f"{'total wall time':<34}{engine['seconds']:>10.2f}{pandas['seconds']:>10.2f}")
    print(f"{'CPU time (user + system)':<34}{engine['cpu']:>10.2f}{pandas['cpu']:>10.2f}")
    print(f"{'peak memory (GB)':<34}{engine['peak_gb']:>10.2f}{pandas['peak_gb']:>10.2f}")
    print(f"speed-up over pandas: {ratio:.1f}x")
    for check, verdict in agreement(out).items():
        print(f"agreement, {check}: {verdict}")
    met = engine["seconds"] < TARGET_SECONDS and engine["peak_gb"] < TARGET_GB and ratio >= TARGET_RATIO
    print(
        f"targets (< {TARGET_SECONDS:.0f} s, < {TARGET_GB:.0f} GB, >= {TARGET_RATIO:.0f}x):",
        "met" if met else "NOT met",
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
