"""Generated files pass ingest with exactly the deliberately invalid rows quarantined (issue 4,
"Done when"; ingest checks in cancer_alliance.ingest.checks)."""

from __future__ import annotations

import csv

import pytest

from cancer_alliance.ingest import ingest_file
from cancer_alliance.schemas import schema
from cancer_alliance.synth import FILES

TEST_KEY = "synthetic-test-key-0123456789abcdef"


@pytest.mark.parametrize("table", list(FILES))
def test_ingest_quarantines_exactly_the_rows_the_generator_broke(
    generated, invalid, table, alliance_home, monkeypatch
):
    monkeypatch.setenv("ALLIANCE_PSEUDONYM_KEY", TEST_KEY)
    summary = ingest_file(table, generated / FILES[table][0])
    broken = invalid[table]
    assert summary.quarantined == len(broken)
    assert summary.accepted == summary.rows_in - len(broken)
    key = schema(table).key
    with summary.quarantine_path.open(encoding="utf-8") as handle:
        problems = list(csv.DictReader(handle))
    assert {p[key] for p in problems} == set(broken)
    # each broken row is caught by the check the generator named (other checks may fire too)
    caught = {(p[key], p["check"]) for p in problems}
    assert all((k, defect) in caught for k, (defect, _) in broken.items())
