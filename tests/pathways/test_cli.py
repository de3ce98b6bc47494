"""`alliance pathways evaluate` and `alliance pathways definitions` (issue 12 item 7)."""

from __future__ import annotations

import csv

import pytest
from typer.testing import CliRunner

from cancer_alliance.cli import app
from cancer_alliance.cli.commands import app as registered  # noqa: F401  (registers the sub-apps)

from .conftest import event, write_events

pytestmark = pytest.mark.cli
runner = CliRunner()


def _rows(path):
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def events(tmp_path):
    return write_events(
        tmp_path / "events.csv",
        [
            event("p1", "referral_received", "2020-03-02", nhs_number="943 476 5919"),
            event("p1", "ct", "2020-03-06"),
            event("p1", "diagnosis_communicated", "2020-03-30", outcome="cancer"),
            event("p2", "referral_received", "2020-03-10", tumour="prostate"),
            event("p2", "mpmri", "2020-03-15", tumour="prostate"),
            event("p2", "mpmri", "2020-02-30", tumour="prostate"),  # not a date
            event("p3", "mpmri", "2020-03-12", tumour="prostate"),  # no start event
        ],
    )


def test_evaluate_writes_one_row_per_pathway_and_milestone(tmp_path, events, pathway_home):
    out = tmp_path / "milestones.csv"
    result = runner.invoke(app, ["pathways", "evaluate", str(events), "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = _rows(out)
    assert list(rows[0]) == ["pathway_id", "tumour", "milestone", "target_day", "day", "status"]
    got = {(r["pathway_id"], r["milestone"]): (r["target_day"], r["day"], r["status"]) for r in rows}
    # as of the latest event date, 2020-03-30: p1 day 28, p2 day 20
    assert len(rows) == 7 + 4
    assert got[("p1", "ct")] == ("3", "4", "breached")
    assert got[("p1", "pet_ct")] == ("14", "", "overdue")
    assert got[("p1", "diagnosis_communicated")] == ("28", "28", "met")
    assert got[("p1", "first_treatment")] == ("49", "", "open")
    assert got[("p2", "mpmri")] == ("7", "5", "met")
    assert got[("p2", "biopsy")] == ("14", "", "overdue")
    assert got[("p2", "diagnosis_communicated")] == ("28", "", "open")
    rejected = _rows(tmp_path / "milestones.rejected.csv")
    assert [(r["row_number"], r["pathway_id"], r["field"], r["check"]) for r in rejected] == [
        ("6", "", "event_date", "bad_date"),
        ("", "p3", "", "unevaluated"),
    ]
    assert "9434765919" not in result.output


def test_as_of_changes_open_and_overdue(tmp_path, events, pathway_home):
    out = tmp_path / "milestones.csv"
    result = runner.invoke(
        app, ["pathways", "evaluate", str(events), "-o", str(out), "--as-of", "2020-03-05"]
    )
    assert result.exit_code == 0, result.output
    got = {(r["pathway_id"], r["milestone"]): (r["day"], r["status"]) for r in _rows(out)}
    assert got[("p1", "ct")] == ("", "open")  # as of day 3 the CT of day 4 has not happened yet
    assert got[("p1", "diagnosis_communicated")] == ("", "open")
    assert ("p2", "mpmri") not in got  # p2 starts after the as-of date


def test_a_changed_target_is_used(tmp_path, events, pathway_home):
    out = tmp_path / "milestones.csv"
    result = runner.invoke(
        app, ["pathways", "evaluate", str(events), "-o", str(out), "--target", "lung.ct=4"]
    )
    assert result.exit_code == 0, result.output
    got = {(r["pathway_id"], r["milestone"]): (r["target_day"], r["status"]) for r in _rows(out)}
    assert got[("p1", "ct")] == ("4", "met")


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--as-of", "2020-13-01"], "not a date"),
        (["--target", "lung.xray=3"], "unknown milestone lung.xray"),
        (["--target", "lung.ct"], "TUMOUR.MILESTONE=DAYS"),
    ],
)
def test_bad_options_exit_2(tmp_path, events, pathway_home, arguments, message):
    result = runner.invoke(
        app, ["pathways", "evaluate", str(events), "-o", str(tmp_path / "o.csv"), *arguments]
    )
    assert result.exit_code == 2 and message in result.output


def test_a_file_with_the_wrong_columns_exits_2(tmp_path, pathway_home):
    path = tmp_path / "events.csv"
    path.write_text("pathway_id,event\np1,ct\n", encoding="utf-8")
    result = runner.invoke(app, ["pathways", "evaluate", str(path), "-o", str(tmp_path / "o.csv")])
    assert result.exit_code == 2 and "missing required columns" in result.output


def test_definitions_round_trip_through_an_edited_copy(tmp_path, events, pathway_home):
    copy = tmp_path / "definitions.csv"
    assert runner.invoke(app, ["pathways", "definitions", "-o", str(copy)]).exit_code == 0
    text = copy.read_text(encoding="utf-8").replace(
        "prostate,2018-04,2018-04-01,,referral_received,2,mpmri,mpmri,7,",
        "prostate,2018-04,2018-04-01,,referral_received,2,mpmri,mpmri,4,",
    )
    copy.write_text(text, encoding="utf-8")
    out = tmp_path / "milestones.csv"
    result = runner.invoke(
        app, ["pathways", "evaluate", str(events), "-o", str(out), "--definitions", str(copy)]
    )
    assert result.exit_code == 0, result.output
    got = {(r["pathway_id"], r["milestone"]): (r["target_day"], r["status"]) for r in _rows(out)}
    assert got[("p2", "mpmri")] == ("4", "breached")
    shown = runner.invoke(app, ["pathways", "definitions"])
    assert shown.exit_code == 0 and "│ no" in shown.output and "│ yes" in shown.output


def test_report_writes_the_metrics_table(tmp_path, events, pathway_home):
    out = tmp_path / "compliance.csv"
    result = runner.invoke(app, ["pathways", "report", str(events), "--by", "tumour", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = {(r["tumour"], r["milestone"]): r for r in _rows(out)}
    assert rows[("lung", "ct")]["breached"] == "1" and float(rows[("lung", "ct")]["compliance"]) == 0.0
    assert rows[("lung", "diagnosis_communicated")]["met"] == "1"
    bottleneck = runner.invoke(app, ["pathways", "report", str(events), "--view", "steps"])
    assert bottleneck.exit_code == 0, bottleneck.output


@pytest.mark.parametrize(
    "arguments, message", [(["--view", "nonsense"], "--view"), (["--by", "ward"], "unknown group ward")]
)
def test_report_refuses_bad_options(events, pathway_home, arguments, message):
    result = runner.invoke(app, ["pathways", "report", str(events), *arguments])
    assert result.exit_code == 2 and message in result.output


@pytest.mark.spark
def test_evaluate_on_spark_writes_the_same_file(tmp_path, events, pathway_home):
    outputs = {}
    for engine in ("duckdb", "spark"):
        out = tmp_path / f"{engine}.csv"
        result = runner.invoke(app, ["pathways", "evaluate", str(events), "-o", str(out), "--engine", engine])
        assert result.exit_code == 0, result.output
        outputs[engine] = out.read_text(encoding="utf-8")
    assert outputs["duckdb"] == outputs["spark"]


def test_the_ruled_out_setting_reaches_the_command(tmp_path, pathway_home):
    events = write_events(
        tmp_path / "events.csv",
        [
            event("p1", "referral_received", "2020-03-02", tumour="prostate"),
            event("p1", "diagnosis_communicated", "2020-03-16", tumour="prostate", outcome="ruled_out"),
        ],
    )
    out = tmp_path / "milestones.csv"
    arguments = ["pathways", "evaluate", str(events), "-o", str(out), "--as-of", "2020-06-01"]
    assert runner.invoke(app, arguments).exit_code == 0
    assert {r["milestone"]: r["status"] for r in _rows(out)}["biopsy"] == "overdue"
    assert runner.invoke(app, [*arguments, "--ruled-out-skips-not-applicable"]).exit_code == 0
    assert {r["milestone"]: r["status"] for r in _rows(out)}["biopsy"] == "not_applicable"
