"""CWT benchmark (issues 3 and 26): evaluate + every performance table + the PTL on a national-scale
year, on the default engine (SQLFrame on DuckDB), against a hand-written DuckDB SQL baseline
(`bench/cwt_duckdb_sql.py`) and a straightforward pandas implementation (`bench/cwt_pandas.py`) of the
same computation, in one run. GENERATED DATA, NOT REAL PATIENTS (`bench/cwt_generator.py`).

Each side runs in its own process so that its peak memory (resource.getrusage, ru_maxrss) is its
own. The platform runs twice: cold (no compiled SQL stored, docs/decisions/0033) and then as it runs
every day after, reusing the stored SQL; its time is split into building the plans and executing.
The generated records are cached in .bench/cwt/ and reused. Targets (issue 26), for the second run:
at most 3 s and 2x the hand-written SQL, under 2 GB, plan building under 0.3 s.

Usage: python bench/cwt_bench.py [--records N] [--census YYYY-MM-DD] [--skip-pandas]; exits 1 when
a target is missed (bench/run.py reports it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

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
TARGET_SECONDS, TARGET_GB, TARGET_RATIO, TARGET_BUILD = 3.0, 2.0, 2.0, 0.3


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
    those counts, and the PTL with its summary, each written to Parquet. Each step's time is split
    into building (calling the rules: Python, SQLFrame and sqlglot, or binding compiled SQL,
    docs/decisions/0033) and executing (DuckDB running the query and writing the file)."""
    from cancer_alliance.cwt import evaluate
    from cancer_alliance.cwt.performance import fine_counts, performance
    from cancer_alliance.cwt.ptl import ptl, summary
    from cancer_alliance.engine import open_engine

    steps: dict[str, float] = {}
    build = build_cpu = execute = 0.0

    def timed(step: str, make: Any, target: Path) -> None:
        nonlocal build, build_cpu, execute
        mark, mark_cpu = time.perf_counter(), time.process_time()
        frame = make()
        built = time.perf_counter()
        build_cpu += time.process_time() - mark_cpu  # Python only: one thread, so CPU time is its own
        frame.write.parquet(str(target), mode="overwrite")
        done = time.perf_counter()
        steps[step] = steps.get(step, 0.0) + done - mark
        build, execute = build + built - mark, execute + done - built

    started = time.perf_counter()
    engine = open_engine("duckdb")
    records = engine.read_parquet(path)
    carry = ("primary_diagnosis_icd10",)  # tumour types without a join back

    def counts_of_facts() -> Any:
        """The facts are summed, so in any order (docs/decisions/0052)."""
        return fine_counts(evaluate(records, carry=carry, in_record_order=False))

    timed("evaluate", counts_of_facts, out / "fine_counts.parquet")
    counts = engine.read_parquet(out / "fine_counts.parquet")
    for name, by in TABLES.items():
        timed(f"performance {name}", lambda by=by: performance(counts, by, "2018"), out / f"{name}.parquet")
    timed("ptl + summary", lambda: ptl(records, census), out / "ptl.parquet")
    listed = engine.read_parquet(out / "ptl.parquet")
    timed("ptl + summary", lambda: summary(listed), out / "ptl_summary.parquet")
    return {
        "seconds": time.perf_counter() - started,
        "cpu": cpu_seconds(),
        "peak_gb": peak_gb(),
        "steps": steps,
        "build": build,
        "build_cpu": build_cpu,
        "execute": execute,
    }


def run_sql(path: Path, census: dt.date, out: Path) -> dict:
    """The hand-written DuckDB SQL of the same work (bench/cwt_duckdb_sql.py), in the same steps."""
    import duckdb

    sys.path.insert(0, str(Path(__file__).parent))
    import cwt_duckdb_sql as hand

    steps: dict[str, float] = {}
    started = time.perf_counter()
    conn = duckdb.connect()
    conn.execute("SET enable_progress_bar = false")
    hand.load_reference(conn, census)

    def copy(step: str, sql: str, target: Path) -> None:
        mark = time.perf_counter()
        conn.execute(f"COPY ({sql}) TO '{target}' (FORMAT parquet)")
        steps[step] = steps.get(step, 0.0) + time.perf_counter() - mark

    fine = out / "sql_fine_counts.parquet"
    copy("evaluate", hand.fine_counts_sql(path), fine)
    for name, by in TABLES.items():
        copy(
            f"performance {name}",
            hand.performance_sql(f"read_parquet('{fine}')", by),
            out / f"sql_{name}.parquet",
        )
    listed = out / "sql_ptl.parquet"
    copy("ptl + summary", hand.ptl_sql(path, census), listed)
    copy("ptl + summary", hand.summary_sql(f"read_parquet('{listed}')"), out / "sql_ptl_summary.parquet")
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


def agreement(out: Path, prefix: str) -> dict[str, str]:
    """Whether a baseline (files named `prefix`...) produced the platform's national-by-month table,
    PTL size and number of pathways under each PTL flag."""
    import pandas as pd

    keys = ["standard_id", "reporting_month"]
    ours = pd.read_parquet(out / "month.parquet").set_index(keys).sort_index()
    theirs = pd.read_parquet(out / f"{prefix}month.parquet").set_index(keys).sort_index()
    same = ours.index.equals(theirs.index) and all(
        (ours[c] - theirs[c]).abs().max() == 0 for c in ("total", "within", "breaches")
    )
    ours_ptl, theirs_ptl = pd.read_parquet(out / "ptl.parquet"), pd.read_parquet(out / f"{prefix}ptl.parquet")
    flags = {flag: (int(ours_ptl[flag].sum()), int(theirs_ptl[flag].sum())) for flag in PTL_FLAGS}
    return {
        "performance by month": "identical totals" if same else "DIFFERENT",
        "ptl rows": f"{len(ours_ptl):,} vs {len(theirs_ptl):,}"
        + ("" if len(ours_ptl) == len(theirs_ptl) else " DIFFERENT"),
        "ptl flags": "; ".join(
            f"{flag} {a:,}" + ("" if a == b else f" vs {b:,} DIFFERENT") for flag, (a, b) in flags.items()
        ),
    }


SIDES = {"engine": run_engine, "sql": run_sql, "pandas": run_pandas}
#: Compiled SQL of the engine side (docs/decisions/0033): emptied before the cold run.
PLAN_CACHE = BENCH_DIR / "plans"


def run_side(side: str, records: int, census: dt.date) -> dict:
    """One side in its own process, so that its peak memory is its own."""
    command = [sys.executable, __file__, "--records", str(records), "--census", str(census), "--side", side]
    environment = {**os.environ, "ALLIANCE_PLAN_CACHE": str(PLAN_CACHE.resolve())}
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=environment)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=DEFAULT_RECORDS)
    parser.add_argument("--census", type=dt.date.fromisoformat, default=CENSUS)
    parser.add_argument(
        "--skip-pandas", action="store_true", help="leave out the pandas baseline (minutes at scale 1)"
    )
    parser.add_argument("--side", choices=sorted(SIDES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    path = records_path(args.records)
    out = BENCH_DIR / "out"
    out.mkdir(parents=True, exist_ok=True)
    if args.side:
        print(json.dumps(SIDES[args.side](path, args.census, out)))
        return 0

    load_before = os.getloadavg()[0]
    shutil.rmtree(PLAN_CACHE, ignore_errors=True)
    results = {"cold": run_side("engine", args.records, args.census)}
    results["engine"] = run_side("engine", args.records, args.census)
    results["sql"] = run_side("sql", args.records, args.census)
    if not args.skip_pandas:
        results["pandas"] = run_side("pandas", args.records, args.census)
    load_after = os.getloadavg()[0]
    sides = list(results)
    print(f"CWT benchmark: {args.records:,} generated records, census {args.census}, {dt.date.today()}")
    print(f"machine: {os.cpu_count()} cores, load average {load_before:.2f} before, {load_after:.2f} after")
    print("cold: the platform, no compiled SQL stored; engine: the next run, reusing it; sql: hand-written")
    print(f"{'step':<30}" + "".join(f"{side:>10}" for side in sides))
    for step in results["engine"]["steps"]:
        print(f"{step:<30}" + "".join(f"{results[side]['steps'][step]:>10.2f}" for side in sides))
    for label, key in (
        ("total wall time (s)", "seconds"),
        ("CPU time, user + system (s)", "cpu"),
        ("peak memory (GB)", "peak_gb"),
    ):
        print(f"{label:<30}" + "".join(f"{results[side][key]:>10.2f}" for side in sides))
    for side in ("cold", "engine"):
        run = results[side]
        print(
            f"{side}: building plans {run['build']:.2f} s ({run['build_cpu']:.2f} CPU s), "
            f"DuckDB running + writing {run['execute']:.2f} s"
        )
    engine, sql = results["engine"], results["sql"]
    versus_sql = engine["seconds"] / sql["seconds"]
    print(f"platform / hand-written SQL: {versus_sql:.2f}x wall, {engine['cpu'] / sql['cpu']:.2f}x CPU")
    if "pandas" in results:
        print(f"speed-up over pandas: {results['pandas']['seconds'] / engine['seconds']:.1f}x")
    for prefix, name in (("sql_", "hand-written SQL"), ("pandas_", "pandas")):
        if prefix.rstrip("_") in results:
            for check, verdict in agreement(out, prefix).items():
                print(f"agreement with {name}, {check}: {verdict}")
    met = (
        engine["seconds"] <= TARGET_SECONDS
        and engine["peak_gb"] < TARGET_GB
        and versus_sql <= TARGET_RATIO
        and engine["build"] < TARGET_BUILD
    )
    print(
        f"targets (<= {TARGET_SECONDS:.0f} s, < {TARGET_GB:.0f} GB, <= {TARGET_RATIO:.0f}x hand-written SQL, "
        f"plan building < {TARGET_BUILD} s):",
        "met" if met else "NOT met",
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
