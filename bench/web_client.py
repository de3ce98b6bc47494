"""What the web benches share: start `alliance serve` and wait until it answers, sign a client in
through the login form (CSRF token and all, as a browser does), and a percentile of response times."""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx


def start_server(arguments: list[str], env: dict[str, str], wait_seconds: float) -> subprocess.Popen:
    """Run `alliance serve --port PORT ...ARGUMENTS` (this environment's `alliance`) with `env` until
    `/login` answers 200."""
    command = [str(Path(sys.executable).parent / "alliance"), "serve", *arguments]
    process = subprocess.Popen(command, env=env)
    port = command[command.index("--port") + 1]
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("server did not start")


async def sign_in(base: str, username: str, password: str) -> httpx.AsyncClient:
    """A client holding `username`'s signed-in session."""
    client = httpx.AsyncClient(base_url=base, timeout=30)
    page = (await client.get("/login")).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    data = {"username": username, "password": password, "csrf_token": token}
    response = await client.post("/login", data=data)
    if response.status_code not in (200, 303):
        raise RuntimeError(f"sign-in as {username} failed: {response.status_code}")
    return client


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def tree_cpu_seconds(pid: int) -> float | None:
    """CPU seconds (user + system) used so far by process `pid` and its live descendants, from
    /proc (Linux); None where there is no /proc. Lets a bench on a shared machine report the server's
    own cost beside wall times that other work inflates."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = (proc / str(current) / "stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
            for task in (proc / str(current) / "task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total
