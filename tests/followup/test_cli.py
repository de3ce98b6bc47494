"""`alliance db upgrade` and `alliance followup ...` (issue 11, item 6): the engine without the web.
Inputs are validated like every ingest (quarantine with file, row and field), repeating a file adds
nothing, and an action on an item someone else changed exits 2."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from pathlib import Path

import numpy as np
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import select
from tests.ingest.conftest import TEST_KEY, read_quarantine
from typer.testing import CliRunner

from cancer_alliance.cli import app, commands  # noqa: F401  (registers the commands)
from cancer_alliance.schemas import schema
from cancer_alliance.store import AuditEvent, Role, find_user, open_store
from cancer_alliance.store.database import alembic_config
from cancer_alliance.store.followup import FollowupPatient
from cancer_alliance.synth.nhs_numbers import check_digits
from cancer_alliance.web.followup_scope import is_clinical
from cancer_alliance.web.scope import Viewer

pytestmark = pytest.mark.cli

CANDIDATE = {
    "episode_id": "E1",
    "nhs_number": "9434765919",  # the NHS Data Dictionary's worked example, not a patient
    "trust_code": "RGT",
    "alliance_code": "E56000001",
    "age_at_diagnosis": "58",
    "diagnosis_date": "2018-03-01",
    "treatment_end_date": "2018-09-01",
    "stage": "2",
    "grade": "2",
    "er_status": "positive",
    "her2_status": "negative",
    "surgery": "breast_conserving",
    "ongoing_treatment": "no",
    "in_clinical_trial": "no",
    "able_to_self_manage": "yes",
    "patient_preference": "",
    "key_worker_id": "RGT-CNS1",
}


def write(path: Path, table: str, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=schema(table).column_names)
        writer.writeheader()
        writer.writerows(rows)
    return path


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def cli(alliance_home, monkeypatch, tmp_path):
    monkeypatch.setenv("ALLIANCE_PSEUDONYM_KEY", TEST_KEY)
    monkeypatch.setenv("ALLIANCE_DATABASE_URL", f"sqlite:///{tmp_path / 'store.sqlite3'}")
    monkeypatch.delenv("ALLIANCE_FOLLOWUP_PROTOCOL", raising=False)

    def run(*words: str, code: int = 0) -> str:
        result = CliRunner().invoke(app, [str(w) for w in words])
        assert result.exit_code == code, result.output
        return result.output

    return run


def test_db_upgrade_migrates_an_empty_store_and_repeating_it_is_harmless(cli):
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert cli("db", "upgrade").strip().endswith(f": empty -> {head}")
    assert cli("db", "upgrade").strip().endswith(f": {head} -> {head}")


def test_stratify_decides_quarantines_the_bad_row_and_adds_nothing_the_second_time(cli, tmp_path):
    rows = [
        CANDIDATE,
        CANDIDATE | {"episode_id": "E2", "in_clinical_trial": "yes"},
        CANDIDATE | {"episode_id": "E3", "stage": "9"},
    ]
    source = write(tmp_path / "candidates.csv", "breast_followup_candidate", rows)
    output = cli("followup", "stratify", source, "-o", tmp_path / "decisions.csv", "--on", "2018-09-10")
    assert "accepted=2 quarantined=1 registered=2 already=0" in output
    assert "supported_self_management=1 clinician_led=1" in output
    [quarantined] = read_quarantine(
        next((Path(output.split("quarantine: ")[1].split()[0])).parent.glob("*.csv"))
    )
    assert (quarantined["row_number"], quarantined["field"]) == ("3", "stage")
    decisions = {row["episode_id"]: row for row in read(tmp_path / "decisions.csv")}
    assert decisions["E2"]["pathway"] == "clinician_led"
    assert "clinical trial" in decisions["E2"]["reasons"]
    assert decisions["E1"]["protocol_version"] == "2026.1"
    assert decisions["E1"]["first_test_due"] == "2019-03-01"
    assert "9434765919" not in output
    again = cli("followup", "stratify", source, "--on", "2018-09-10")
    assert "registered=0 already=2" in again


def test_an_unusable_protocol_exits_2_naming_file_and_key(cli, tmp_path):
    bad = tmp_path / "protocol.yaml"
    bad.write_text("protocol: x\n", encoding="utf-8")
    source = write(tmp_path / "candidates.csv", "breast_followup_candidate", [CANDIDATE])
    output = cli("followup", "stratify", source, "--protocol", bad, code=2)
    assert f"{bad}: version: required" in " ".join(output.split())


def test_results_import_worklist_and_a_conflicting_action(cli, tmp_path):
    source = write(tmp_path / "candidates.csv", "breast_followup_candidate", [CANDIDATE])
    cli("followup", "stratify", source, "--on", "2018-09-10")
    listed = cli("followup", "worklist", "--trust", "RGT", "--as-of", "2019-03-20")
    assert "overdue=1" in listed
    results = [
        {
            "result_id": "M1",
            "episode_id": "E1",
            "nhs_number": "9434765919",
            "trust_code": "RGT",
            "test_type": "mammogram",
            "test_date": "2019-03-21",
            "result": "abnormal",
            "reported_date": "2019-03-22",
        },
        {
            "result_id": "M2",
            "episode_id": "NOPE",
            "nhs_number": "9434765919",
            "trust_code": "RGT",
            "test_type": "mammogram",
            "test_date": "2019-03-21",
            "result": "normal",
            "reported_date": "2019-03-22",
        },
        {
            "result_id": "M3",
            "episode_id": "E1",
            "nhs_number": "9434765919",
            "trust_code": "RGT",
            "test_type": "mammogram",
            "test_date": "2019-03-21",
            "result": "normal",
            "reported_date": "2019-03-20",
        },
        {
            "result_id": "M4",
            "episode_id": "E1",
            "nhs_number": "9434765803",  # valid, but another patient's
            "trust_code": "RGT",
            "test_type": "mammogram",
            "test_date": "2019-03-21",
            "result": "normal",
            "reported_date": "2019-03-22",
        },
    ]
    file = write(tmp_path / "results.csv", "breast_followup_test_result", results)
    output = cli("followup", "import", "results", file)
    assert "accepted=3 quarantined=1 recorded=1 already=0 unmatched=2" in output
    unmatched = read(Path(output.split("unmatched: ")[1].split()[0]))
    assert sorted(unmatched, key=lambda row: row["result_id"]) == [
        {"result_id": "M2", "episode_id": "NOPE", "reason": "no follow-up episode with this episode_id"},
        {"result_id": "M4", "episode_id": "E1", "reason": "the NHS number is not the episode's patient"},
    ]
    assert "recorded=0 already=1" in cli("followup", "import", "results", file)
    cli("followup", "worklist", "--trust", "RGT", "--as-of", "2019-03-23", "-o", tmp_path / "worklist.csv")
    items = read(tmp_path / "worklist.csv")
    assert [i["category"] for i in items] == ["awaiting_review", "abnormal", "personalised_care"]
    review = items[0]
    cli(
        "followup",
        "act",
        "review",
        review["item_id"],
        "--version",
        review["item_version"],
        "--on",
        "2019-03-23",
    )
    conflict = cli(
        "followup", "act", "review", review["item_id"], "--version", review["item_version"], code=2
    )
    assert "changed by someone else" in conflict
    request = items[1]
    cli(
        "followup",
        "act",
        "reaccess",
        request["item_id"],
        "--version",
        request["item_version"],
        "--on",
        "2019-03-23",
        "--date",
        "2019-03-27",
    )
    assert "awaiting_review=0 abnormal=0" in cli(
        "followup", "worklist", "--trust", "RGT", "--as-of", "2019-03-24"
    )


def test_episodes_import_registers_the_trusts_pathways(cli, tmp_path):
    episode = {
        "episode_id": "B1",
        "nhs_number": "9434765919",
        "trust_code": "RGT",
        "alliance_code": "E56000001",
        "age_at_diagnosis": "61",
        "diagnosis_date": "2017-05-01",
        "treatment_end_date": "2017-10-01",
        "end_of_treatment_review_date": "2018-04-01",
        "pathway": "clinician_led",
        "stratified_date": "2017-10-20",
        "key_worker_id": "",
        "status": "active",
        "status_date": "2017-10-20",
        "open_access_end_date": "",
        "treatment_summary_date": "",
        "care_plan_date": "2017-11-01",
        "hna_date": "2018-04-01",
        "last_mammogram_date": "2018-05-03",
        "last_mammogram_result": "normal",
        "next_mammogram_due_date": "2019-05-01",
    }
    file = write(tmp_path / "episodes.csv", "breast_followup_episode", [episode])
    assert "registered=1" in cli("followup", "import", "episodes", file)
    output = cli("followup", "worklist", "--trust", "RGT", "--as-of", "2019-05-10", "-o", tmp_path / "w.csv")
    [overdue] = read(tmp_path / "w.csv")
    assert (overdue["category"], overdue["date"], overdue["pathway"]) == (
        "overdue",
        "2019-05-01",
        "clinician_led",
    )
    assert "1 items" in output
    store = open_store(os.environ["ALLIANCE_DATABASE_URL"])
    try:
        with store.begin() as session:
            patient = session.scalar(select(FollowupPatient).where(FollowupPatient.episode_id == "B1"))
            assert (patient.care_plan_date, patient.hna_date, patient.treatment_summary_date) == (
                dt.date(2017, 11, 1),
                dt.date(2018, 4, 1),
                None,
            )
    finally:
        store.close()


def test_grant_clinical_needs_a_trust_user(cli):
    assert "is not a trust user" in cli("followup", "grant-clinical", "nobody", code=2)


def test_the_clinical_role_is_granted_and_revoked_with_audit(cli, tmp_path):
    cli("users", "create", "nurse.a", "--role", "trust", "--org", "RGT")
    cli("followup", "grant-clinical", "nurse.a")
    store = open_store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    try:
        with store.begin() as session:
            user = find_user(session, "nurse.a")
            viewer = Viewer(user.id, user.username, None, Role.trust, "RGT")
            assert is_clinical(session, viewer)
        assert "does not have" in cli("followup", "revoke-clinical", "nurse.a")
        assert "does not have" in cli("followup", "revoke-clinical", "nurse.a")  # again: harmless
        with store.begin() as session:
            assert not is_clinical(session, viewer)
            events = session.scalars(
                select(AuditEvent).where(AuditEvent.object_type == "followup_clinician")
            ).all()
            assert [e.action for e in events] == ["create", "delete"]
    finally:
        store.close()
    assert "no user 'nobody'" in cli("followup", "revoke-clinical", "nobody", code=2)


def fhir_report(number: str, episode: str, interpretation: str | None, **changes) -> dict:
    report = {
        "resourceType": "DiagnosticReport",
        "id": f"dr-{number}",
        "identifier": [{"system": "https://example.nhs.uk/ris", "value": f"F{number}"}],
        "basedOn": [{"identifier": {"value": episode}}],
        "status": "final",
        "code": {
            "coding": [{"system": "http://snomed.info/sct", "code": "71651007", "display": "Mammography"}]
        },
        "subject": {"identifier": {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919"}},
        "performer": [
            {"identifier": {"system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "RGT"}}
        ],
        "effectiveDateTime": "2019-03-21T10:15:00Z",
        "issued": "2019-03-22T16:00:00Z",
    }
    if interpretation:
        system = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
        report["conclusionCode"] = [{"coding": [{"system": system, "code": interpretation}]}]
    return report | changes


def test_results_import_reads_a_fhir_r4_bundle_and_validates_it_like_a_csv(cli, tmp_path):
    source = write(tmp_path / "candidates.csv", "breast_followup_candidate", [CANDIDATE])
    cli("followup", "stratify", source, "--on", "2018-09-10")
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"resource": {"resourceType": "Patient", "id": "p1"}},
            {"resource": fhir_report("1", "E1", "A")},
            {"resource": fhir_report("2", "E1", None, code={"coding": [{"system": "x", "code": "us"}]})},
        ],
    }
    path = tmp_path / "results.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    output = cli("followup", "import", "results", path)
    assert "accepted=1 quarantined=1 recorded=1" in output
    quarantine = Path(output.split("quarantine: ")[1].split()[0])
    problems = {(row["row_number"], row["field"]) for row in read_quarantine(quarantine)}
    assert problems == {("2", "test_type"), ("2", "result")}
    assert all(row["file"] == str(path) for row in read_quarantine(quarantine))
    cli("followup", "worklist", "--trust", "RGT", "--as-of", "2019-03-23", "-o", tmp_path / "w.csv")
    categories = [row["category"] for row in read(tmp_path / "w.csv")]
    assert categories == ["awaiting_review", "abnormal", "personalised_care"]
    path.write_text("{not json", encoding="utf-8")
    assert "results.json: not JSON" in cli("followup", "import", "results", path, code=2)


def test_metrics_measure_the_share_stratified_against_the_lakes_registrations(cli, tmp_path):
    """Issue 11 item 4: of 20 breast patients diagnosed at RGT in the window (12 months ending 183
    days before the date), 15 are on follow-up: 75%. A lung registration and a breast one diagnosed
    too recently to have finished treatment are not counted."""
    stems = 999_100_000 + np.arange(40, dtype=np.int64)
    numbers = [str(s * 10 + c) for s, c in zip(stems, check_digits(stems), strict=True) if c >= 0][:22]
    assert "No tumour_registration in the lake" in cli("followup", "metrics", "--as-of", "2019-03-31")
    registration = {
        "icd10": "C50.9",
        "cancer_site": "breast",
        "trust_code": "RGT",
        "alliance_code": "E56000001",
    }
    rows = [
        registration | {"tumour_id": f"T{n}", "nhs_number": number, "diagnosis_date": "2018-05-01"}
        for n, number in enumerate(numbers[:20])
    ]
    rows.append(registration | {"tumour_id": "L", "nhs_number": numbers[20], "diagnosis_date": "2018-05-01"})
    rows[-1] |= {"icd10": "C34.1", "cancer_site": "lung"}
    rows.append(registration | {"tumour_id": "R", "nhs_number": numbers[21], "diagnosis_date": "2018-12-01"})
    cli("ingest", "tumour_registration", write(tmp_path / "reg.csv", "tumour_registration", rows))
    episode = {
        "trust_code": "RGT",
        "alliance_code": "E56000001",
        "diagnosis_date": "2018-05-01",
        "pathway": "supported_self_management",
        "stratified_date": "2018-11-20",
        "status": "active",
        "status_date": "2018-11-20",
    }
    episodes = [episode | {"episode_id": f"B{n}", "nhs_number": numbers[n]} for n in (*range(15), 20, 21)]
    cli(
        "followup",
        "import",
        "episodes",
        write(tmp_path / "episodes.csv", "breast_followup_episode", episodes),
    )
    cli("followup", "metrics", "--as-of", "2019-03-31", "-o", tmp_path / "metrics.csv")
    [row] = read(tmp_path / "metrics.csv")
    assert (row["finished_treatment"], row["stratified"], row["stratified_pct"]) == ("20", "15", "75.0")
    assert row["on_pathway"] == "15"  # 17 followed up: 15 after rounding to 5


def test_act_records_a_concern_triages_it_and_records_the_care_dates(cli, tmp_path):
    source = write(tmp_path / "candidates.csv", "breast_followup_candidate", [CANDIDATE])
    cli("followup", "stratify", source, "--on", "2018-09-10")

    def listed(as_of: str) -> list[dict[str, str]]:
        cli("followup", "worklist", "--trust", "RGT", "--as-of", as_of, "-o", tmp_path / "w.csv")
        return read(tmp_path / "w.csv")

    [care] = listed("2019-01-10")
    assert care["category"] == "personalised_care" and care["item"] == "patient"
    patient, version = care["item_id"], care["item_version"]
    cli(
        "followup",
        "act",
        "report_concern",
        patient,
        "--version",
        version,
        "--on",
        "2019-01-10",
        "--category",
        "pain",
        "--route",
        "portal",
    )
    concern = next(row for row in listed("2019-01-14") if row["category"] == "concern")
    assert concern["detail"] == "Pain (from the patient portal); not triaged within 2 days"
    assert "--outcome: Select the outcome of the triage" in cli(
        "followup", "act", "triage_concern", concern["item_id"], "--version", concern["item_version"], code=2
    )
    cli(
        "followup",
        "act",
        "triage_concern",
        concern["item_id"],
        "--version",
        concern["item_version"],
        "--on",
        "2019-01-14",
        "--outcome",
        "reaccess",
    )
    assert [row["category"] for row in listed("2019-01-14")] == ["reaccess", "personalised_care"]
    for record in ("care_plan_date", "hna_date"):
        [*_, care] = listed("2019-01-14")
        cli(
            "followup",
            "act",
            "record_care",
            patient,
            "--version",
            care["item_version"],
            "--on",
            "2019-01-14",
            "--record",
            record,
            "--date",
            "2019-01-07",
        )
    assert [row["category"] for row in listed("2019-01-14")] == ["reaccess"]
    conflict = cli(
        "followup",
        "act",
        "record_care",
        patient,
        "--version",
        version,
        "--record",
        "hna_date",
        "--date",
        "2019-01-07",
        code=2,
    )
    assert "changed by someone else" in conflict
