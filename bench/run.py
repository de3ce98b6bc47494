"""`make bench`: every benchmark in turn, each in its own process, printing its figures.

Generated data only (cached under .bench/). The targets are in each script's docstring and in
docs/performance.md; a script exits non-zero when a target it checks is missed, and this runner
reports which ones did.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
#: In order: the data the later benches reuse comes first (pathways_bench reuses synth_bench's year).
BENCHES = [
    "synth_bench.py",
    "ingest_bench.py",
    "cwt_bench.py",
    "spc_bench.py",
    "web_bench.py",
    "web_load_bench.py",
    "web_keepalive_race.py",
    "pathways_bench.py",
    "followup_bench.py",
    "fit_bench.py",
    "lung_bench.py",
    "radiotherapy_bench.py",
    "programme_bench.py",
    "results_bench.py",
    "storage_bench.py",
]


def main() -> int:
    failed = []
    for name in BENCHES:
        script = HERE / name
        if not script.exists():
            print(f"== {name}: not present", flush=True)
            failed.append(name)
            continue
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, str(script)])
        print(f"== {name}: exit {code} after {time.perf_counter() - started:.0f} s", flush=True)
        if code:
            failed.append(name)
    print("bench: all targets met" if not failed else f"bench: missed or failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
