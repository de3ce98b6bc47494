"""`alliance demo` end to end at a tiny scale: generate, ingest, compute (issue 2 "Done when",
issue 6 item 7)."""

from __future__ import annotations

import csv
import datetime as dt

import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from cancer_alliance.cli import (
    app,
    commands,  # noqa: F401  (registers the commands on app)
)
from cancer_alliance.results import generations
from cancer_alliance.results.catalogue import PERFORMANCE_GROUPINGS
from cancer_alliance.schemas import schema, table_names
from cancer_alliance.store import open_store
from cancer_alliance.store.followup import ClinicalAccess, FollowupPatient

pytestmark = pytest.mark.cli


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    home = tmp_path_factory.mktemp("demo-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ALLIANCE_HOME", str(home))
        result = CliRunner().invoke(app, ["demo", "--no-serve", "--scale", "0.002", "--seed", "7"])
    return home, result


def test_demo_prints_the_reference_date_alliances_and_validation_summary(demo_run):
    home, result = demo_run
    assert result.exit_code == 0, result.output
    assert "reference date 2019-03-31" in result.output
    assert "Kent and Medway" in result.output  # alliance 19 of the 2018/19 map
    assert "Validation summary" in result.output
    assert generations.current(home).as_of == dt.date(2019, 3, 31)  # refreshed as of the data's last day
    assert not (home / "demo.json").exists()  # "today" comes from the results, never from the demo


def test_demo_ingests_every_table_and_quarantines_exactly_what_the_generator_broke(demo_run):
    home, _ = demo_run
    with (home / "synthetic" / "invalid_rows.csv").open(newline="") as handle:
        broken = {(row["table"], row["key"]) for row in csv.DictReader(handle)}
    quarantined = set()
    for path in (home / "quarantine").glob("*.csv"):
        table = path.name.split("-")[0]
        with path.open(newline="") as handle:
            quarantined |= {(table, row[schema(table).key]) for row in csv.DictReader(handle)}
    not_generated = {"breast_followup_candidate", "breast_followup_test_result"}  # issue 11: follow-up inputs
    not_generated.add("ccg_lung_survival")  # published statistics, never generated (decision 0032)
    assert {path.name for path in (home / "lake").iterdir()} == set(table_names()) - not_generated
    assert broken
    assert quarantined == broken


def test_demo_writes_the_results_the_web_layer_serves(demo_run):
    home, _ = demo_run
    results = home / "results"
    for name in PERFORMANCE_GROUPINGS:
        table = pq.read_table(results / f"performance_{name}.parquet")
        assert table.num_rows > 0
        assert {"standard_id", "reporting_month", "total", "within", "performance"} <= set(table.column_names)
    assert pq.read_table(results / "cwt_facts.parquet").num_rows > 0
    from cancer_alliance.results.reader import PTL_FLAGS, Results

    ptl = Results(home).ptl()  # refuses a PTL with a missing column or a flag that is not boolean
    assert len(ptl) > 0
    assert all(ptl[flag].dtype == bool for flag in PTL_FLAGS)
    assert ptl["over_62_backlog"].sum() < len(ptl)
    registrations = pq.read_table(home / "synthetic" / "tumour_registrations.parquet").num_rows
    for name in ("alliance", "ccg", "trust"):  # every valid registration in one row of each file
        early = pq.read_table(results / f"early_diagnosis_{name}.parquet").to_pandas()
        assert 0 < early["registrations"].sum() <= registrations
        assert early["emergency_proportion"].between(0, 1).any()


def test_demo_loads_breast_follow_up_for_a_clinical_nurse(demo_run):
    """Issue 11: the generated episodes are in the store and `demo.nurse` has the clinical role."""
    home, result = demo_run
    assert "demo.nurse" in result.output
    store = open_store(f"sqlite:///{home / 'alliance.sqlite3'}")
    try:
        with store.begin() as session:
            assert session.scalar(select(func.count()).select_from(FollowupPatient)) > 0
            assert session.scalar(select(func.count()).select_from(ClinicalAccess)) == 1
    finally:
        store.close()
