"""The audit log in words (issue #23): stored details, objects, jobs and times as a reader reads them."""

from __future__ import annotations

import datetime as dt

import pytest

from cancer_alliance.web.presenters import audit

DETAILS = [
    ({"format": "csv", "rows": 12}, "Format: csv; Rows: 12"),
    (
        {"due_date": "2019-03-31", "changed": ["manual_rag", "due_date"]},
        "Due date: 31 March 2019; Changed: manual RAG, due date",
    ),
    ({"filters": {"object_type": "cwt_pathway"}, "page": 1}, "Filters: (Object type: CWT pathway); Page: 1"),
    ({"granted": True, "reason": None}, "Granted: yes; Reason: none"),
    (
        {"metric_key": "early_diagnosis:early_stage_proportion"},
        "Metric key: early diagnosis: early stage proportion",
    ),
    ({"metric_key": "cwt:62d_usc"}, "Metric key: CWT: 62d usc"),
    ({"at": "2019-04-05T14:03:09+00:00"}, "At: 5 Apr 2019 14:03:09"),
]


@pytest.mark.parametrize(("details", "words"), DETAILS)
def test_details_are_written_in_words(details, words):
    assert audit.details_in_words(details) == words


@pytest.mark.parametrize(
    ("job", "words"),
    [
        ("demo-programme-3f2a9c1b4d", "Demo set-up: programme"),
        ("cli-followup-act-0123456789ab", "Command line: followup act"),
        ("test-setup", "Test: setup"),
        ("nightly_refresh", "Nightly refresh"),
    ],
)
def test_jobs_are_named_without_their_random_tail(job, words):
    assert audit.job_in_words(job) == words


def test_objects_and_times_read_naturally():
    assert audit.object_in_words("cwt_pathway") == "Pathway"
    assert audit.object_in_words("linac_record") == "Linac record"
    assert audit.when_in_words(dt.datetime(2019, 4, 5, 9, 3, 1)) == "5 Apr 2019 09:03:01"
    assert audit.folded("x" * 121) and not audit.folded("x" * 120)
