"""Web benchmark (issue 6 item 6): main pages and API calls at 20 concurrent clients on loopback,
against national-scale results (`alliance demo --no-serve --scale 1`, cached in .bench/web/scale-1/home).
GENERATED DATA, NOT REAL PATIENTS.

The server runs as `alliance serve --workers 2` (one uvicorn worker per core); the load comes from
20 asyncio clients (httpx) signed in as a national user, each cycling through the URLs for a fixed
time, so the run is bounded. Target: p95 under 300 ms for every URL. The load generator shares the
machine's cores with the server, so the figures are, if anything, pessimistic.

Usage: python bench/web_bench.py [--home PATH] [--seconds S] [--clients N] [--workers W] [--scale X]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sys
import time
from pathlib import Path

import httpx
from web_client import percentile, sign_in, start_server

BENCH_HOMES = Path(".bench") / "web"
TARGET_P95_MS = 300.0
USERNAME = "bench.national"
PASSWORD = "quiet harbour lantern 42"


def prepare(home: Path, scale: float) -> None:
    """Demo results at `scale` in `home` (kept between runs), and the bench user."""
    os.environ["ALLIANCE_HOME"] = str(home.resolve())
    os.environ.pop("ALLIANCE_DATABASE_URL", None)
    if not (home / "results" / "generation.json").exists():
        from cancer_alliance.demo import prepare as prepare_demo

        started = time.perf_counter()
        prepare_demo(scale, step=lambda text: print(f"  {text}", flush=True))
        print(f"prepared national-scale results in {time.perf_counter() - started:.0f} s")
    from cancer_alliance.store import Auditor, change_password, create_user, find_user, migrate, open_store

    migrate()
    store = open_store()
    with store.begin() as session:
        auditor = Auditor(session, job_id="web-bench")
        user = find_user(session, USERNAME)
        if user is None:
            create_user(session, auditor, username=USERNAME, role="national", password=PASSWORD)
        else:
            change_password(user, PASSWORD, auditor)
    store.close()


def urls(home: Path) -> list[str]:
    """The main pages and API calls, with a busy trust, tumour type and pathway from the results."""
    import pyarrow.parquet as pq

    ptl = pq.read_table(home / "results" / "ptl.parquet", columns=["record_id", "provider", "tumour_type"])
    frame = ptl.to_pandas()
    trust = frame["provider"].value_counts().index[0]
    tumour = frame["tumour_type"].value_counts().index[0]
    record = frame[frame["provider"] == trust]["record_id"].iloc[0]
    from cancer_alliance.reference import provider_alliance

    alliance = provider_alliance()[trust]
    return [
        "/",
        "/?metric=2ww",
        "/?metric=early_stage",
        f"/alliances/{alliance}",
        f"/trusts/{trust}",
        "/performance",
        f"/performance?standard=62d_usc&provider={trust}&tumour_type={tumour}",
        "/about",
        f"/ptl?provider={trust}",
        f"/ptl?provider={trust}&page=2",
        "/ptl?sort=breach_date_62d",
        f"/ptl/{record}",
        "/api/alliances",
        f"/api/alliances/{alliance}/trusts",
        "/api/performance?standard=2ww",
        f"/api/alliances/{alliance}/trend",
        f"/api/ptl?provider={trust}&limit=100",
        "/api/ptl/summary",
    ]


async def load(base: str, paths: list[str], clients: int, seconds: float) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {path: [] for path in paths}
    errors: list[str] = []
    first = await sign_in(
        base, USERNAME, PASSWORD
    )  # one sign-in: the login rate limit would refuse 20 in a row
    sessions = [first] + [
        httpx.AsyncClient(base_url=base, timeout=30, cookies=first.cookies) for _ in range(clients - 1)
    ]
    for path in paths:  # warm the per-process caches once
        await sessions[0].get(path)
    stop = time.monotonic() + seconds

    async def worker(index: int, client: httpx.AsyncClient) -> None:
        i = index
        while time.monotonic() < stop:
            path = paths[i % len(paths)]
            i += 1
            started = time.perf_counter()
            response = await client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                errors.append(f"{path}: {response.status_code}")
            timings[path].append(elapsed)

    await asyncio.gather(*(worker(i, c) for i, c in enumerate(sessions)))
    for client in sessions:
        await client.aclose()
    if errors:
        raise RuntimeError(f"{len(errors)} failed requests, e.g. {errors[:3]}")
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="default: .bench/web/scale-<scale>/home")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes (one per core)")
    args = parser.parse_args()
    # one home per scale: results prepared at another scale are never reused for this one
    args.home = args.home or BENCH_HOMES / f"scale-{args.scale:g}" / "home"
    prepare(args.home, args.scale)
    generation = json.loads((args.home / "results" / "generation.json").read_text())
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "ALLIANCE_HOME": str(args.home.resolve())}
    server = start_server(["--port", str(port), "--workers", str(args.workers)], env, wait_seconds=60)
    try:
        paths = urls(args.home)
        timings = asyncio.run(load(f"http://127.0.0.1:{port}", paths, args.clients, args.seconds))
    finally:
        server.terminate()
        server.wait(timeout=20)
    total = sum(len(v) for v in timings.values())
    print(
        f"results at scale {args.scale} (as of {generation['as_of']}); "
        f"{args.clients} clients for {args.seconds:.0f} s: {total:,} requests, {total / args.seconds:.0f}/s"
    )
    print(f"{'URL':70} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    worst = 0.0
    for path, values in timings.items():
        p95 = percentile(values, 95)
        worst = max(worst, p95)
        print(
            f"{path[:70]:70} {len(values):>6} {percentile(values, 50):>8.0f} {p95:>8.0f} {max(values):>8.0f}"
        )
    every = [v for values in timings.values() for v in values]
    p50_all, p95_all = percentile(every, 50), percentile(every, 95)
    print(f"{'all':70} {len(every):>6} {p50_all:>8.0f} {p95_all:>8.0f} {max(every):>8.0f}")
    met = worst < TARGET_P95_MS
    verdict = "met" if met else "MISSED"
    print(f"target p95 < {TARGET_P95_MS:.0f} ms on every URL: {verdict} (worst p95 {worst:.0f} ms)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
