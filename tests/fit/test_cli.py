"""`alliance fit metrics` and `alliance fit thresholds` on a file worked by hand, on each engine, and
their refusals of bad input (exit code 2, naming the row and field; issue #13 item 5)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cancer_alliance.cli import app, commands  # noqa: F401  (registers the commands)

pytestmark = pytest.mark.cli

HEADER = (
    "episode_id,nhs_number,sex,age_at_invitation,ccg_code,screening_centre_code,invitation_date,"
    "kit_returned_date,fit_result_ug_g,threshold_ug_g,result_date,diagnostic_test,diagnostic_test_date,outcome"
)
#: CCG 1: 3 invited, 3 screened, 2 positive (150 at the default 120; 90 at a recorded 80), both
#: investigated (a cancer, a high-risk adenoma). CCG 2: 3 invited; one screened (0 µg/g), one not
#: returned, one result 184 days after invitation (not screened).
ROWS = """\
e1,9434765919,F,61,E38000001,RAA,2018-04-02,2018-04-10,150,,2018-04-12,colonoscopy,2018-05-01,cancer
e2,9434765919,M,66,E38000001,RAB,2018-04-02,2018-04-10,90,80,2018-04-12,colonoscopy,2018-05-03,high_risk_adenoma
e3,9434765919,F,63,E38000001,RAA,2018-04-02,2018-04-10,10,,2018-04-12,,,
e4,9434765919,M,70,E38000002,RAA,2018-04-02,2018-04-10,0,,2018-04-12,,,
e5,9434765919,M,70,E38000002,RAA,2018-04-02,,,,,,,
e6,9434765919,F,70,E38000002,RAA,2018-04-02,2018-10-01,130,,2018-10-03,,,
"""


def write(path: Path, rows: str = ROWS) -> Path:
    path.write_text(HEADER + "\n" + rows, encoding="utf-8")
    return path


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def run(*args: str) -> object:
    return CliRunner().invoke(app, list(args))


def test_metrics_by_ccg_match_the_hand_count(tmp_path, engine):
    out = tmp_path / "metrics.csv"
    result = run(
        "fit",
        "metrics",
        str(write(tmp_path / "e.csv")),
        "--by",
        "ccg_code",
        "-o",
        str(out),
        "--engine",
        engine.name,
    )
    assert result.exit_code == 0, result.output
    rows = read(out)
    assert list(rows[0]) == [
        "ccg_code", "invited", "screened", "uptake", "positive", "positivity", "investigated", "conversion",
        "cancers", "high_risk_adenomas", "ppv_cancer", "ppv_hra", "cancer_detection_per_1000",
    ]  # fmt: skip
    first, second = rows
    assert [first[k] for k in ("ccg_code", "invited", "screened", "positive", "investigated", "cancers")] == [
        "E38000001", "3", "3", "2", "2", "1",
    ]  # fmt: skip
    assert float(first["positivity"]) == pytest.approx(2 / 3)
    assert float(first["ppv_cancer"]) == pytest.approx(0.5)
    assert float(first["cancer_detection_per_1000"]) == pytest.approx(1000 / 3)
    assert [second[k] for k in ("invited", "screened", "positive", "conversion", "ppv_cancer")] == [
        "3", "1", "0", "", "",
    ]  # fmt: skip
    assert float(second["uptake"]) == pytest.approx(1 / 3)


def test_thresholds_match_the_hand_plan(tmp_path, engine):
    """4 screened; referred: 150 (RAA) and 90 (RAB at 80), both investigated, so conversion 1 and band
    [80,120) observed (PPV cancer 0). 120: 1 positive, 1 cancer; 80: 2 positives, still 1 cancer, 1 HRA;
    40: nothing more in [40,80); 20: nothing in [20,40)."""
    out = tmp_path / "plan.csv"
    result = run(
        "fit",
        "thresholds",
        str(write(tmp_path / "e.csv")),
        "--thresholds",
        "120,80,40,20",
        "-o",
        str(out),
        "--engine",
        engine.name,
    )
    assert result.exit_code == 0, result.output
    rows = read(out)
    assert list(rows[0]) == [
        "threshold", "screened", "positive", "positivity", "colonoscopies", "cancers", "high_risk_adenomas",
        "yield_source",
    ]  # fmt: skip
    names = ("threshold", "screened", "positive", "colonoscopies", "cancers", "high_risk_adenomas")
    got = [(*(float(r[name]) for name in names), r["yield_source"]) for r in rows]
    assert got == [
        (120.0, 4, 1, 1.0, 1.0, 0.0, "observed"),
        (80.0, 4, 2, 2.0, 1.0, 1.0, "observed"),
        (40.0, 4, 2, 2.0, 1.0, 1.0, "observed"),
        (20.0, 4, 2, 2.0, 1.0, 1.0, "observed"),
    ]


def test_capacity_gives_a_demand_file(tmp_path):
    capacity = tmp_path / "capacity.csv"
    capacity.write_text("screening_centre_code,month,slots\nRAA,2018-04,5\n", encoding="utf-8")
    out = tmp_path / "plan.csv"
    result = run(
        "fit", "thresholds", str(write(tmp_path / "e.csv")), "--capacity", str(capacity), "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    demand = read(tmp_path / "plan.demand.csv")
    at_120 = [r for r in demand if float(r["threshold"]) == 120]
    assert [(r["screening_centre_code"], r["month"], r["slots"], r["shortfall"]) for r in at_120] == [
        ("RAA", "2018-04", "5", "-4")
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["thresholds", "--thresholds", "120,eighty"], "--thresholds: '120,eighty' is not a comma-separated"),
        (["thresholds", "--thresholds", "-5"], "--thresholds: threshold -5 is not a finite number >= 0"),
        (["metrics", "--by", "ccg_code,postcode"], "--by: unknown group 'postcode'"),
    ],
)
def test_bad_options_exit_2(tmp_path, args, message):
    result = run("fit", args[0], str(write(tmp_path / "e.csv")), *args[1:], "-o", str(tmp_path / "o.csv"))
    assert result.exit_code == 2
    assert message in result.output


def test_a_bad_value_names_the_file_row_and_field(tmp_path):
    bad = ROWS.replace("2018-04-10,10,,", "2018-04-10,ten,,")
    path = write(tmp_path / "e.csv", bad)
    result = run("fit", "metrics", str(path), "-o", str(tmp_path / "o.csv"))
    assert result.exit_code == 2
    assert f"{path} row 3, fit_result_ug_g:" in result.output
    assert "9434765919" not in result.output  # never a patient value


def test_a_bad_capacity_row_names_the_row_and_field(tmp_path):
    capacity = tmp_path / "capacity.csv"
    capacity.write_text("screening_centre_code,month,slots\nRAA,2018-04,5\nRAB,April,3\n", encoding="utf-8")
    result = run("fit", "thresholds", str(write(tmp_path / "e.csv")), "--capacity", str(capacity),
                 "-o", str(tmp_path / "o.csv"))  # fmt: skip
    assert result.exit_code == 2
    assert "row 2, month: not a month (yyyy-mm)" in result.output


def test_symptomatic_fit_over_cwt_records(tmp_path):
    """Two lower GI referrals (one FIT 12, told in 10 days; one without, 35 days) and an upper GI one."""
    records = tmp_path / "cwt.csv"
    records.write_text(
        "record_id,nhs_number,priority_type,source_of_referral,referral_type,referral_received_date,"
        "fds_end_date,provider_first_seen,provider_fds_end,fit_result_ug_g\n"
        "r1,p,3,03,05,2019-01-01,2019-01-11,RAA,RAA,12\n"
        "r2,p,3,03,05,2019-01-01,2019-02-05,RAA,RAA,\n"
        "r3,p,3,03,01,2019-01-01,2019-01-05,RAA,RAA,50\n",
        encoding="utf-8",
    )
    out = tmp_path / "symptomatic.csv"
    result = run("fit", "symptomatic", str(records), "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = {row["fit_status"]: row for row in read(out)}
    assert rows["fit_at_or_above_threshold"]["referrals"] == "1"
    assert float(rows["fit_recorded"]["share_of_referrals"]) == 0.5
    assert float(rows["fit_recorded"]["fds_performance"]) == 1.0
    assert float(rows["no_fit_recorded"]["fds_performance"]) == 0.0
