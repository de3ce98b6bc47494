"""Ingest of `pathway_event` (issue 12 item 2): checked like every table, plus the cross-row checks
(unknown event, a date before the start event, a second start event for one pathway) and the
outcome only on diagnosis communicated; rows in = accepted + quarantined."""

from __future__ import annotations

import csv

from cancer_alliance.ingest import ingest_file

from .conftest import event, write_events


def _problems(summary) -> set[tuple[int, str, str, str]]:
    with summary.quarantine_path.open(encoding="utf-8") as handle:
        return {(int(r["row_number"]), r["field"], r["check"], r["reason"]) for r in csv.DictReader(handle)}


def test_cross_row_checks_quarantine_with_row_and_reason(tmp_path, pathway_home):
    path = write_events(
        tmp_path / "events.csv",
        [
            event("p1", "referral_received", "2020-03-02"),  # 1
            event("p1", "ct", "2020-03-05"),  # 2 ok
            event("p1", "referral_received", "2020-03-03"),  # 3 second start
            event("p1", "ct", "2020-03-01"),  # 4 before the start
            event("p1", "chest_xray", "2020-03-04"),  # 5 unknown event
            event("p1", "mdt", "2020-03-09", tumour="prostate"),  # 6 tumour changes
            event("p1", "diagnosis_communicated", "2020-03-20"),  # 7 no outcome
            event("p1", "ct", "2020-03-20", outcome="cancer"),  # 8 outcome on another event
            event("p1", "consultant_upgrade", "2020-03-10"),  # 9 ok: a later upgrade
            event("p1", "diagnosis_communicated", "2020-03-21", outcome="ruled_out"),  # 10 ok
            event("p2", "ct", "2020-03-05"),  # 11 ok: no start yet (it may come in a later file)
        ],
    )
    summary = ingest_file("pathway_event", path)
    assert (summary.rows_in, summary.accepted, summary.quarantined) == (11, 5, 6)
    assert _problems(summary) == {
        (
            3,
            "event",
            "second_start_event",
            "a second referral_received event for this pathway_id: the first is in row 1",
        ),
        (4, "event_date", "before_start", "event_date is before the pathway_id's start event in row 1"),
        (5, "event", "unknown_code", "not a code in the pathway_event code list"),
        (6, "tumour", "differs_in_group", "tumour differs from the pathway_id's start event in row 1"),
        (
            7,
            "outcome",
            "conditional",
            "a diagnosis_communicated event needs an outcome (cancer or ruled_out)",
        ),
        (8, "outcome", "conditional", "outcome is given only on a diagnosis_communicated event"),
    }


def test_a_second_upgrade_is_a_second_start_event(tmp_path, pathway_home):
    path = write_events(
        tmp_path / "events.csv",
        [
            event("p1", "referral_received", "2020-03-02"),
            event("p1", "consultant_upgrade", "2020-03-04"),
            event("p1", "consultant_upgrade", "2020-03-06"),
        ],
    )
    summary = ingest_file("pathway_event", path)
    assert (summary.accepted, summary.quarantined) == (2, 1)
    assert {p[:3] for p in _problems(summary)} == {(3, "event", "second_start_event")}


def test_the_quarantine_never_holds_an_nhs_number(tmp_path, pathway_home):
    path = write_events(tmp_path / "events.csv", [event("p1", "xray", "2020-03-02")])
    summary = ingest_file("pathway_event", path)
    text = summary.quarantine_path.read_text(encoding="utf-8")
    assert "9434765919" not in text and "masked" in text
