"""The results cache: files are read once, re-read when they change, and can be loaded up front."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cancer_alliance.results import catalogue
from cancer_alliance.results.reader import GROUPINGS, Results, ResultsMissing, _Milestones

pytestmark = pytest.mark.web


def test_warm_loads_every_results_file(web_home):
    results = Results(web_home)
    results.warm()
    expected = {f"performance_{g}.parquet" for g in GROUPINGS} | {
        "ptl.parquet",
        "cwt_records.parquet",
        "pathway_milestones.parquet",  # a pathway page's first read: 2.8 million rows nationally
    }
    assert set(results._serving.cache) == expected
    assert isinstance(results._serving.cache["pathway_milestones.parquet"].frame, _Milestones)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["P1", "P10", "P2", "Q", "é"]), max_size=30), st.booleans())
def test_a_pathways_milestones_are_its_rows_whatever_the_files_order(ids, sort):
    """`Results.pathway_milestones` keeps the file in Arrow with where each pathway starts; it gives
    exactly the rows a filter gives, in the file's order within a pathway, sorted or not."""
    frame = pd.DataFrame({"pathway_id": ids, "sequence": range(len(ids))})
    if sort:
        frame = frame.sort_values("pathway_id", kind="stable")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "milestones.parquet"
        frame.to_parquet(path, index=False)
        milestones = _Milestones.read(path)
    for pathway in ["P1", "P10", "P2", "Q", "é", "unknown"]:
        expected = frame[frame["pathway_id"] == pathway].reset_index(drop=True)
        pd.testing.assert_frame_equal(milestones.of(pathway), expected, check_dtype=False)


def test_a_file_is_read_again_when_it_changes_and_derived_figures_follow(web_home):
    results = Results(web_home)
    assert results.derived("month", "rows", len) == len(results.performance("month"))
    path = web_home / "results" / "performance_month.parquet"
    results.performance("month").head(2).to_parquet(path, index=False)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert len(results.performance("month")) == 2
    assert results.derived("month", "rows", len) == 2


def test_timelines_hold_only_pathways_on_the_ptl_and_never_the_nhs_number(web_home):
    timelines = Results(web_home).timelines()
    assert set(timelines["record_id"]) == set(
        pd.read_parquet(web_home / "results" / "ptl.parquet")["record_id"]
    )
    assert "nhs_number" not in timelines.columns


def test_a_missing_file_says_how_to_make_it(tmp_path):
    with pytest.raises(ResultsMissing, match="alliance results refresh"):
        Results(tmp_path).ptl()


def test_a_ptl_from_an_older_version_is_refused_with_a_clear_503(web_home, signed_in):
    """A results folder computed before the PTL gained its passed_day_* flags: the PTL pages say what
    to do instead of failing on a missing column (issue 6: clear errors, nothing half-shown)."""
    path = web_home / "results" / "ptl.parquet"
    pd.read_parquet(path).drop(columns=["passed_day_62_last_7_days"]).to_parquet(path, index=False)
    page = signed_in("nat").get("/ptl")
    assert page.status_code == 503
    assert "passed_day_62_last_7_days" in page.text
    assert "alliance results refresh" in page.text


def test_a_ptl_with_its_flags_written_as_text_is_refused(web_home, signed_in):
    """ "false" as text is true to pandas: a PTL written with text flags (an older `ptl_file`) would
    count every pathway as passed; the pages refuse it and say how to recompute."""
    path = web_home / "results" / "ptl.parquet"
    frame = pd.read_parquet(path)
    frame["passed_day_62_last_7_days"] = frame["passed_day_62_last_7_days"].map(
        {True: "true", False: "false"}
    )
    frame.to_parquet(path, index=False)
    page = signed_in("nat").get("/ptl")
    assert page.status_code == 503
    assert "holds passed_day_62_last_7_days as text" in page.text


def test_a_timeline_row_is_a_copy_kept_until_the_file_changes(web_home):
    """Issue 21: a pathway's milestone dates are turned into a dict once per loaded file, not on every
    call; a caller changing its copy changes nothing else, and a new file gives the new row."""
    results = Results(web_home)
    record_id = results.ptl()["record_id"].iloc[0]
    row = results.timeline_row(record_id)
    assert row["record_id"] == record_id
    row["record_id"] = "changed by a caller"
    assert results.timeline_row(record_id)["record_id"] == record_id
    assert results.timeline_row("no such record") is None
    path = web_home / "results" / catalogue.entry("cwt_records").filename
    pd.read_parquet(path).assign(referral_received_date=None).to_parquet(path, index=False)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert results.timeline_row(record_id)["referral_received_date"] is None


@pytest.mark.parametrize("ids", [pa.nulls(0), pa.nulls(2), pa.array([], pa.string())])
def test_milestones_without_a_pathway_are_read_not_refused(tmp_path, ids):
    """A refresh with no timed pathway writes the column untyped (Arrow's null type); reading it must not
    fail, or the server would keep serving the previous generation after a good refresh."""
    path = tmp_path / "milestones.parquet"
    pq.write_table(pa.table({"pathway_id": ids, "sequence": pa.array(range(len(ids)), pa.int64())}), path)
    milestones = _Milestones.read(path)
    assert milestones.of("CWT00000001").empty
