"""Done when (issue 20): fixture files built from the published item names and from spreadsheet and
SQL exports import with the same accepted rows and give the same CWT facts as the canonical file of
the same records, on DuckDB and on Spark; every row of every fixture is accounted for."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cancer_alliance.cwt.evaluate import evaluate
from cancer_alliance.ingest import ingest_file
from cancer_alliance.ingest.profiles import load_profile
from cancer_alliance.ingest.validate import check_file

from .conftest import CWT, read_quarantine, record
from .test_profiles import CODES, DATES, british, national_rows, write

#: Records on several routes (2ww, breast symptomatic, screening, upgrade, subsequent treatment), and
#: two that every path refuses (an unknown code; a two week wait seen without a referral date).
ROWS = [
    record(record_id="usc"),
    record(record_id="breast", referral_type="16", date_first_seen="2019-06-20", treatment_modality="02"),
    record(record_id="screen", source_of_referral="17", priority_type="2", treatment_event_type="07"),
    record(
        record_id="upgrade",
        priority_type="1",
        consultant_upgrade_date="2019-06-12",
        provider_consultant_upgrade="RAA",
        treatment_start_date="2019-08-20",
    ),
    record(
        record_id="later",
        treatment_event_type="02",
        treatment_modality="05",
        decision_to_treat_date="2019-07-20",
        treatment_start_date="2019-08-01",
    ),
    record(record_id="zz", treatment_modality="ZZ"),
    record(record_id="nodate", referral_received_date=""),
]


def excel_mangled(path: Path) -> Path:
    """Upper-case spaced headers, dd/mm/yyyy dates, codes without their leading zeros, a notes column."""

    def mangle(column: str, value: str) -> str:
        if column in DATES and value:
            return british(value)
        return value.lstrip("0") if column in CODES and value.isdigit() else value

    rows = [
        {c.replace("_", " ").upper(): mangle(c, v) for c, v in row.items()} | {"NOTES": "x"} for row in ROWS
    ]
    return write(path, rows, [c.replace("_", " ").upper() for c in CWT.column_names] + ["NOTES"])


def timestamp_parquet(path: Path) -> Path:
    table = pa.Table.from_pylist([{k: (v or None) for k, v in row.items()} for row in ROWS])
    for name in DATES:
        stamps = [None if v is None else dt.datetime.fromisoformat(v) for v in table.column(name).to_pylist()]
        index = table.schema.get_field_index(name)
        table = table.set_column(index, name, pa.array(stamps, pa.timestamp("ms")))
    pq.write_table(table, path)
    return path


def national(path: Path) -> Path:
    rows, header = national_rows(ROWS)
    return write(path, rows, header)


FIXTURES = {
    "excel-mangled.csv": excel_mangled,
    "timestamps.parquet": timestamp_parquet,
    "national.csv": national,
}


def facts(engine, path: Path, scratch: Path, rows_in: int = len(ROWS)) -> tuple[list[tuple], list[str]]:
    """The CWT facts of the rows `path` accepts (record ids replaced by the row's position) and the
    keys of its rejected rows; rows in = accepted + rejected."""
    checked = check_file("cwt", path)
    assert checked.rows.num_rows + checked.rejected_rows == checked.rows_in == rows_in
    staged = scratch / f"{path.name}.parquet"
    pq.write_table(checked.rows, staged)
    position = {rid: i for i, rid in enumerate(checked.rows.column("record_id").to_pylist())}
    found = evaluate(engine.read_parquet(staged)).toArrow().to_pylist()
    rows = sorted(
        tuple(str(position[row.pop("record_id")])) + tuple(str(v) for v in row.values()) for row in found
    )
    rejected = sorted({str(row) for row in checked.problems.column("row_number").to_pylist()})
    return rows, rejected


@pytest.mark.parametrize("fixture", list(FIXTURES))
def test_fixtures_give_the_canonical_files_facts(engine, home, tmp_path, fixture):
    canonical = facts(engine, write(tmp_path / "canonical.csv", ROWS, CWT.column_names), tmp_path)
    assert len(canonical[0]) > len(ROWS) and canonical[1] == ["6", "7"]
    assert facts(engine, FIXTURES[fixture](tmp_path / fixture), tmp_path) == canonical


def scr_extract(folder: Path, rows: list[dict[str, str]]) -> Path:
    """The records as a Somerset Cancer Register extract: referrals, demographics and definitive
    treatments (SCR column names), plus a treatment whose referral is not in the extract."""
    folder.mkdir()
    profile = load_profile("scr")
    inverse = {canonical: header.split(".", 1) for header, canonical in profile.columns.items()}
    tables: dict[str, list[dict[str, str]]] = {f.name: [] for f in profile.files}
    patients: dict[str, str] = {}
    for care_id, row in enumerate(rows, start=1):
        patient = patients.setdefault(row["nhs_number"], str(len(patients) + 1))
        referral = {"CARE_ID": str(care_id), "PATIENT_ID": patient}
        treatment = {"TREATMENT_ID": f"T{care_id}", "CARE_ID": str(care_id)}
        for canonical, value in row.items():
            if canonical in inverse:
                table, column = inverse[canonical]
                {"tblMAIN_REFERRALS": referral, "tblDEFINITIVE_TREATMENT": treatment}.get(table, {})[
                    column
                ] = f"{value} 00:00:00" if canonical in DATES and value else value
        tables["tblMAIN_REFERRALS"].append(referral)
        tables["tblDEFINITIVE_TREATMENT"].append(treatment)
    tables["tblDEMOGRAPHICS"] = [{"PATIENT_ID": p, "N1_1_NHS_NUMBER": n} for n, p in patients.items()]
    tables["tblDEFINITIVE_TREATMENT"].append(
        {"TREATMENT_ID": "T99", "CARE_ID": "99", "START_DATE": "2019-07-01"}
    )
    for name, table_rows in tables.items():
        columns = sorted({c for r in table_rows for c in r})
        write(folder / f"{name}.csv", table_rows, columns)
    return folder


def test_an_scr_extract_gives_the_canonical_facts_but_for_its_named_gaps(engine, home, tmp_path):
    """SCR holds no national FDS end date (a named gap of the profile): the canonical file without it
    gives the same facts; the orphan treatment is quarantined, not dropped."""
    gaps = {g.split(":", 1)[0] for g in load_profile("scr").gaps}
    without = [{k: ("" if k in gaps else v) for k, v in row.items()} for row in ROWS]
    canonical = facts(engine, write(tmp_path / "canonical.csv", without, CWT.column_names), tmp_path)
    folder = scr_extract(tmp_path / "scr", ROWS)
    checked = check_file("cwt", folder)
    assert checked.mapping.profile.name == "scr" and checked.mapping.detected
    assert checked.rows_in == len(ROWS) + 1 == checked.rows.num_rows + checked.rejected_rows
    orphan = checked.problems.filter(pa.compute.equal(checked.problems.column("row_number"), len(ROWS) + 1))
    assert orphan.select(["check", "reason"]).to_pylist() == [
        {
            "check": "unjoined",
            "reason": "row 8 of tblDEFINITIVE_TREATMENT has no tblMAIN_REFERRALS row with its CARE_ID",
        }
    ]
    assert facts(engine, folder, tmp_path, rows_in=len(ROWS) + 1) == (
        canonical[0],
        [*canonical[1], str(len(ROWS) + 1)],
    )


def test_an_scr_extract_is_ingested_as_one_unit_and_every_row_accounted_for(home, tmp_path):
    folder = scr_extract(tmp_path / "scr", ROWS)
    summary = ingest_file("cwt", folder)
    assert (summary.profile, summary.profile_detected) == ("scr", True)
    assert summary.rows_in == len(ROWS) + 1 == summary.accepted + summary.quarantined
    assert summary.quarantined == 3  # ZZ, the two week wait without a referral date, the orphan treatment
    assert "tblMAIN_REFERRALS.PATIENT_ID" in summary.ignored_columns
    assert ingest_file("cwt", folder).already_imported  # the folder's files hashed as one unit
    # Each problem names the file its field comes from and that file's row, not the joined row
    found = {(p["file"], p["row_number"], p["field"]) for p in read_quarantine(summary.quarantine_path)}
    assert found == {
        (f"{folder}/tblDEFINITIVE_TREATMENT.csv", "6", "treatment_modality"),  # zz, the 6th treatment
        (f"{folder}/tblMAIN_REFERRALS.csv", "7", "referral_received_date"),  # nodate, the 7th referral
        (f"{folder}/tblDEFINITIVE_TREATMENT.csv", "8", "record_id"),  # the orphan treatment, unjoined
        (f"{folder}/tblDEFINITIVE_TREATMENT.csv", "8", "nhs_number"),  # and without a patient
    }
