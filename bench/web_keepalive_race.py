"""Dropped connections (issue 21): clients that reuse a kept-alive connection after about 5 s idle,
against the web application under uvicorn with a 5 s keep-alive (uvicorn's default, as before) and
with `WebSettings.keep_alive` (as `alliance serve` runs now). GENERATED DATA, NOT REAL PATIENTS.

httpx keeps an idle connection in its pool for 5 s; when the server waits the same time, a request
sent just as the server closes the connection gets no answer (`RemoteProtocolError`). The load bench
met this when its first signed-in clients waited for the others to sign in. Loopback only; about
20 s per setting.

Usage: python bench/web_keepalive_race.py [--clients N] [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time

import httpx

from cancer_alliance.store import migrate
from cancer_alliance.web.settings import WebSettings

UVICORN_DEFAULT_KEEP_ALIVE = 5


async def idle_then_reuse(base: str, clients: int, rounds: int) -> tuple[int, int]:
    """Each client opens a connection, then `rounds` times waits 4.9-5.0 s (just under both
    timeouts) and asks again on it."""
    answered = dropped = 0

    async def client() -> None:
        nonlocal answered, dropped
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            await http.get("/login")
            for _ in range(rounds):
                await asyncio.sleep(random.uniform(4.9, 5.0))
                try:
                    status = (await http.get("/login")).status_code
                except httpx.TransportError:
                    dropped += 1
                    continue
                if status != 200:
                    raise RuntimeError(f"/login answered {status}")
                answered += 1

    await asyncio.gather(*(client() for _ in range(clients)))
    return answered, dropped


def serve(keep_alive: int, home: str) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-m", "uvicorn", "cancer_alliance.web.app:app_from_environment", "--factory"]
    command += ["--port", str(port), "--log-level", "warning", "--timeout-keep-alive", str(keep_alive)]
    process = subprocess.Popen(command, env={**os.environ, "ALLIANCE_HOME": home})
    base = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("server did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    ours = int(WebSettings.__dataclass_fields__["keep_alive"].default.total_seconds())
    dropped_now = 0
    with tempfile.TemporaryDirectory(prefix="alliance-keepalive-") as home:
        os.environ["ALLIANCE_HOME"] = home
        os.environ.pop("ALLIANCE_DATABASE_URL", None)
        migrate()  # an empty store: only the sign-in page is asked for
        for keep_alive in (UVICORN_DEFAULT_KEEP_ALIVE, ours):
            process, base = serve(keep_alive, home)
            try:
                answered, dropped = asyncio.run(idle_then_reuse(base, args.clients, args.rounds))
            finally:
                process.terminate()
                process.wait(timeout=30)
            print(
                f"server keep-alive {keep_alive:>2} s, client pool 5 s: {answered} answered, {dropped} lost"
            )
            dropped_now = dropped
    return 0 if dropped_now == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
