"""Spark servers started from the installed PySpark for the tests (docs/decisions/0034): a Spark Connect
server, and a standalone master with one worker. Each runs in the foreground of its own process group,
owned by the test session, logging to a file whose tail is shown if it fails to start."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyspark

SPARK_HOME = Path(pyspark.__file__).parent
START_TIMEOUT_SECONDS = 300


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def spark_process(
    script: str,
    arguments: list[str],
    port: int,
    log: Path,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> Iterator[None]:
    """Run PySpark's `bin/SCRIPT ARGUMENTS` until the block ends, once it listens on `port`."""
    environment = os.environ | {"SPARK_HOME": str(SPARK_HOME), "SPARK_LOCAL_IP": "127.0.0.1"} | (env or {})
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(SPARK_HOME / "bin" / script), *arguments],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=environment,
            cwd=cwd,
            start_new_session=True,
        )
    try:
        _wait_for(port, process, log)
        yield
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


def _wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    tail = log.read_text(errors="replace")[-3000:]
    raise RuntimeError(f"Spark process on port {port} did not start:\n{tail}")


@contextmanager
def connect_server(folder: Path) -> Iterator[str]:
    """A local Spark Connect server (two cores); yields its `sc://` URL."""
    port = free_port()
    arguments = [
        "--class",
        "org.apache.spark.sql.connect.service.SparkConnectServer",
        "--master",
        "local[2]",
        "--conf",
        f"spark.connect.grpc.binding.port={port}",
        "--conf",
        "spark.connect.grpc.binding.address=127.0.0.1",
        "--conf",
        "spark.ui.enabled=false",
        "--conf",
        "spark.sql.shuffle.partitions=4",
        "--conf",
        f"spark.sql.warehouse.dir={folder / 'warehouse'}",
        "--name",
        "alliance-tests-connect",
    ]
    with spark_process("spark-submit", arguments, port, folder / "connect-server.log", cwd=folder):
        yield f"sc://127.0.0.1:{port}"


@contextmanager
def standalone_cluster(folder: Path) -> Iterator[str]:
    """A standalone master and one worker (one core, its own scratch folder); yields the `spark://` URL."""
    master, worker = free_port(), free_port()
    master_arguments = ["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(master)]
    master_arguments += ["--webui-port", str(free_port())]
    url = f"spark://127.0.0.1:{master}"
    worker_arguments = [
        "org.apache.spark.deploy.worker.Worker",
        url,
        "--host",
        "127.0.0.1",
        "--port",
        str(worker),
    ]
    worker_arguments += ["--webui-port", str(free_port()), "--cores", "1", "--memory", "1g"]
    worker_arguments += ["--work-dir", str(folder / "worker")]
    worker_env = {"SPARK_LOCAL_DIRS": str(folder / "worker-scratch")}
    with (
        spark_process("spark-class", master_arguments, master, folder / "master.log"),
        spark_process("spark-class", worker_arguments, worker, folder / "worker.log", env=worker_env),
    ):
        yield url
