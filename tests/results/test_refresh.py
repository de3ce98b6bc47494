"""`alliance results refresh` over a small generated lake: outputs identical on DuckDB and Spark, a failed
step leaving the previous generation serving, an unchanged lake noticed, the as-of date resolved, each
run recorded in the store (issue #19 items 2-3, "Done when")."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from tests.results.conftest import AS_OF
from typer.testing import CliRunner

from cancer_alliance.cli import (
    app,
    commands,  # noqa: F401  (registers the commands on app)
)
from cancer_alliance.config import generations_dir, results_dir
from cancer_alliance.cwt.ptl import COLUMNS as PTL_COLUMNS
from cancer_alliance.errors import InputError
from cancer_alliance.results import as_of, catalogue, generations, pipeline
from cancer_alliance.results.pipeline import Step
from cancer_alliance.results.refresh import refresh
from cancer_alliance.store import open_store
from cancer_alliance.store.results import RunStatus, recent_runs

pytestmark = pytest.mark.cli


def _runs(home) -> list:
    store = open_store(f"sqlite:///{home / 'alliance.sqlite3'}")
    try:
        with store.begin() as session:
            return [(r.status, r.failed_step, r.message, r.as_of, r.row_counts) for r in recent_runs(session)]
    finally:
        store.close()


def _read(path) -> pd.DataFrame:
    frame = pd.read_csv(path) if path.suffix == ".csv" else pd.read_parquet(path)
    frame = frame.astype({c: "string" for c in frame.columns if frame[c].dtype == object})
    return frame.sort_values(list(frame.columns)).reset_index(drop=True) if len(frame) else frame


@pytest.fixture(scope="module")
def duckdb_results(lake_home, tmp_path_factory):
    """The results of one DuckDB refresh of the lake, kept for the parity test."""
    import shutil

    home = tmp_path_factory.mktemp("duckdb-results") / "home"
    shutil.copytree(lake_home, home, symlinks=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ALLIANCE_HOME", str(home))
        patch.delenv("ALLIANCE_AS_OF", raising=False)
        report = refresh(AS_OF, engine="duckdb")
    assert report.status == RunStatus.succeeded, report.message
    return home, report


def test_a_refresh_writes_every_catalogued_file_as_of_the_date_and_records_the_run(duckdb_results):
    home, report = duckdb_results
    current = generations.current(home)
    assert current.as_of == dt.date(2019, 3, 31)
    for name in catalogue.CATALOGUE:
        assert catalogue.path(results_dir(home), name).exists(), name
    assert set(current.inputs) == set(catalogue.lake_tables())
    assert all(current.inputs[table] for table in ("cwt", "pathway_event"))  # snapshot ids recorded
    ptl = pd.read_parquet(results_dir(home) / "ptl.parquet")
    assert (ptl["census_date"] == dt.date(2019, 3, 31)).all()
    assert "milestone_overdue" in ptl.columns  # joined in the PTL step, not rewritten afterwards
    status, step, _, day, rows = _runs(home)[0]
    assert (status, step, day) == (RunStatus.succeeded, None, dt.date(2019, 3, 31))
    assert rows["ptl"] == len(ptl) > 0


def test_the_lake_records_give_the_facts_and_ptl_the_checked_commands_give(duckdb_results, tmp_path):
    """The refresh reads the lake's records without checking them again (decision 0044); `alliance cwt
    evaluate` and `cwt ptl` check the same records as a file first, and must write the same results."""
    from cancer_alliance.cwt.files import evaluate_file
    from cancer_alliance.cwt.report_files import ptl_file

    folder = results_dir(duckdb_results[0])
    records = catalogue.path(folder, "cwt_records")
    evaluate_file(records, tmp_path / "facts.parquet", engine="duckdb")
    ptl_file(records, tmp_path / "ptl.parquet", dt.date(2019, 3, 31), engine="duckdb")
    pd.testing.assert_frame_equal(
        _read(tmp_path / "facts.parquet"), _read(catalogue.path(folder, "cwt_facts")), check_dtype=False
    )
    pd.testing.assert_frame_equal(
        _read(tmp_path / "facts.rejected.csv"), _read(catalogue.path(folder, "cwt_facts.rejected.csv"))
    )
    ptl = _read(catalogue.path(folder, "ptl"))
    pd.testing.assert_frame_equal(_read(tmp_path / "ptl.parquet"), ptl[list(PTL_COLUMNS)], check_dtype=False)
    pd.testing.assert_frame_equal(
        _read(tmp_path / "ptl.summary.parquet"),
        _read(catalogue.path(folder, "ptl.summary")),
        check_dtype=False,
    )


@pytest.mark.spark
def test_spark_writes_the_same_results_as_duckdb(duckdb_results, copy_home):
    duck_home, _ = duckdb_results
    home = copy_home("spark")
    report = refresh(AS_OF, engine="spark")
    assert report.status == RunStatus.succeeded, report.message
    for name, entry in catalogue.CATALOGUE.items():
        if entry.filename.endswith(".json"):
            continue
        spark, duck = (
            _read(catalogue.path(results_dir(home), name)),
            _read(catalogue.path(results_dir(duck_home), name)),
        )
        pd.testing.assert_frame_equal(spark, duck, check_dtype=False, check_exact=False, obj=name)


def test_a_failing_step_leaves_the_previous_generation_serving_and_exits_1(
    duckdb_results, copy_home, monkeypatch
):
    home = results_dir(duckdb_results[0]).parent
    before = generations.current(home)

    def boom(_ctx) -> None:
        raise OSError("disk full")

    monkeypatch.setenv("ALLIANCE_HOME", str(home))
    monkeypatch.setattr(pipeline, "STEPS", (Step("cwt_records", "cwt", boom),))
    folders = sorted(generations_dir(home).iterdir())
    result = CliRunner().invoke(app, ["results", "refresh", "--force", "--as-of", "2019-04-30"])
    assert result.exit_code == 1, result.output
    assert "refresh failed at step cwt_records: OSError: disk full" in result.output
    assert generations.current(home) == before  # still serving
    assert sorted(generations_dir(home).iterdir()) == folders  # nothing half-written left
    status, step, message, _, _ = _runs(home)[0]
    assert (status, step, message) == (RunStatus.failed, "cwt_records", "OSError: disk full")


def test_a_step_writing_other_columns_than_the_catalogue_fails_the_refresh(alliance_home, monkeypatch):
    def wrong(ctx) -> None:
        pd.DataFrame({"record_id": ["a"]}).to_parquet(ctx.folder / "cwt_records.parquet")

    monkeypatch.setattr(pipeline, "STEPS", (Step("cwt_records", "cwt", wrong),))
    report = refresh("2019-03-31")
    assert report.status == RunStatus.failed
    assert report.failed_step == "cwt_records"
    assert "cwt_records.parquet has columns ['record_id']" in report.message
    assert generations.current(alliance_home) is None


def test_an_unchanged_lake_is_noticed_and_said(duckdb_results, monkeypatch):
    home, _ = duckdb_results
    monkeypatch.setenv("ALLIANCE_HOME", str(home))
    monkeypatch.delenv("ALLIANCE_AS_OF", raising=False)
    result = CliRunner().invoke(app, ["results", "refresh", "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert "unchanged: nothing changed in the lake" in result.output
    assert _runs(home)[0][0] == RunStatus.unchanged
    listed = CliRunner().invoke(app, ["results", "status"])
    assert "unchanged" in listed.output and "succeeded" in listed.output


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--as-of", "2019-02-30"], "--as-of: '2019-02-30' is not a date"),
        (["--only", "cwt,weather"], "unknown domain weather"),
    ],
)
def test_a_bad_argument_exits_2_and_runs_nothing(alliance_home, arguments, message):
    result = CliRunner().invoke(app, ["results", "refresh", *arguments])
    assert result.exit_code == 2
    assert message in result.output
    assert not results_dir(alliance_home).exists()


def test_the_as_of_date_comes_from_the_option_then_the_setting_then_the_lake(lake_home, monkeypatch):
    monkeypatch.setenv("ALLIANCE_HOME", str(lake_home))
    monkeypatch.setenv("ALLIANCE_AS_OF", "2019-02-28")
    assert as_of.configured("2019-01-31") == dt.date(2019, 1, 31)
    assert as_of.configured(None) == dt.date(2019, 2, 28)
    monkeypatch.delenv("ALLIANCE_AS_OF")
    assert as_of.configured(None) is None
    assert as_of.newest_in_lake() == dt.date(2019, 3, 31)  # the generated year's last day
    monkeypatch.setenv("ALLIANCE_AS_OF", "last tuesday")
    with pytest.raises(InputError, match="ALLIANCE_AS_OF: 'last tuesday' is not a date"):
        as_of.configured(None)


def test_an_empty_lake_has_no_as_of_date(alliance_home):
    with pytest.raises(InputError, match="no as-of date: the lake has no dated rows"):
        as_of.newest_in_lake()


def test_a_step_whose_tables_were_never_imported_writes_empty_files_and_does_not_run(alliance_home):
    """A trust with waiting times only: the timed-pathway results are empty, not an error (issue #19)."""

    def must_not_run(_ctx) -> None:
        raise AssertionError("ran without its input")

    folder = alliance_home / "generation"
    folder.mkdir(parents=True)
    ctx = pipeline.StepContext(None, folder, dt.date(2019, 3, 31), None)
    messages: list[str] = []
    outcome = pipeline.run_steps(
        ctx, [Step("pathways", "pathways", must_not_run, ("pathway_event",))], messages.append
    )
    assert messages == ["pathways", "pathways: no pathway_event in the lake, so its results are empty"]
    assert outcome.rows == {entry.name: 0 for entry in catalogue.files_of("pathways")}
    assert list(pd.read_parquet(folder / "pathway_next.parquet").columns) == list(
        catalogue.entry("pathway_next").columns
    )


def test_only_recomputes_the_domains_named_and_links_the_rest(duckdb_results, tmp_path, monkeypatch):
    import shutil

    home = tmp_path / "home"
    shutil.copytree(duckdb_results[0], home, symlinks=True)
    monkeypatch.setenv("ALLIANCE_HOME", str(home))
    before = results_dir(home).resolve()
    report = refresh(AS_OF, ["fit"], engine="duckdb")
    assert report.status == RunStatus.succeeded, report.message
    after = results_dir(home).resolve()
    assert after != before
    assert report.generation.steps == ["fit", "fit_disclosure"]  # the domain's steps
    assert (after / "ptl.parquet").stat().st_ino == (before / "ptl.parquet").stat().st_ino  # linked
    assert (after / "fit_month.parquet").stat().st_ino != (before / "fit_month.parquet").stat().st_ino
    assert set(report.generation.rows) == set(catalogue.CATALOGUE)  # the kept files counted too
    assert pd.read_parquet(after / "fit_month.parquet").equals(pd.read_parquet(before / "fit_month.parquet"))
