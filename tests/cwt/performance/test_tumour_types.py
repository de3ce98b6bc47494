"""Treated cancer type from the ICD-10 diagnosis (tumour classification note [S29] categories [OFFICIAL-DATA
S29]; the
code mapping is DERIVED and configurable, `cwt/data/tumour_types.csv`)."""

from __future__ import annotations

import pytest

from cancer_alliance.cwt.tumour_types import MISSING, tumour_type_ranges, with_tumour_type


def _types(engine, codes, ranges=None):
    frame = engine.session.createDataFrame(
        [(str(i), code) for i, code in enumerate(codes)], "record_id string, icd string"
    )
    rows = engine.rows(with_tumour_type(frame, "icd", ranges))
    return [row["tumour_type"] for row in sorted(rows, key=lambda row: int(row["record_id"]))]


def test_packaged_mapping(engine):
    """Three-character category of the diagnosis, any case, with or without a subdivision; blank,
    unassigned (C42) or out-of-scope codes are 'Missing or Invalid'."""
    codes = ["C34.1", "c61", " C18.7", "D05.1", "C83", "C92.0", "C71", "C42", "D06", None]
    assert _types(engine, codes) == [
        "Lung",
        "Urological - Prostate",
        "Lower Gastrointestinal",
        "Breast",
        "Haematological - Lymphoma",
        "Haematological - Other (a)",
        "Other (a)",
        MISSING,
        MISSING,
        MISSING,
    ]


def test_every_packaged_row_says_it_is_derived():
    assert all(item.basis.startswith("DERIVED") for item in tumour_type_ranges())


def test_a_local_mapping_replaces_the_packaged_one(engine, tmp_path):
    path = tmp_path / "types.csv"
    path.write_text("icd10_from,icd10_to,tumour_type,basis\nC33,C34,Thoracic,local\n", encoding="utf-8")
    assert _types(
        engine, ["C34", "C61"], tumour_type_ranges(path.read_text(encoding="utf-8"), str(path))
    ) == ["Thoracic", MISSING]


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ("C00,C14,A,x\nC10,C20,B,x\n", "line 3: range overlaps the range from C00"),
        ("C14,C00,A,x\n", "line 2: icd10_from/icd10_to must be ordered codes"),
        ("C1,C14,A,x\n", "line 2: icd10_from/icd10_to must be ordered codes"),
    ],
)
def test_a_bad_mapping_is_refused_naming_file_and_line(tmp_path, rows, problem):
    path = tmp_path / "types.csv"
    path.write_text("icd10_from,icd10_to,tumour_type,basis\n" + rows, encoding="utf-8")
    with pytest.raises(ValueError, match=problem):
        tumour_type_ranges(path.read_text(encoding="utf-8"), str(path))
