"""Synthetic data benchmark (issue 4 items 4 and 5): generate a national year (scale 1) and check it.

Prints the generation time and peak memory (targets: under 90 s and 6 GB for at least 3 million CWT
records plus the other tables), then runs the same comparison as `alliance synth check` and fails
unless every 2018/19 CWT standard is within 1.5 percentage points of the published national figure and
the stage and emergency presentation shares within 2 points. GENERATED DATA, NOT REAL PATIENTS.

Generation runs in its own process so that its peak memory (resource.getrusage, ru_maxrss) is its own.
Wall time is the target; CPU time (user + system) and the load average are printed beside it because
on a shared machine other processes stretch the wall time.

Usage: python bench/synth_bench.py [--scale 1] [--seed 2018] [--out .bench/synth]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

TIME_TARGET_S = 90
MEMORY_TARGET_GB = 6
MIN_CWT_RECORDS = 3_000_000


def _generate(scale: float, seed: int, out: Path) -> dict:
    code = (
        "import json, sys; from cancer_alliance.synth import generate; "
        f"s = generate('2018/19', scale={scale}, seed={seed}, out={str(out)!r}); "
        "print(json.dumps(s.as_json()))"
    )
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "summary": json.loads(done.stdout),
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_gb": usage.ru_maxrss / 1024**2,
    }  # ru_maxrss is in kB on Linux


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--out", type=Path, default=Path(".bench") / "synth")
    args = parser.parse_args()

    result = _generate(args.scale, args.seed, args.out)
    rows = result["summary"]["rows"]
    load = os.getloadavg()[0]
    print(
        f"synth generate --scale {args.scale} --seed {args.seed}: {result['seconds']:.1f} s wall, "
        f"{result['cpu_seconds']:.1f} s CPU (target {TIME_TARGET_S} s), "
        f"peak memory {result['peak_gb']:.2f} GB "
        f"(target {MEMORY_TARGET_GB} GB); load average {load:.1f} on {os.cpu_count()} cores"
    )
    for table, n in rows.items():
        print(f"  {table:<26} {n:>12,} rows")
    failures = []
    if result["seconds"] > TIME_TARGET_S:
        failures.append(f"generation took {result['seconds']:.1f} s")
    if result["peak_gb"] > MEMORY_TARGET_GB:
        failures.append(f"generation peaked at {result['peak_gb']:.2f} GB")
    if args.scale >= 1 and rows["cwt"] < MIN_CWT_RECORDS:
        failures.append(f"only {rows['cwt']:,} CWT records")

    from cancer_alliance.synth import check

    started = time.perf_counter()
    report = check(args.out)
    print(f"\nsynth check: {time.perf_counter() - started:.1f} s")
    print(f"  {'measure':<40} {'published %':>11} {'generated %':>11} {'diff pp':>8} {'allowed':>8}")
    for c in report.comparisons:
        print(
            f"  {c.measure:<40} {c.published:>11.2f} {c.generated:>11.2f} {c.difference_pp:>+8.2f} "
            f"{c.allowed_pp:>8.1f} {'ok' if c.ok else 'OUTSIDE'}"
        )
        if not abs(c.difference_pp) <= c.tolerance_pp:  # the tolerance, not widened for noise
            failures.append(f"{c.measure} is {c.difference_pp:+.2f} points from the published figure")
    for failure in failures:
        print(f"FAIL: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
