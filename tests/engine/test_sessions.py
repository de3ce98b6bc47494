"""Spark sessions (docs/decisions/0034): an analyst's running session (a Databricks notebook's) is used as
it is and keeps its settings after the rules run on it; Spark Connect is chosen by a remote URL; Spark's
errors become one line without the values Spark quotes."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.cwt.spec.baseline import BASELINE

from cancer_alliance.cwt import evaluate
from cancer_alliance.cwt.settings import DEFAULT_SETTINGS
from cancer_alliance.engine import open_engine
from cancer_alliance.engine.spark import adopt, connect_engine, failure_message, spark_engine, spark_remote
from cancer_alliance.schemas import schema

ROOT = Path(__file__).parents[2]
PYTHONPATH = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
#: A Databricks workspace's defaults, unlike the platform's own (4 partitions, UTC).
ANALYST_SETTINGS = {"spark.sql.shuffle.partitions": "200", "spark.sql.session.timeZone": "Europe/London"}

RECORDS = [
    BASELINE
    | {
        "record_id": f"r{day}",
        "referral_received_date": dt.date(2023, 3, 1),
        "date_first_seen": dt.date(2023, 3, day),
        "decision_to_treat_date": dt.date(2023, 3, 20),
        "treatment_start_date": dt.date(2023, 3, 26 + day % 3),  # 26 March 2023: clocks went forward
        "provider_first_seen": "TA",
        "provider_treatment": "TA",
    }
    for day in range(2, 20)
]


def _facts(engine) -> list[tuple]:
    frame = evaluate(engine.frame(schema("cwt"), RECORDS), DEFAULT_SETTINGS)
    return sorted(tuple(row.values()) for row in engine.rows(frame))


def _configure(session) -> None:
    for key, value in ANALYST_SETTINGS.items():
        session.conf.set(key, value)


def _settings(session) -> dict[str, str]:
    return {key: session.conf.get(key) for key in ANALYST_SETTINGS}


@pytest.mark.spark
def test_a_running_classic_session_keeps_its_settings_and_gives_duckdbs_facts():
    existing = open_engine("spark").session.newSession()  # same cluster, its own settings
    _configure(existing)
    engine = adopt(existing)
    assert not engine.owned
    assert _facts(engine) == _facts(open_engine("duckdb"))
    assert _settings(existing) == ANALYST_SETTINGS


NOTEBOOK = """
import json, sys
from pyspark.sql.connect.session import SparkSession
from cancer_alliance.engine import open_engine
from tests.engine.test_sessions import ANALYST_SETTINGS, _configure, _facts, _settings

spark = SparkSession.builder.remote(sys.argv[1]).getOrCreate()  # the notebook's own session
_configure(spark)
engine = open_engine("spark")
same = engine.session is spark and engine.connect and not engine.owned
print(json.dumps([same, _facts(engine) == _facts(open_engine("duckdb")), _settings(spark)]))
spark.stop()
"""


@pytest.mark.spark
@pytest.mark.connect
def test_a_running_connect_session_is_used_as_it_is(spark_connect_url, tmp_path):
    """A notebook process (a Connect client, as on Databricks) whose session exists before the platform's
    first call: the platform uses that session, and its settings are those the notebook set."""
    environment = os.environ | {"ALLIANCE_SPARK_REMOTE": spark_connect_url, "PYTHONPATH": PYTHONPATH}
    run = subprocess.run(
        [sys.executable, "-c", NOTEBOOK, spark_connect_url],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert json.loads(run.stdout.splitlines()[-1]) == [True, True, ANALYST_SETTINGS]


@pytest.mark.spark
@pytest.mark.connect
def test_a_session_the_platform_creates_over_connect_has_its_time_zone(spark_connect_url):
    engine = connect_engine(spark_connect_url)
    try:
        assert engine.connect and engine.owned
        assert engine.session.conf.get("spark.sql.session.timeZone") == "UTC"
    finally:
        engine.session.stop()


def test_the_remote_comes_from_alliance_spark_remote_then_spark_remote(monkeypatch):
    monkeypatch.delenv("ALLIANCE_SPARK_REMOTE", raising=False)
    monkeypatch.delenv("SPARK_REMOTE", raising=False)
    assert spark_remote() is None
    monkeypatch.setenv("SPARK_REMOTE", "sc://spark:15002")
    assert spark_remote() == "sc://spark:15002"
    monkeypatch.setenv("ALLIANCE_SPARK_REMOTE", "sc://alliance:443/;use_ssl=true")
    assert spark_remote() == "sc://alliance:443/;use_ssl=true"


def test_a_connect_url_as_master_is_refused_with_the_variable_to_use(monkeypatch):
    monkeypatch.setenv("ALLIANCE_SPARK_MASTER", "sc://spark:15002")
    with pytest.raises(ValueError, match="is a Spark Connect URL: set ALLIANCE_SPARK_REMOTE"):
        spark_engine()


def test_only_spark_errors_get_a_spark_message():
    assert failure_message(ValueError("not Spark")) is None


@pytest.mark.spark
def test_a_spark_error_is_one_line_without_quoted_values():
    spark = open_engine("spark").session
    with pytest.raises(Exception) as raised:
        spark.sql("SELECT CAST('N9434765919' AS INT) AS n").collect()  # ANSI mode refuses the cast
    message = failure_message(raised.value)
    assert message is not None and message.startswith("Spark: ")
    assert "\n" not in message and "9434765919" not in message, message
