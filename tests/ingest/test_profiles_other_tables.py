"""Profiles for tables other than `cwt` (issue 20, item 1): a FIT screening spreadsheet export
(`fit-screening-extract`: words for headers, Data Dictionary sex codes, ODS-coded CCGs, labels for
findings, dd/mm/yyyy), a centre's Radiotherapy Data Set courses (`rtds`: item names, RTDS intent
codes) and a trust's COSD records (`cosd`: item names, gender codes, TNM sub-stages) import to the
same lake rows as the canonical files of the same records, detected from headers."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow.parquet as pq

from cancer_alliance.ingest import ingest_file
from cancer_alliance.ingest.profiles import load_profile
from cancer_alliance.ingest.validate import validate_file
from cancer_alliance.reference.organisations import ccg_ods_to_ons
from cancer_alliance.schemas import schema

ODS, ONS = next(iter(ccg_ods_to_ons().items()))
FIT = [
    {"episode_id": "e1", "nhs_number": "9434765919", "sex": "F", "age_at_invitation": "61",
     "deprivation_quintile": "2", "ccg_code": ONS, "screening_centre_code": "RAA",
     "invitation_date": "2020-01-06", "kit_returned_date": "2020-01-20", "fit_result_ug_g": "150",
     "result_date": "2020-01-22", "diagnostic_test": "colonoscopy", "diagnostic_test_date": "2020-02-10",
     "outcome": "high_risk_adenoma"},
    {"episode_id": "e2", "nhs_number": "9434765919", "sex": "M", "age_at_invitation": "70",
     "ccg_code": ONS, "invitation_date": "2020-01-07", "kit_returned_date": "2020-01-21",
     "fit_result_ug_g": "12", "result_date": "2020-01-23"},
    {"episode_id": "e3", "nhs_number": "9434765919", "sex": "X", "invitation_date": "2020-01-08"},
]  # fmt: skip
COURSES = [
    {"course_id": "c1", "nhs_number": "9434765919", "provider_code": "RGT", "age": "66", "icd10": "C50.9",
     "intent": "radical", "technique": "imrt", "decision_to_treat_date": "2020-03-02",
     "start_date": "2020-03-16", "end_date": "2020-03-20", "prescribed_dose_gy": "26", "fractions": "5",
     "linac_id": "L1"},
    {"course_id": "c2", "nhs_number": "9434765919", "provider_code": "RGT", "intent": "palliative",
     "start_date": "2020-04-01", "prescribed_dose_gy": "8", "fractions": "1"},
]  # fmt: skip
TUMOURS = [
    {"tumour_id": "t1", "nhs_number": "9434765919", "diagnosis_date": "2021-05-04", "icd10": "C34.1",
     "cancer_site": "lung", "stage": "1", "route_to_diagnosis": "two_week_wait", "sex": "F",
     "age_at_diagnosis": "67", "deprivation_quintile": "1", "ccg_code": ONS, "trust_code": "RGT"},
    {"tumour_id": "t2", "nhs_number": "9434765919", "diagnosis_date": "2022-11-30", "icd10": "C50.9",
     "stage": "3", "sex": "X", "trust_code": "RGT"},
    {"tumour_id": "t3", "nhs_number": "9434765919", "diagnosis_date": "2023-01-02", "icd10": "C18.7",
     "stage": "unstageable", "route_to_diagnosis": "emergency_presentation", "sex": "M"},
]  # fmt: skip


def write(path: Path, rows: list[dict[str, str]], columns: list[str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def british(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def as_source(rows: list[dict[str, str]], profile: str, values: dict[str, dict[str, str]]) -> tuple:
    """The rows under the profile's headers, each value through `values[column]` (canonical -> source)."""
    headers = {canonical: header for header, canonical in load_profile(profile).columns.items()}
    dates = {c.name for c in schema(load_profile(profile).table).columns if c.type == "date"}
    out = []
    for row in rows:
        mapped = {}
        for column, value in row.items():
            value = values.get(column, {}).get(value, value)
            mapped[headers[column]] = british(value) if column in dates and value else value
        out.append(mapped)
    return out, list(headers.values())


def lake_rows(table: str, path: Path, tmp_path: Path) -> list[dict]:
    out = tmp_path / f"{path.stem}.parquet"
    validated = validate_file(table, path, out)
    assert validated.rejected_rows == 0, validated.problems.to_pylist()
    return pq.read_table(out).to_pylist()


def test_a_fit_spreadsheet_export_gives_the_canonical_files_rows(home, tmp_path):
    table = "fit_screening_episode"
    canonical = write(tmp_path / "canonical.csv", FIT, schema(table).column_names)
    words = {
        "sex": {"F": "2", "M": "Male", "X": "9"},
        "ccg_code": {ONS: ODS},
        "diagnostic_test": {"colonoscopy": "Colonoscopy"},
        "outcome": {"high_risk_adenoma": "High-risk adenoma"},
    }
    rows, header = as_source(FIT, "fit-screening-extract", words)
    shout = lambda h: h.upper() if "Date" in h else h  # noqa: E731  (headers match in any case)
    rows = [{shout(h): v for h, v in row.items()} for row in rows]
    export = write(tmp_path / "export.csv", rows, [shout(h) for h in header])
    assert lake_rows(table, export, tmp_path) == lake_rows(table, canonical, tmp_path)
    summary = ingest_file(table, export)
    assert (summary.profile, summary.profile_detected, summary.accepted) == ("fit-screening-extract", True, 3)


def test_radiotherapy_data_set_courses_give_the_canonical_files_rows(home, tmp_path):
    table = "radiotherapy_course"
    canonical = write(tmp_path / "canonical.csv", COURSES, schema(table).column_names)
    rows, header = as_source(COURSES, "rtds", {"intent": {"radical": "02", "palliative": "1"}})
    rtds = write(tmp_path / "rtds.csv", rows, header)
    assert lake_rows(table, rtds, tmp_path) == lake_rows(table, canonical, tmp_path)
    summary = ingest_file(table, rtds)
    assert (summary.profile, summary.profile_detected, summary.accepted) == ("rtds", True, 2)


def test_cosd_records_give_the_canonical_files_rows(home, tmp_path):
    table = "tumour_registration"
    canonical = write(tmp_path / "canonical.csv", TUMOURS, schema(table).column_names)
    codes = {"sex": {"F": "2", "M": "1", "X": "9"}, "stage": {"1": "1A", "3": "IIIB"}}
    rows, header = as_source(TUMOURS, "cosd", codes)
    cosd = write(tmp_path / "cosd.csv", rows, header)
    assert lake_rows(table, cosd, tmp_path) == lake_rows(table, canonical, tmp_path)
    summary = ingest_file(table, cosd)
    assert (summary.profile, summary.profile_detected, summary.accepted) == ("cosd", True, 3)
