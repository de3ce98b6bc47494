"""Spark sessions (docs/decisions/0034): a session already running in the process (a Databricks
notebook's) is used as it is; else a Spark Connect client when a remote is set; else a classic session
the platform creates. The platform's settings apply only to the sessions it creates: an analyst's
session keeps its shuffle partitions, time zone and name. The rules need no time zone: they work on
DATE values only, which Spark keeps without one (checked by tests/engine/test_import_boundary.py)."""

from __future__ import annotations

import logging
import os
import re
from typing import Any

from cancer_alliance.engine import Engine, EngineName

REMOTE_VARIABLES = ("ALLIANCE_SPARK_REMOTE", "SPARK_REMOTE")
MASTER_VARIABLE = "ALLIANCE_SPARK_MASTER"
DRIVER_MEMORY_VARIABLE = "ALLIANCE_SPARK_DRIVER_MEMORY"
#: Settings of the sessions the platform creates: a small local machine by default, and UTC so that any
#: time shown in Spark's own output reads the same everywhere.
CREATED_SETTINGS = {"spark.sql.shuffle.partitions": "4", "spark.sql.session.timeZone": "UTC"}
APP_NAME = "cancer-alliance"

_log = logging.getLogger(__name__)


def spark_remote() -> str | None:
    """The Spark Connect URL (`sc://host:port/;token=...`) from `ALLIANCE_SPARK_REMOTE`, else Spark's own
    `SPARK_REMOTE`, else None."""
    for variable in REMOTE_VARIABLES:
        if value := os.environ.get(variable, "").strip():
            return value
    return None


def spark_engine() -> Engine:
    """The Spark engine for this process: the active session if there is one, else a new Connect or
    classic session."""
    master = os.environ.get(MASTER_VARIABLE, "")
    if master.startswith("sc://"):
        raise ValueError(f"{MASTER_VARIABLE}={master!r} is a Spark Connect URL: set {REMOTE_VARIABLES[0]}")
    remote = spark_remote()
    if remote:
        active = _connect_module().SparkSession.getActiveSession()
        return adopt(active) if active is not None else connect_engine(remote)
    active = _classic_module().SparkSession.getActiveSession()
    return adopt(active) if active is not None else Engine(EngineName.spark, _classic_session())


def adopt(session: Any) -> Engine:
    """An engine over a session someone else made; none of its settings is changed."""
    _log.info("using the running Spark session as it is (%s)", describe(session))
    return Engine(EngineName.spark, session, owned=False)


def connect_engine(remote: str) -> Engine:
    """A new Spark Connect session on `remote` with the platform's settings; the client needs no Java.
    Shuffle partitions are left to the server, which knows its cluster (adaptive execution coalesces)."""
    builder = _connect_module().SparkSession.builder.remote(remote)
    session = builder.config("spark.sql.session.timeZone", CREATED_SETTINGS["spark.sql.session.timeZone"])
    return Engine(EngineName.spark, session.create())


def describe(session: Any) -> str:
    """Where a Spark session runs and the settings that matter to the platform, for logs and docs."""
    conf = session.conf
    return ", ".join(
        f"{key.rsplit('.', 1)[-1]}={conf.get(key)}"
        for key in ("spark.sql.session.timeZone", "spark.sql.shuffle.partitions")
    )


def failure_message(error: BaseException) -> str | None:
    """One line for an error raised by Spark (classic via Py4J, or Connect), None for any other error.
    Quoted literals are blanked: Spark quotes the offending value, which may be a patient's."""
    module = type(error).__module__
    if not module.startswith(("pyspark.", "py4j.")):
        return None
    java = getattr(error, "java_exception", None)
    text = str(java.toString()) if java is not None else str(error)
    line = next((line.strip() for line in text.splitlines() if line.strip()), type(error).__name__)
    return "Spark: " + re.sub(r"'[^']*'", "'…'", line)[:300]


def _classic_session() -> Any:
    master = os.environ.get(MASTER_VARIABLE) or "local[2]"
    builder = _classic_module().SparkSession.builder.master(master).appName(APP_NAME)
    for key, value in CREATED_SETTINGS.items():
        builder = builder.config(key, value)
    session = (
        builder.config("spark.ui.enabled", "false")
        .config("spark.driver.memory", os.environ.get(DRIVER_MEMORY_VARIABLE, "2g"))
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def _classic_module() -> Any:
    try:
        import pyspark.sql as classic
    except ImportError:
        raise RuntimeError(
            "the Spark engine needs PySpark: pip install 'cancer-alliance[spark]' (and Java 17)"
        ) from None
    return classic


def _connect_module() -> Any:
    try:
        import pyspark.sql.connect.session as connect
    except ImportError as error:
        raise RuntimeError(
            f"Spark Connect needs its client packages: pip install 'cancer-alliance[connect]' ({error})"
        ) from None
    return connect
