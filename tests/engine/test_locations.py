"""Inputs and outputs as local paths, URIs and catalogue tables (docs/decisions/0034), and `alliance cwt
evaluate` over Spark Connect: the same bytes as DuckDB for a local CSV, URIs and tables read and written by
the engine, Spark's errors as one line with exit code 1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from tests.cwt.test_cli import RECORDS, write_records
from typer.testing import CliRunner

from cancer_alliance.cli import (
    app,
    commands,  # noqa: F401  (registers the commands)
)
from cancer_alliance.cwt.files import read_records
from cancer_alliance.engine import open_engine
from cancer_alliance.engine.io import Kind, location

ROOT = Path(__file__).parents[2]
CLI = "from cancer_alliance.cli import main; main()"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("facts.csv", Kind.path),
        ("out/facts.parquet", Kind.path),
        ("/data/records.v2.parquet", Kind.path),
        ("upload.xml", Kind.path),
        ("file:///data/records.parquet", Kind.uri),
        ("dbfs:/alliance/facts.parquet", Kind.uri),
        ("s3a://bucket/lake/records.parquet", Kind.uri),
        ("abfss://lake@account.dfs.core.windows.net/records.csv", Kind.uri),
        ("main.cancer.cwt_records", Kind.table),
        ("cancer.cwt_records", Kind.table),
    ],
)
def test_a_location_is_a_path_a_uri_or_a_table(text, kind):
    assert location(text).kind == kind


@pytest.mark.parametrize(
    ("text", "rejected"),
    [
        ("out/facts.csv", "out/facts.rejected.csv"),
        ("dbfs:/alliance/facts.parquet", "dbfs:/alliance/facts.rejected.csv"),
        ("s3a://bucket.eu/facts.parquet/", "s3a://bucket.eu/facts.rejected.csv"),
        ("main.cancer.cwt_facts", "main.cancer.cwt_facts_rejected"),
    ],
)
def test_the_rejections_sit_beside_the_output(text, rejected):
    assert location(text).sibling(".rejected.csv").text == rejected


@pytest.mark.cli
@pytest.mark.parametrize("output", ["dbfs:/alliance/facts.parquet", "main.cancer.cwt_facts"])
def test_duckdb_refuses_a_uri_or_table_without_writing_a_local_folder(tmp_path, monkeypatch, output):
    monkeypatch.chdir(tmp_path)
    source = write_records(tmp_path / "records.csv", RECORDS)
    result = CliRunner().invoke(app, ["cwt", "evaluate", str(source), "-o", output, "--engine", "duckdb"])
    assert result.exit_code == 2
    assert "needs the Spark engine" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records.csv"]  # no folder named "dbfs:"


def _alliance(args: list[str], remote: str, cwd: Path) -> subprocess.CompletedProcess:
    """`alliance ARGS` as a Spark Connect client process (no JVM on this side)."""
    environment = os.environ | {
        "ALLIANCE_SPARK_REMOTE": remote,
        "ALLIANCE_ENGINE": "spark",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    }
    return subprocess.run(
        [sys.executable, "-c", CLI, *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd,
        timeout=600,
    )


@pytest.mark.cli
@pytest.mark.spark
@pytest.mark.connect
def test_over_connect_the_cli_writes_duckdbs_bytes_and_reads_and_writes_uris_and_tables(
    spark_connect_url, tmp_path
):
    source = write_records(tmp_path / "records.csv", RECORDS)
    duck = tmp_path / "duckdb"
    duck.mkdir()
    ours = CliRunner().invoke(
        app, ["cwt", "evaluate", str(source), "-o", str(duck / "facts.csv"), "--engine", "duckdb"]
    )
    assert ours.exit_code == 0, ours.output
    assert (
        CliRunner().invoke(app, ["cwt", "evaluate", str(source), "-o", str(duck / "facts.parquet")]).exit_code
        == 0
    )

    local = _alliance(["cwt", "evaluate", str(source), "-o", "facts.csv"], spark_connect_url, tmp_path)
    assert local.returncode == 0, local.stderr
    for name in ("facts.csv", "facts.rejected.csv"):
        assert (tmp_path / name).read_bytes() == (duck / name).read_bytes()

    uri = f"file://{tmp_path}/spark/facts.parquet"
    remote = _alliance(["cwt", "evaluate", f"file://{source}", "-o", uri], spark_connect_url, tmp_path)
    assert remote.returncode == 0, remote.stderr
    expected = pq.read_table(duck / "facts.parquet").to_pylist()
    written = pq.read_table(tmp_path / "spark" / "facts.parquet").to_pylist()
    key = lambda row: (row["record_id"], row["measure"], row["provider"] or "")  # noqa: E731
    assert sorted(written, key=key) == sorted(expected, key=key)

    saved = _alliance(
        ["cwt", "evaluate", f"file://{source}", "-o", "default.cwt_facts"], spark_connect_url, tmp_path
    )
    assert saved.returncode == 0, saved.stderr
    from pyspark.sql.connect.session import SparkSession

    spark = SparkSession.builder.remote(spark_connect_url).create()
    try:
        rows = [row.asDict() for row in spark.table("default.cwt_facts").collect()]
        rejected = spark.table("default.cwt_facts_rejected").count()
    finally:
        spark.stop()
    assert sorted(rows, key=key) == sorted(expected, key=key) and rejected == 1


@pytest.mark.cli
@pytest.mark.spark
@pytest.mark.connect
def test_over_connect_a_uri_gets_the_checks_of_a_file_and_a_spark_error_exits_1_in_one_line(
    spark_connect_url, tmp_path
):
    rows = [
        dict(RECORDS[0], date_first_seen="2019-02-30x"),
        dict(RECORDS[1], treatment_modality="ZZ"),  # a code list check, not only the form of a column
    ]
    bad = write_records(tmp_path / "bad.csv", rows)
    checked = _alliance(["cwt", "evaluate", f"file://{bad}", "-o", "x.csv"], spark_connect_url, tmp_path)
    assert checked.returncode == 0, checked.stderr
    reasons = (tmp_path / "x.rejected.csv").read_text(encoding="utf-8")
    assert "row 1, date_first_seen: " in reasons and "row 2, treatment_modality: " in reasons
    assert "2019-02-30x" not in reasons + checked.stderr
    unreadable = write_records(tmp_path / "no-id.csv", RECORDS)
    unreadable.write_text(unreadable.read_text().replace("record_id", "local_id", 1))
    refused = _alliance(
        ["cwt", "evaluate", f"file://{unreadable}", "-o", "y.csv"], spark_connect_url, tmp_path
    )
    assert refused.returncode == 2 and "missing required columns: record_id" in refused.stderr
    missing = _alliance(
        ["cwt", "evaluate", f"file://{tmp_path}/none.parquet", "-o", "z.csv"], spark_connect_url, tmp_path
    )
    assert missing.returncode == 1
    assert missing.stderr.startswith("Error: Spark: ") and missing.stderr.count("\n") == 1, missing.stderr
    assert not (tmp_path / "z.csv").exists()


@pytest.mark.cli
@pytest.mark.spark
def test_on_a_standalone_cluster_a_local_csv_gives_duckdbs_bytes_with_the_output_on_a_shared_folder(tmp_path):
    """Input and output on a shared folder, the driver's TMPDIR elsewhere: the CSV reaches the executors in
    memory with the query (what Spark never stages is tested by the next test)."""
    from tests.spark_servers import standalone_cluster

    shared, driver_tmp = tmp_path / "shared", tmp_path / "driver-tmp"
    shared.mkdir()
    driver_tmp.mkdir()
    source = write_records(shared / "records.csv", RECORDS)
    assert (
        CliRunner().invoke(app, ["cwt", "evaluate", str(source), "-o", str(tmp_path / "facts.csv")]).exit_code
        == 0
    )
    with standalone_cluster(tmp_path) as master:
        environment = os.environ | {
            "ALLIANCE_SPARK_MASTER": master,
            "ALLIANCE_ENGINE": "spark",
            "ALLIANCE_SPARK_DRIVER_MEMORY": "1g",
            "TMPDIR": str(driver_tmp),
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        }
        for name in ("ALLIANCE_SPARK_REMOTE", "SPARK_REMOTE"):
            environment.pop(name, None)
        run = subprocess.run(
            [sys.executable, "-c", CLI, "cwt", "evaluate", str(source), "-o", str(shared / "facts.csv")],
            capture_output=True,
            text=True,
            env=environment,
            cwd=tmp_path,
            timeout=900,
        )
    assert run.returncode == 0, run.stderr[-3000:]
    assert (shared / "facts.csv").read_bytes() == (tmp_path / "facts.csv").read_bytes()


@pytest.mark.spark
def test_spark_reads_a_local_csv_without_staging_it_on_the_driver(tmp_path):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    valid = [row for row in RECORDS if row["record_id"] != "bad"]  # read_records refuses a file with bad rows
    source = write_records(tmp_path / "records.csv", valid)
    records = read_records(open_engine("spark"), source, scratch)
    assert records.count() == len(valid)
    assert list(scratch.iterdir()) == []  # DuckDB, which is the driver, stages there


@pytest.mark.cli
@pytest.mark.spark
@pytest.mark.connect
def test_over_connect_fit_and_pathways_read_file_uris_and_write_duckdbs_bytes(
    spark_connect_url, tmp_path, monkeypatch
):
    from tests.fit.test_cli import write as write_episodes
    from tests.pathways.conftest import TEST_KEY, event, write_events

    monkeypatch.setenv("ALLIANCE_PSEUDONYM_KEY", TEST_KEY)  # pathways pseudonymise as at ingest
    episodes = write_episodes(tmp_path / "episodes.csv")
    events = write_events(
        tmp_path / "events.csv",
        [
            event("p1", "referral_received", "2020-03-02"),
            event("p1", "ct", "2020-03-06"),
            event("p2", "referral_received", "2020-03-10", tumour="prostate"),
            event("p2", "mpmri", "2020-02-30", tumour="prostate"),  # not a date: rejected by row
        ],
    )
    runs = {
        "fit.csv": ["fit", "metrics", str(episodes), "--by", "ccg_code"],
        "milestones.csv": ["pathways", "evaluate", str(events), "--as-of", "2020-04-30"],
    }
    (tmp_path / "duckdb").mkdir()
    for name, args in runs.items():
        ours = CliRunner().invoke(app, [*args, "-o", str(tmp_path / "duckdb" / name), "--engine", "duckdb"])
        assert ours.exit_code == 0, ours.output
        uri = [f"file://{a}" if a in (str(episodes), str(events)) else a for a in args]
        remote = _alliance([*uri, "-o", name], spark_connect_url, tmp_path)
        assert remote.returncode == 0, remote.stderr
        assert (tmp_path / name).read_bytes() == (tmp_path / "duckdb" / name).read_bytes()
    rejected = (tmp_path / "milestones.rejected.csv").read_text(encoding="utf-8")
    assert rejected == (tmp_path / "duckdb" / "milestones.rejected.csv").read_text(encoding="utf-8")


@pytest.mark.spark
def test_on_spark_cwt_ptl_and_performance_read_and_write_uris(tmp_path):
    """The report commands' library functions with a `file://` input and Parquet URIs as outputs, against
    DuckDB's local files (tables as outputs: the Connect test of `cwt evaluate`, which shares the writer)."""
    import datetime as dt

    from cancer_alliance.cwt.report_files import performance_file, ptl_file

    valid = [row for row in RECORDS if row["record_id"] != "bad"]  # the report commands stop at a bad row
    source = write_records(tmp_path / "records.csv", valid)
    census = dt.date(2019, 6, 30)
    local = ptl_file(source, tmp_path / "ptl.parquet", census, engine="duckdb")
    expected = pq.read_table(local.output).to_pylist()
    assert [row["record_id"] for row in expected] == ["e1"]  # referred 3 June 2019, not yet treated
    remote = ptl_file(f"file://{source}", f"file://{tmp_path}/spark/ptl.parquet", census, engine="spark")
    assert str(remote.summary_path) == f"file://{tmp_path}/spark/ptl.summary.parquet"
    assert pq.read_table(tmp_path / "spark" / "ptl.parquet").to_pylist() == expected
    summary = pq.read_table(tmp_path / "spark" / "ptl.summary.parquet").to_pylist()
    assert summary == pq.read_table(local.summary_path).to_pylist()
    by = ["provider"]
    table = performance_file(
        f"file://{source}", f"file://{tmp_path}/spark/performance.parquet", by, engine="spark"
    )
    assert table.equals(performance_file(source, tmp_path / "performance.parquet", by, engine="duckdb"))
    assert pq.read_table(tmp_path / "spark" / "performance.parquet").num_rows == table.num_rows == 4


URI = "dbfs:/alliance/input.csv"


@pytest.mark.cli
@pytest.mark.parametrize(
    "args",
    [
        ["cwt", "ptl", URI, "--census", "2019-03-31", "-o", "ptl.csv"],
        ["cwt", "performance", URI, "--by", "provider", "-o", "performance.csv"],
        ["cwt", "performance", "records.csv", "--by", "provider", "-o", "main.cancer.performance"],
        ["fit", "metrics", URI, "-o", "metrics.csv"],
        ["fit", "symptomatic", "main.cancer.cwt_records", "-o", "symptomatic.csv"],
        ["radiotherapy", "compliance", "--courses", URI, "--linacs", URI, "-o", "compliance.csv"],
        ["pathways", "evaluate", URI, "-o", "milestones.csv"],
        ["lung", "risk", "--model", "plcom2012", URI, "-o", "scored.csv"],
        ["fit", "metrics", "records.csv", "-o", "dbfs:/alliance/metrics.parquet"],
        ["fit", "thresholds", "records.csv", "-o", "plan.csv", "--demand", "main.cancer.demand"],
        ["fit", "symptomatic", "records.csv", "-o", "file:///shared/symptomatic.csv"],
        ["pathways", "evaluate", "records.csv", "-o", "main.cancer.milestones"],
        ["pathways", "report", "records.csv", "-o", "s3a://bucket/compliance.parquet"],
        ["lung", "risk", "--model", "plcom2012", "records.csv", "-o", "dbfs:/alliance/scored.parquet"],
        [
            "radiotherapy",
            "compliance",
            "--courses",
            "records.csv",
            "--linacs",
            "records.csv",
            "-o",
            "main.rt.c",
        ],
        # side files and the outputs of commands that read no canonical input
        ["fit", "thresholds", "records.csv", "-o", "plan.csv", "--capacity", URI],
        ["cwt", "performance", "records.csv", "--by", "provider", "-o", "p.csv", "--tumour-types", URI],
        [
            "cwt",
            "ptl",
            "records.csv",
            "--census",
            "2019-03-31",
            "-o",
            "ptl.csv",
            "--tumour-types",
            "main.r.t",
        ],
        [
            "radiotherapy",
            "compliance",
            "--courses",
            "records.csv",
            "--linacs",
            "records.csv",
            "-o",
            "c.csv",
            "--requirements",
            URI,
        ],  # fmt: skip
        ["pathways", "evaluate", "records.csv", "-o", "milestones.csv", "--definitions", "main.ref.defs"],
        ["pathways", "definitions", "--definitions", URI],
        ["pathways", "definitions", "-o", "dbfs:/alliance/definitions.csv"],
        ["lung", "programme", "-o", "main.cancer.lung_programme"],
        ["lung", "target", URI, "--choose", "1", "-o", "targeted.csv"],
        ["lung", "target", "main.ons.survival", "--published", "--choose", "1", "-o", "targeted.csv"],
    ],
)
def test_on_duckdb_every_command_refuses_a_uri_or_table_with_exit_2_writing_nothing(
    tmp_path, monkeypatch, args
):
    monkeypatch.chdir(tmp_path)
    write_records(tmp_path / "records.csv", RECORDS)
    result = CliRunner().invoke(app, [*args, "--engine", "duckdb"])
    assert result.exit_code == 2, result.output
    assert "needs the Spark engine" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records.csv"]


@pytest.mark.cli
@pytest.mark.parametrize("output", ["dbfs:/alliance/targeted.csv", "main.cancer.targeted"])
def test_on_duckdb_lung_target_refuses_a_uri_or_table_output_writing_nothing(tmp_path, monkeypatch, output):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "survival.csv").write_text("ccg_code,survival\nE38000001,0.4\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["lung", "target", "survival.csv", "--choose", "1", "-o", output, "--engine", "duckdb"]
    )
    assert result.exit_code == 2, result.output
    assert "needs the Spark engine" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["survival.csv"]


@pytest.mark.cli
@pytest.mark.parametrize("output", ["dbfs:/alliance/report.html", "main.cancer.report"])
def test_a_report_is_a_local_html_file_and_a_uri_or_table_exits_2_writing_nothing(
    tmp_path, monkeypatch, output
):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["report", "early-diagnosis", "--alliance", "E56000005", "-o", output])
    assert result.exit_code == 2, result.output
    assert "a report is one HTML file" in result.output
    assert list(tmp_path.iterdir()) == []
