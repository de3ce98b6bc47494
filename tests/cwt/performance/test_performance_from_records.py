"""From canonical records through `cwt.evaluate` to the performance tables and the CLI (breach allocation
[S6, S40],
breach allocation [S31], CWT worked examples worked examples E1, E15, E25)."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from typer.testing import CliRunner

from cancer_alliance.cwt import evaluate
from cancer_alliance.cwt.performance import performance
from cancer_alliance.schemas import schema

CWT = schema("cwt")
D = dt.date

#: E1 (2WW boundary: 14 days within, 15 a breach), E15 (IPT scenario 1: 0.5 within to each trust),
#: E25 (no accountable investigating provider: 50:50, breach as the 62-day outcome) and a solo 62-day
#: pathway; treated pathways have DTT 10 days before treatment (31-day first, within).
RECORDS = [
    {
        "record_id": "e1_within",
        "priority_type": "3",
        "referral_type": "01",
        "referral_received_date": D(2019, 6, 3),
        "date_first_seen": D(2019, 6, 17),
        "provider_first_seen": "RA7",
    },
    {
        "record_id": "e1_breach",
        "priority_type": "3",
        "referral_type": "01",
        "referral_received_date": D(2019, 6, 3),
        "date_first_seen": D(2019, 6, 18),
        "provider_first_seen": "RA7",
    },
    {
        "record_id": "e15",
        "priority_type": "3",
        "referral_type": "01",
        "referral_received_date": D(2019, 4, 1),
        "date_first_seen": D(2019, 4, 8),
        "provider_first_seen": "RA7",
        "accountable_investigating_provider": "RA7",
        "transfer_to_treatment_date": D(2019, 5, 1),
        "decision_to_treat_date": D(2019, 5, 13),
        "treatment_start_date": D(2019, 5, 23),
        "provider_treatment": "RBK",
        "treatment_event_type": "01",
        "treatment_modality": "23",
        "primary_diagnosis_icd10": "C34.9",
    },
    {
        "record_id": "e25",
        "priority_type": "3",
        "referral_type": "01",
        "referral_received_date": D(2019, 3, 1),
        "date_first_seen": D(2019, 3, 8),
        "provider_first_seen": "RA7",
        "decision_to_treat_date": D(2019, 5, 13),
        "treatment_start_date": D(2019, 5, 23),
        "provider_treatment": "RBK",
        "treatment_event_type": "01",
        "treatment_modality": "23",
        "primary_diagnosis_icd10": "C61",
    },
    {
        "record_id": "solo",
        "priority_type": "3",
        "referral_type": "01",
        "referral_received_date": D(2019, 4, 1),
        "date_first_seen": D(2019, 4, 8),
        "provider_first_seen": "RBK",
        "decision_to_treat_date": D(2019, 5, 13),
        "treatment_start_date": D(2019, 5, 23),
        "provider_treatment": "RBK",
        "treatment_event_type": "01",
        "treatment_modality": "23",
        "primary_diagnosis_icd10": "C34.1",
    },
]


def test_shared_pathways_count_half_to_each_provider(engine, expect):
    """E15 (scenario 1) and E25 (50:50) give 0.5 to each trust; the solo pathway 1 to its trust; E25
    breached (83 days), so RA7 has 0.5 within of 1 and RBK 1.5 within of 2 (breach allocation [S6, S40],
    breach allocation [S31])."""
    records = engine.frame(CWT, [{"nhs_number": "0000000000", **row} for row in RECORDS])
    table = performance(evaluate(records), ["month", "provider"])
    expect(
        table.where("standard_id = '62d_usc'"),
        """
        standard_id | reporting_month | provider | total | within | breaches | performance
        ------------+-----------------+----------+-------+--------+----------+------------
        62d_usc     | 2019-05         | RA7      | 1     | 0.5    | 0.5      | 0.5
        62d_usc     | 2019-05         | RBK      | 2     | 1.5    | 0.5      | 0.75
        """,
    )
    expect(
        performance(evaluate(records), ["month", "tumour_type"], records=records).where(
            "standard_id != '2ww'"
        ),
        """
        standard_id | reporting_month | tumour_type           | total | within
        ------------+-----------------+-----------------------+-------+-------
        31d_first   | 2019-05         | Lung                  | 2     | 2
        31d_first   | 2019-05         | Urological - Prostate | 1     | 1
        62d_usc     | 2019-05         | Lung                  | 2     | 2
        62d_usc     | 2019-05         | Urological - Prostate | 1     | 0
        """,
    )


def test_two_week_wait_boundary_e1(engine, expect):
    """E1: first seen on day 14 is within, day 15 a breach, counted in June 2019 (month first seen)."""
    records = engine.frame(CWT, [{"nhs_number": "0000000000", **row} for row in RECORDS[:2]])
    expect(
        performance(evaluate(records), ["month"]),
        """
        standard_id | reporting_month | total | within | breaches | performance | threshold | meets_threshold
        ------------+-----------------+-------+--------+----------+-------------+-----------+----------------
        2ww         | 2019-06         | 2     | 1      | 1        | 0.5         | 0.93      | F
        """,
    )


def _write_csv(path, rows) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CWT.column_names)
        writer.writeheader()
        for row in rows:
            writer.writerow({"nhs_number": "0000000000", **{k: str(v) for k, v in row.items()}})


@pytest.mark.cli
def test_performance_command_writes_the_table(tmp_path):
    from cancer_alliance.cli import _register, app

    _register()
    source, output = tmp_path / "records.csv", tmp_path / "performance.csv"
    _write_csv(source, RECORDS)
    result = CliRunner().invoke(
        app, ["cwt", "performance", str(source), "--by", "month,alliance", "-o", str(output)]
    )
    assert result.exit_code == 0, result.output
    with output.open() as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "standard_id",
        "reporting_month",
        "alliance",
        "total",
        "within",
        "breaches",
        "performance",
        "threshold",
        "meets_threshold",
    ]
    shared = {(r["standard_id"], r["alliance"]): r for r in rows}[("62d_usc", "E56000015")]
    assert (shared["total"], shared["within"], shared["performance"]) == ("1", "0.5", "0.5")
    assert "50.0%" in result.output  # display rounding only in the printed table


@pytest.mark.cli
def test_commands_refuse_bad_arguments(tmp_path):
    from cancer_alliance.cli import _register, app

    _register()
    source = tmp_path / "records.csv"
    _write_csv(source, RECORDS)
    runner = CliRunner()
    result = runner.invoke(
        app, ["cwt", "performance", str(source), "--by", "trust", "-o", str(tmp_path / "x.csv")]
    )
    assert result.exit_code == 2 and "cannot group by 'trust'" in result.output
    result = runner.invoke(
        app, ["cwt", "ptl", str(source), "--census", "31/03/2019", "-o", str(tmp_path / "p.csv")]
    )
    assert result.exit_code == 2 and "not a date" in result.output


def test_diagnosis_carried_through_evaluate_gives_the_same_tumour_type_table(engine):
    """`evaluate(..., carry=("primary_diagnosis_icd10",))` keeps the contract columns unchanged and
    adds the record's diagnosis, so `fine_counts` needs no join back; the tables are the same."""
    from cancer_alliance.cwt.performance import fine_counts
    from cancer_alliance.engine.parity import canonical_rows

    diagnoses = ["C34.1", "C50.9", "C61", None, "C18.7", "C43.5"]
    rows = [
        {"nhs_number": "0000000000", **row, "primary_diagnosis_icd10": diagnoses[i % len(diagnoses)]}
        for i, row in enumerate(RECORDS)
    ]
    records = engine.frame(CWT, rows)
    plain = engine.rows(evaluate(records))
    carried = engine.rows(evaluate(records, carry=("primary_diagnosis_icd10",)))
    by_record = {row["record_id"]: row["primary_diagnosis_icd10"] for row in rows}
    assert all(row["primary_diagnosis_icd10"] == by_record[row["record_id"]] for row in carried)
    assert canonical_rows(
        [{k: v for k, v in r.items() if k != "primary_diagnosis_icd10"} for r in carried]
    ) == (canonical_rows(plain))
    by = ["month", "tumour_type"]
    joined = engine.rows(performance(evaluate(records), by, "auto", records=records))
    counted = engine.rows(
        performance(fine_counts(evaluate(records, carry=("primary_diagnosis_icd10",))), by, "auto")
    )
    assert joined and canonical_rows(counted) == canonical_rows(joined)
