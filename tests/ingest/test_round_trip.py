"""Round-trip property (style guide §4; issue 2, item 4): for any generated file, rows in =
accepted + quarantined; a plain-Python oracle, written from the rules and not from the SQL,
agrees on which rows are accepted; and the accepted rows read back from the lake equal the
input with typed values and pseudonymised NHS numbers."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
import tempfile
from pathlib import Path
from unittest import mock

import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cancer_alliance.ingest import ingest_file, is_valid_nhs_number, snapshot_paths
from cancer_alliance.reference import code_list

from .conftest import CWT, TEST_KEY, read_quarantine, write_csv

COLUMNS = [
    "record_id",
    "nhs_number",
    "priority_type",
    "referral_received_date",
    "treatment_start_date",
    "adjustment_first_seen_days",
    "treatment_event_type",
]
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
RECORD_ID = re.compile(CWT.column("record_id").pattern)

dates = st.dates(dt.date(2018, 1, 1), dt.date(2020, 12, 31)).map(dt.date.isoformat)
rows = st.fixed_dictionaries(
    {
        "record_id": st.sampled_from(["a", "b", "c", "d", "e", "f", "g", "h", "x y", ""]),
        "nhs_number": st.sampled_from(["9434765919", "401 023 2137", "9434765918", "1000000010", "123", ""]),
        "priority_type": st.sampled_from(["1", "2", "3", "4", ""]),
        "referral_received_date": dates | st.sampled_from(["2019-02-30", "3/6/2019", ""]),
        "treatment_start_date": dates | st.sampled_from(["2019-02-29", ""]),
        "adjustment_first_seen_days": st.integers(-2, 400).map(str) | st.sampled_from(["x", "1.5", ""]),
        "treatment_event_type": st.sampled_from(["01", "07", "1", ""]),
    }
)


def parse_date(text: str) -> dt.date | None:
    if not ISO_DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def oracle_accepts(row: dict[str, str], seen: set[str]) -> bool:
    """The ingest rules for these columns, restated in Python (docs/sources.md)."""
    days = row["adjustment_first_seen_days"]
    referral, treatment = parse_date(row["referral_received_date"]), parse_date(row["treatment_start_date"])
    checks = [
        bool(RECORD_ID.fullmatch(row["record_id"])),
        row["record_id"] not in seen,
        is_valid_nhs_number(row["nhs_number"]),
        row["priority_type"] in code_list("priority_type") or not row["priority_type"],
        referral is not None or not row["referral_received_date"],
        treatment is not None or not row["treatment_start_date"],
        not days or (days.lstrip("-").isdigit() and int(days) >= 0),
        row["treatment_event_type"] in code_list("treatment_event_type") or not row["treatment_event_type"],
        referral is None or treatment is None or treatment >= referral,
    ]
    if row["record_id"]:
        seen.add(row["record_id"])
    return all(checks)


def expected_lake_row(row: dict[str, str]) -> dict:
    number = "".join(row["nhs_number"].split())
    typed = {name: None for name in CWT.column_names} | {
        "record_id": row["record_id"],
        "nhs_number": hmac.new(TEST_KEY.encode(), number.encode(), hashlib.sha256).hexdigest(),
        "priority_type": row["priority_type"] or None,
        "referral_received_date": parse_date(row["referral_received_date"]),
        "treatment_start_date": parse_date(row["treatment_start_date"]),
        "adjustment_first_seen_days": int(row["adjustment_first_seen_days"])
        if row["adjustment_first_seen_days"]
        else None,
        "treatment_event_type": row["treatment_event_type"] or None,
    }
    return typed


@pytest.mark.property
@given(st.lists(rows, max_size=12))
def test_every_row_is_accepted_or_quarantined_and_accepted_rows_round_trip(generated):
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "home"
        with mock.patch.dict(os.environ, {"ALLIANCE_HOME": str(home), "ALLIANCE_PSEUDONYM_KEY": TEST_KEY}):
            summary = ingest_file("cwt", write_csv(Path(folder) / "in.csv", generated, COLUMNS))
            [snapshot] = snapshot_paths("cwt")
            lake_rows = pq.read_table(snapshot).to_pylist()
            quarantine = read_quarantine(summary.quarantine_path) if summary.quarantine_path else []

    assert summary.rows_in == len(generated)
    assert summary.accepted + summary.quarantined == summary.rows_in
    quarantined_rows = {int(line["row_number"]) for line in quarantine}
    assert len(quarantined_rows) == summary.quarantined and len(lake_rows) == summary.accepted

    seen: set[str] = set()
    accepted_by_oracle = [row for row in generated if oracle_accepts(row, seen)]
    accepted_by_ingest = [row for number, row in enumerate(generated, 1) if number not in quarantined_rows]
    assert accepted_by_ingest == accepted_by_oracle

    by_key = sorted(lake_rows, key=lambda row: row["record_id"])
    assert by_key == sorted(map(expected_lake_row, accepted_by_oracle), key=lambda row: row["record_id"])
