"""Organisation codes in one stored form (issue 20, item 5): a CCG given by its ODS code (`02P`, as
screening systems hold them) is stored as its ONS code (`E38000006`) through the reference data's CCG
lists; an ODS code that names more than one ONS code across the versions held is never guessed."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow.parquet as pq

from cancer_alliance.ingest import ingest_file, snapshot_paths
from cancer_alliance.reference import ccgs
from cancer_alliance.reference.organisations import ccg_ods_to_ons

COLUMNS = ["episode_id", "nhs_number", "ccg_code", "invitation_date"]


def write(path: Path, ccg_codes: list[str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows([f"e{i}", "9434765919", code, "2019-05-01"] for i, code in enumerate(ccg_codes))
    return path


def test_every_mapped_ods_code_is_one_ons_code_of_the_reference_lists():
    mapping = ccg_ods_to_ons()
    held = {(c.ods_code, c.ons_code) for version in ("2018/19", "2021/22", "2022/23") for c in ccgs(version)}
    assert mapping and all((ods, ons) in held for ods, ons in mapping.items())
    reused = {ods for ods, _ in held if ods and len({ons for o, ons in held if o == ods}) > 1}
    assert reused.isdisjoint(mapping)


def test_ods_and_ons_coded_ccgs_are_stored_alike_and_ambiguous_ods_codes_quarantined(home, tmp_path):
    mapping = ccg_ods_to_ons()
    ods = next(iter(mapping))
    held = [
        (c.ods_code, c.ons_code) for v in ("2018/19", "2021/22", "2022/23") for c in ccgs(v) if c.ods_code
    ]
    reused = sorted({o for o, _ in held} - set(mapping))
    codes = [ods, mapping[ods], *reused[:1]]
    summary = ingest_file("fit_screening_episode", write(tmp_path / "fit.csv", codes))
    assert summary.rows_in == summary.accepted + summary.quarantined == len(codes)
    [path] = snapshot_paths("fit_screening_episode")
    stored = {row["episode_id"]: row["ccg_code"] for row in pq.read_table(path).to_pylist()}
    assert stored["e0"] == stored["e1"] == mapping[ods]
    assert summary.quarantined == len(reused[:1])
