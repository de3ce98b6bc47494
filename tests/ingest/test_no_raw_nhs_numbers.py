"""Security property: no raw NHS number is written anywhere under ALLIANCE_HOME (issue 2, item 4;
style guide §1, "no raw NHS number passes ingest"). NHS numbers become keyed pseudonyms
(HMAC-SHA256) before anything is written; the quarantine masks them fully."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat

import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from cancer_alliance.cli import (
    app,
    commands,  # noqa: F401  (registers the ingest command)
)
from cancer_alliance.errors import AllianceError
from cancer_alliance.ingest import importer, ingest_file, pseudonym, snapshot_paths

from .conftest import TEST_KEY, read_quarantine, record, write_csv
from .test_lake_snapshots import FailingWriter

VALID = ["9434765919", "4010232137", "0100000010"]
INVALID = ["9434765918", "1000000010", "4010232138"]


def spaced(number: str) -> str:
    return f"{number[:3]} {number[3:6]} {number[6:]}"


ROWS = [
    record(record_id="ok1", nhs_number=VALID[0]),
    record(record_id="ok2", nhs_number=spaced(VALID[1])),
    record(record_id="bad-other-field", nhs_number=VALID[2], priority_type="x"),
    record(record_id="ok1", nhs_number=VALID[0]),  # duplicate key
    record(record_id="bad1", nhs_number=INVALID[0]),
    record(record_id="bad2", nhs_number=spaced(INVALID[1])),
    record(record_id="bad3", nhs_number=INVALID[2], date_first_seen="2019-02-30"),
]


def test_no_raw_nhs_number_is_written_under_alliance_home(home, tmp_path, monkeypatch):
    path = write_csv(tmp_path / "in.csv", ROWS)
    with monkeypatch.context() as failing:  # an interrupted import first
        failing.setattr(importer, "BATCH_ROWS", 1)
        failing.setattr(importer.pq, "ParquetWriter", FailingWriter)
        with pytest.raises(OSError):
            ingest_file("cwt", path)
    result = CliRunner().invoke(app, ["ingest", "cwt", str(path)])
    assert result.exit_code == 0, result.output
    assert CliRunner().invoke(app, ["ingest", "cwt", str(path)]).exit_code == 0  # already imported
    files = [p for p in home.rglob("*") if p.is_file()]
    assert {p.suffix for p in files} >= {".parquet", ".csv", ".json"}  # snapshot, quarantine, manifest
    texts = [p.read_bytes() for p in files]
    texts += [str(pq.read_table(p).to_pylist()).encode() for p in files if p.suffix == ".parquet"]
    for number in VALID + INVALID:
        for form in (number, spaced(number)):
            assert not any(form.encode() in text for text in texts), form
    for number in VALID + INVALID:
        assert number not in result.output and spaced(number) not in result.output


def test_accepted_numbers_are_keyed_pseudonyms_and_quarantined_ones_masked(home, tmp_path):
    summary = ingest_file("cwt", write_csv(tmp_path / "in.csv", ROWS))
    [path] = snapshot_paths("cwt")
    got = {row["record_id"]: row["nhs_number"] for row in pq.read_table(path).to_pylist()}
    expected = {
        record_id: hmac.new(TEST_KEY.encode(), number.encode(), hashlib.sha256).hexdigest()
        for record_id, number in (("ok1", VALID[0]), ("ok2", VALID[1]))
    }
    assert got == expected
    masked = {line["nhs_number"] for line in read_quarantine(summary.quarantine_path)}
    assert masked == {importer.MASK}


def test_without_a_configured_key_one_is_generated_owner_only_and_reused(
    alliance_home, tmp_path, monkeypatch
):
    monkeypatch.delenv(pseudonym.KEY_VARIABLE, raising=False)
    ingest_file("cwt", write_csv(tmp_path / "one.csv", [record(record_id="a")]))
    key_file = alliance_home / pseudonym.KEY_FILE_NAME
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_bytes()
    ingest_file("cwt", write_csv(tmp_path / "two.csv", [record(record_id="b")]))
    assert key_file.read_bytes() == key
    pseudonyms = {r["nhs_number"] for p in snapshot_paths("cwt") for r in pq.read_table(p).to_pylist()}
    assert pseudonyms == {hmac.new(key, b"9434765919", hashlib.sha256).hexdigest()}


def test_a_key_file_others_can_read_is_refused(alliance_home, monkeypatch):
    monkeypatch.delenv(pseudonym.KEY_VARIABLE, raising=False)
    pseudonym.load_key()
    os.chmod(alliance_home / pseudonym.KEY_FILE_NAME, 0o644)
    with pytest.raises(AllianceError, match="can be read by other users"):
        pseudonym.load_key()


def test_a_short_configured_key_is_refused(alliance_home, monkeypatch):
    monkeypatch.setenv(pseudonym.KEY_VARIABLE, "secret")
    with pytest.raises(AllianceError, match="too short"):
        pseudonym.load_key()


@pytest.mark.property
@given(key=st.binary(min_size=1, max_size=130), number=st.from_regex(r"[0-9]{10}", fullmatch=True))
def test_pseudonym_is_hmac_sha256_for_any_key_length(key, number):
    assert pseudonym.pseudonymise([number, None], key) == [
        hmac.new(key, number.encode(), hashlib.sha256).hexdigest(),
        None,
    ]
