"""Files in and out of follow-up: stratify a file of patients finishing treatment, import follow-up
episodes and test results into the store, write the worklist as CSV (issue 11, items 3 and 6).

Every input goes through `ingest_file` first, so it is validated like every other canonical table
(rows quarantined with file, row, field and reason; NHS numbers pseudonymised before anything is
written) and the accepted rows are read back from the lake snapshot. Store writes are audited under
the command's job id and are idempotent: importing or stratifying the same file twice adds nothing.
A result that matches no episode of its trust is not dropped: it is listed, by result id, in an
`-unmatched.csv` file beside the quarantine.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from sqlalchemy import select

from cancer_alliance import csv_export
from cancer_alliance.config import lake_dir, quarantine_dir
from cancer_alliance.followup import actions, fhir
from cancer_alliance.followup.protocol import Decision, Protocol, stratify
from cancer_alliance.followup.worklist import COLUMNS, WorkItem
from cancer_alliance.ingest import IngestSummary, ingest_file
from cancer_alliance.ingest.lake import DATA_FILE, SNAPSHOT_PREFIX
from cancer_alliance.reference import code_list
from cancer_alliance.schemas import schema
from cancer_alliance.store import Auditor, Store
from cancer_alliance.store.followup import (
    CARE_RECORDS,
    FollowupAction,
    FollowupPatient,
    FollowupTest,
    ReaccessRequest,
)

CANDIDATES = "breast_followup_candidate"
EPISODES = "breast_followup_episode"
RESULTS = "breast_followup_test_result"
DECISION_COLUMNS = (
    "episode_id",
    "trust_code",
    "pathway",
    "protocol_id",
    "protocol_version",
    "reasons",
    "first_test_due",
    "tests_planned",
    "surveillance_ends",
    "handover",
)
#: Rows registered per store transaction (bounds a long import's transaction).
BATCH = 500


@dataclass(frozen=True)
class FollowupImport:
    """What a follow-up command did: the ingest, and what reached the store."""

    ingest: IngestSummary
    job_id: str
    registered: int = 0
    already: int = 0
    results: int = 0
    unmatched: int = 0
    unmatched_path: Path | None = None
    decisions: tuple[dict[str, Any], ...] = field(default=())


def snapshot_rows(table: str, snapshot_id: str) -> list[dict[str, Any]]:
    """The accepted rows of one lake snapshot (NHS numbers already pseudonyms)."""
    path = lake_dir(table) / f"{SNAPSHOT_PREFIX}{snapshot_id}" / DATA_FILE
    return pq.read_table(path).to_pylist()


def _batches(rows: list[dict[str, Any]]) -> Iterable[list[dict[str, Any]]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


def _job(kind: str) -> str:
    return f"cli-followup-{kind}-{uuid.uuid4().hex[:12]}"


def stratify_file(
    path: Path, store: Store, protocol: Protocol, on: dt.date, *, job_id: str | None = None
) -> FollowupImport:
    """Validate `path` as `breast_followup_candidate`, decide each accepted patient's pathway by
    `protocol` and register them on follow-up on `on` (their treatment end, if later)."""
    summary = ingest_file(CANDIDATES, path)
    job = job_id or _job("stratify")
    rows = snapshot_rows(CANDIDATES, summary.snapshot_id)
    decisions: list[dict[str, Any]] = []
    registered = already = 0
    for batch in _batches(rows):
        with store.begin() as session:
            auditor = Auditor(session, job_id=job)
            for row in batch:
                decision = stratify(protocol, row)
                known = _known(session, row["episode_id"])
                stratified = max(on, row["treatment_end_date"])
                actions.register(session, auditor, row, decision, stratified)
                registered, already = registered + (not known), already + known
                decisions.append(
                    {
                        "episode_id": row["episode_id"],
                        "trust_code": row["trust_code"],
                        "pathway": decision.pathway,
                        "protocol_id": decision.protocol_id,
                        "protocol_version": decision.protocol_version,
                        "reasons": "; ".join(decision.reasons),
                        "first_test_due": decision.surveillance_due[0] if decision.surveillance_due else None,
                        "tests_planned": len(decision.surveillance_due),
                        "surveillance_ends": decision.surveillance_ends,
                        "handover": decision.handover,
                    }
                )
    return FollowupImport(summary, job, registered=registered, already=already, decisions=tuple(decisions))


def _known(session: Any, episode_id: str) -> bool:
    found = session.scalar(select(FollowupPatient.id).where(FollowupPatient.episode_id == episode_id))
    return found is not None


def import_episodes(
    path: Path,
    store: Store,
    protocol: Protocol,
    *,
    job_id: str | None = None,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> FollowupImport:
    """Validate `path` as `breast_followup_episode` and register its episodes in the store with the
    pathway and status the trust recorded, the treatment summary, care plan and holistic needs
    assessment dates, the last mammogram and its result, and the tests still to come: the trust's
    next due date, then the protocol's plan after it."""
    summary = ingest_file(EPISODES, path)
    job = job_id or _job("import")
    rows = snapshot_rows(EPISODES, summary.snapshot_id)
    registered = already = done = 0
    for batch in _batches(rows):
        with store.begin() as session:
            fresh = _unknown(session, batch)
            _register_episodes(session, Auditor(session, job_id=job), protocol, fresh)
        registered, already = registered + len(fresh), already + len(batch) - len(fresh)
        done += len(batch)
        progress(done, len(rows))
    return FollowupImport(summary, job, registered=registered, already=already)


def _unknown(session: Any, batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of `batch` whose episode is not in the store yet (one query for the batch)."""
    ids = [row["episode_id"] for row in batch]
    known = set(
        session.scalars(select(FollowupPatient.episode_id).where(FollowupPatient.episode_id.in_(ids)))
    )
    return [row for row in batch if row["episode_id"] not in known]


def _episode_decision(protocol: Protocol, row: Mapping[str, Any]) -> Decision:
    """The protocol's plan for an imported episode, keeping the pathway the trust recorded and the
    tests still to come: the trust's next due date, then the plan's dates after it."""
    decision = stratify(protocol, row)
    last, following = row["last_mammogram_date"], row["next_mammogram_due_date"]
    surveilled = row["status"] in ("active", "suspended") or following is not None
    if following is not None:
        later = [d for d in decision.surveillance_due if (d - following).days > 180]
        upcoming = (following, *later)
    else:
        after = last or row["stratified_date"]
        upcoming = tuple(d for d in decision.surveillance_due if d > after) if surveilled else ()
    label = code_list("followup_pathway").get(row["pathway"], row["pathway"])
    source = f"{label}, as recorded by the trust (imported episode)"
    return replace(decision, pathway=row["pathway"], reasons=(source,), surveillance_due=upcoming)


def _register_episodes(
    session: Any, auditor: Auditor, protocol: Protocol, rows: list[dict[str, Any]]
) -> None:
    """Register imported episodes in a few statements per batch: patients, then their tests (the
    last mammogram with its result, reviewed in the sending system when normal), re-access requests
    for abnormal results, the actions; one audit event per patient, naming what the job wrote for it."""
    decisions = [_episode_decision(protocol, row) for row in rows]
    patients = [
        actions.new_patient(
            row,
            decision,
            row["stratified_date"],
            {
                "status": row["status"],
                "status_date": row["status_date"] or row["stratified_date"],
                "last_contact_date": row["end_of_treatment_review_date"],
                "open_access_end_date": row["open_access_end_date"] or decision.open_access_end_date,
                **{column: row.get(column) for column in CARE_RECORDS},
            },
        )
        for row, decision in zip(rows, decisions, strict=True)
    ]
    session.add_all(patients)
    session.flush()
    tests, lasts = [], []
    for patient, row, decision in zip(patients, rows, decisions, strict=True):
        tests += [
            FollowupTest(patient_id=patient.id, test_type=decision.test, due_date=due)
            for due in decision.surveillance_due
        ]
        if row["last_mammogram_date"] is not None:
            day, result = row["last_mammogram_date"], row["last_mammogram_result"] or "awaiting"
            last = FollowupTest(
                patient_id=patient.id,
                test_type=decision.test,
                due_date=day,
                performed_date=day,
                result=result,
                reported_date=None if result == "awaiting" else day,
                reviewed_at=dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
                if result == "normal"
                else None,
            )
            lasts.append((patient, last))
    session.add_all(tests + [last for _, last in lasts])
    session.flush()
    requests = [
        ReaccessRequest(
            patient_id=patient.id,
            test_id=last.id,
            source="abnormal_result",
            raised_on=last.performed_date,
            status="open",
        )
        for patient, last in lasts
        if last.result == "abnormal"
    ]
    logged = [
        FollowupAction(
            action_key=f"stratify:{patient.episode_id}",
            patient_id=patient.id,
            action="stratify",
            action_date=patient.stratified_date,
            job_id=auditor.job_id,
        )
        for patient in patients
    ] + [
        FollowupAction(
            action_key=f"episode-result:{patient.episode_id}",
            patient_id=patient.id,
            test_id=last.id,
            action="record_result",
            action_date=last.performed_date,
            job_id=auditor.job_id,
        )
        for patient, last in lasts
    ]
    session.add_all(requests + logged)
    session.flush()
    scheduled: dict[int, int] = {}
    for test in tests:
        scheduled[test.patient_id] = scheduled.get(test.patient_id, 0) + 1
    results = {patient.id: last.result for patient, last in lasts}
    for patient in patients:  # one event per patient names what the job wrote for it
        auditor.created(
            patient,
            {
                "source": "imported episode",
                "tests_scheduled": scheduled.get(patient.id, 0),
                "last_result": results.get(patient.id),
                "reaccess_raised": results.get(patient.id) == "abnormal",
                "actions": ["stratify", *(["record_result"] if patient.id in results else [])],
            },
        )


def import_results(path: Path, store: Store, *, job_id: str | None = None) -> FollowupImport:
    """Validate `path` (CSV, Parquet, or FHIR R4: a Bundle as .json, a folder of Bundle pages, or
    bulk-export .ndjson) as `breast_followup_test_result`
    and record each result against its episode's scheduled test due nearest the test date (a new
    test if none is waiting)."""
    if path.is_dir() or path.suffix.lower() in (".json", ".ndjson"):  # FHIR R4 (fhir.py)
        rows, _ = fhir.bundle_rows(path)
        with tempfile.TemporaryDirectory(prefix="alliance-fhir-") as folder:
            staged = write_csv_file(Path(folder) / "results.csv", rows, schema(RESULTS).column_names)
            summary = ingest_file(RESULTS, staged, source_name=str(path))
    else:
        summary = ingest_file(RESULTS, path)
    job = job_id or _job("results")
    rows = snapshot_rows(RESULTS, summary.snapshot_id)
    unmatched: list[dict[str, str]] = []
    recorded = already = 0
    for batch in _batches(rows):
        with store.begin() as session:
            auditor = Auditor(session, job_id=job)
            for row in batch:
                outcome = _record_result(session, auditor, row)
                if outcome == "recorded":
                    recorded += 1
                elif outcome == "already":
                    already += 1
                else:
                    unmatched.append(
                        {"result_id": row["result_id"], "episode_id": row["episode_id"], "reason": outcome}
                    )
    unmatched_path = None
    if unmatched:
        unmatched_path = quarantine_dir() / f"{RESULTS}-{summary.snapshot_id}-unmatched.csv"
        unmatched_path.parent.mkdir(parents=True, exist_ok=True)
        write_csv(unmatched_path, unmatched, ("result_id", "episode_id", "reason"))
    return FollowupImport(
        summary,
        job,
        results=recorded,
        already=already,
        unmatched=len(unmatched),
        unmatched_path=unmatched_path,
    )


def _record_result(session: Any, auditor: Auditor, row: Mapping[str, Any]) -> str:
    key = f"result:{row['result_id']}"
    if actions._done(session, key) is not None:
        return "already"
    patient = session.scalar(select(FollowupPatient).where(FollowupPatient.episode_id == row["episode_id"]))
    if patient is None:
        return "no follow-up episode with this episode_id"
    if patient.trust_code != row["trust_code"]:
        return "the episode belongs to another trust"
    if patient.patient_pseudonym != row["nhs_number"]:
        return "the NHS number is not the episode's patient"
    waiting = session.scalars(
        select(FollowupTest).where(
            FollowupTest.patient_id == patient.id,
            FollowupTest.test_type == row["test_type"],
            FollowupTest.result.is_(None) | (FollowupTest.result == "awaiting"),
        )
    ).all()
    if waiting:
        test = min(waiting, key=lambda t: (abs((t.due_date - row["test_date"]).days), t.id))
    else:
        test = FollowupTest(patient_id=patient.id, test_type=row["test_type"], due_date=row["test_date"])
        session.add(test)
        session.flush()
    try:
        actions.record_result(
            session,
            auditor,
            test.id,
            result=row["result"],
            performed_date=row["test_date"],
            reported_date=row["reported_date"],
            action_key=key,
            expected_version=None,
            source_result_id=row["result_id"],
        )
    except actions.ActionError as error:
        return str(error)
    return "recorded"


def write_csv(path: Path, rows: Iterable[Mapping[str, Any]], columns: tuple[str, ...]) -> int:
    """Write `rows` (only `columns`, in order) as CSV for ingest to read back, values exactly as they
    are; returns the number written. Files for people go through `csv_export.write_csv`."""
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if row.get(k) is None else row[k] for k in columns})
            count += 1
    return count


def write_csv_file(path: Path, rows: list[dict[str, str]], columns: list[str]) -> Path:
    write_csv(path, rows, tuple(columns))
    return path


def write_worklist(path: Path, items: list[WorkItem]) -> int:
    return csv_export.write_csv(path, (item.as_row() for item in items), COLUMNS)
