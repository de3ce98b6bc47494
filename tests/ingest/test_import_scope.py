"""Import scope (issue 19, item 5; docs/decisions/0025-import-scope.md): a national import writes any
row; an alliance import only rows whose providers all belong to the alliance (site codes rolling up
through their trust); a trust import only its own rows; a row for another organisation is quarantined
with file, row, field and reason, and never replaces another organisation's record in the lake."""

from __future__ import annotations

import csv

import pyarrow.parquet as pq
import pytest

from cancer_alliance.errors import InputError
from cancer_alliance.ingest import alliance_scope, ingest_file, snapshot_paths, trust_scope
from cancer_alliance.schemas import schema

from .conftest import read_quarantine, record, write_csv

#: Two 2018/19 alliances and one trust of each (reference/data/alliance_trusts.csv).
NORTHERN, NORTHERN_TRUST = "E56000017", "RTD"
LANCASHIRE, LANCASHIRE_TRUST = "E56000018", "RXN"


def providers(code: str) -> dict[str, str]:
    """Every provider column of a CWT record set to `code`."""
    return {column: code for column in schema("cwt").owner.columns}


def ours(record_id: str, **changes: str) -> dict[str, str]:
    return record(record_id=record_id, **providers(NORTHERN_TRUST)) | changes


def theirs(record_id: str, **changes: str) -> dict[str, str]:
    return record(record_id=record_id, **providers(LANCASHIRE_TRUST)) | changes


def lake_rows(table: str = "cwt") -> dict[str, dict]:
    """Each key's row from the newest snapshot holding it (the lake's rule, docs/decisions/0003)."""
    rows: dict[str, dict] = {}
    for path in snapshot_paths(table):
        rows |= {row[schema(table).key]: row for row in pq.read_table(path).to_pylist()}
    return rows


@pytest.mark.parametrize(
    ("scope", "accepted"),
    [
        pytest.param(None, {"n1", "n2", "l1", "site"}, id="national: every row"),
        pytest.param(
            alliance_scope(NORTHERN), {"n1", "n2", "site"}, id="alliance: its trusts and their sites"
        ),
        pytest.param(trust_scope(NORTHERN_TRUST), {"n1", "n2", "site"}, id="trust: its own rows"),
        pytest.param(trust_scope("RE9"), set(), id="another trust of the same alliance: none"),
    ],
)
def test_each_role_imports_only_its_organisations_rows(home, tmp_path, scope, accepted):
    rows = [ours("n1"), ours("n2"), theirs("l1"), ours("site", provider_first_seen=f"{NORTHERN_TRUST}01")]
    summary = ingest_file("cwt", write_csv(tmp_path / "in.csv", rows), scope=scope)
    assert set(lake_rows()) == accepted
    assert summary.rows_in == summary.accepted + summary.quarantined == 4
    assert summary.accepted == len(accepted)


def test_a_row_for_another_alliance_is_quarantined_naming_file_row_and_field(home, tmp_path):
    path = write_csv(
        tmp_path / "upload.csv", [ours("n1"), ours("mixed", provider_treatment=LANCASHIRE_TRUST)]
    )
    summary = ingest_file("cwt", path, scope=alliance_scope(NORTHERN), source_name="upload.csv")
    [problem] = read_quarantine(summary.quarantine_path)
    assert (problem["file"], problem["row_number"], problem["field"], problem["check"]) == (
        "upload.csv",
        "2",
        "provider_treatment",
        "out_of_scope",
    )
    assert (
        problem["reason"] == f"provider {LANCASHIRE_TRUST} is not one of alliance {NORTHERN}'s organisations"
    )


def test_a_row_naming_no_provider_is_quarantined_for_a_scoped_import(home, tmp_path):
    path = write_csv(tmp_path / "in.csv", [ours("n1", **providers(""))])
    summary = ingest_file("cwt", path, scope=alliance_scope(NORTHERN))
    [problem] = read_quarantine(summary.quarantine_path)
    assert (problem["check"], problem["field"]) == ("out_of_scope", "provider_consultant_upgrade")
    assert problem["reason"].startswith("no provider given")


def test_an_alliance_upload_of_another_alliances_record_leaves_that_record_unchanged(home, tmp_path):
    ingest_file("cwt", write_csv(tmp_path / "national.csv", [theirs("l1"), ours("n1")]))
    before = lake_rows()
    # The same record id, claimed for one of Northern's trusts, and Lancashire's record as it is.
    upload = [ours("l1", treatment_start_date="2019-08-01"), theirs("l2")]
    second = write_csv(tmp_path / "alliance.csv", upload)
    summary = ingest_file("cwt", second, scope=alliance_scope(NORTHERN))
    assert (summary.accepted, summary.quarantined) == (0, 2)
    checks = {(p["row_number"], p["check"]) for p in read_quarantine(summary.quarantine_path)}
    assert checks == {("1", "owned_elsewhere"), ("2", "out_of_scope")}
    assert lake_rows() == before


def test_an_alliance_may_replace_its_own_records(home, tmp_path):
    ingest_file("cwt", write_csv(tmp_path / "first.csv", [ours("n1"), theirs("l1")]))
    later = ours("n1", treatment_start_date="2019-08-01")
    summary = ingest_file("cwt", write_csv(tmp_path / "second.csv", [later]), scope=alliance_scope(NORTHERN))
    assert summary.accepted == 1
    rows = lake_rows()
    assert str(rows["n1"]["treatment_start_date"]) == "2019-08-01"
    assert str(rows["l1"]["treatment_start_date"]) == "2019-07-15"


def test_the_same_file_under_a_wider_scope_is_a_new_import(home, tmp_path):
    path = write_csv(tmp_path / "in.csv", [ours("n1"), theirs("l1")])
    scoped = ingest_file("cwt", path, scope=alliance_scope(NORTHERN))
    again = ingest_file("cwt", path, scope=alliance_scope(NORTHERN))
    national = ingest_file("cwt", path)
    assert again.already_imported and again.snapshot_id == scoped.snapshot_id
    assert not national.already_imported and national.accepted == 2
    assert set(lake_rows()) == {"n1", "l1"}


def test_ccg_rows_roll_up_to_an_alliance_and_a_trust_cannot_import_them(home, tmp_path):
    table = schema("fit_screening_episode")
    ours_ccg = next(iter(alliance_scope(NORTHERN).ccgs))
    theirs_ccg = next(iter(alliance_scope(LANCASHIRE).ccgs))
    base = {
        "nhs_number": "9434765919",
        "invitation_date": "2020-01-06",
    }
    rows = [
        base | {"episode_id": "e1", "ccg_code": ours_ccg},
        base | {"episode_id": "e2", "ccg_code": theirs_ccg},
    ]
    path = tmp_path / "fit.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=table.column_names, restval="")
        writer.writeheader()
        writer.writerows(rows)
    summary = ingest_file("fit_screening_episode", path, scope=alliance_scope(NORTHERN))
    problems = {p["row_number"]: p["check"] for p in read_quarantine(summary.quarantine_path)}
    assert problems.get("2") == "out_of_scope" and "1" not in problems
    with pytest.raises(InputError, match="gives each row's CCG and trust RTD has none"):
        ingest_file("fit_screening_episode", path, scope=trust_scope(NORTHERN_TRUST))


@pytest.mark.parametrize(
    ("make", "code", "message"),
    [
        (alliance_scope, "E99999999", "unknown alliance 'E99999999'"),
        (trust_scope, "ZZZ", "unknown trust 'ZZZ'"),
    ],
)
def test_an_unknown_organisation_is_refused(make, code, message):
    with pytest.raises(InputError, match=message):
        make(code)
