"""Code lists (CWT treatment codes [S19, S44], CWT route codes [S21, S40], CWT adjustments [S16, S24];
canonical record) and the schema code names that use them."""

from __future__ import annotations

import pytest

from cancer_alliance.reference import (
    code_list,
    code_list_names,
    treatment_event_types,
    treatment_modalities,
)
from cancer_alliance.schemas import schema, table_names

REQUIRED = [
    "priority_type",
    "source_of_referral",
    "referral_type",
    "adjustment_first_seen_reason",
    "treatment_event_type",
    "treatment_modality",
]


@pytest.mark.parametrize(
    ("name", "code", "label_fragment"),
    [
        ("priority_type", "3", "Two Week Wait"),  # CWT route codes [S21, S40], S21
        ("priority_type", "2", "Urgent"),
        ("source_of_referral", "17", "National Screening Programme"),  # CWT route codes [S21, S40], S19
        ("source_of_referral", "03", "General Medical Practitioner"),
        ("referral_type", "16", "breast symptoms"),  # CWT route codes [S21, S40], suspected cancer types
        # [S31] [IMPL S40]
        ("adjustment_first_seen_reason", "3", "Did not attend"),  # CWT adjustments [S16, S24], S16
        ("adjustment_first_seen_reason", "9", "No adjustment"),
        ("treatment_event_type", "01", "First definitive treatment"),  # CWT treatment codes [S19, S44]
        ("treatment_event_type", "12", "known primary"),
        ("treatment_modality", "98", "All treatment declined"),  # CWT treatment codes [S19, S44]
        ("treatment_modality", "08", "Active Monitoring"),
    ],
)
def test_code_has_the_label_the_spec_gives(name, code, label_fragment):
    assert label_fragment.lower() in code_list(name)[code].lower()


@pytest.mark.parametrize("name", REQUIRED)
def test_required_code_lists_exist_with_string_codes(name):
    codes = code_list(name)
    assert codes and all(isinstance(code, str) and code == code.strip() for code in codes)


def test_codes_keep_leading_zeros():
    assert "01" in code_list("treatment_event_type") and "1" not in code_list("treatment_event_type")


def test_event_types_are_01_to_12():
    assert list(code_list("treatment_event_type")) == [f"{n:02d}" for n in range(1, 13)]


def test_unknown_code_list_names_the_known_ones():
    with pytest.raises(KeyError) as error:
        code_list("no_such_list")
    assert "priority_type" in str(error.value) and "no_such_list" in str(error.value)


def test_code_list_returns_a_copy_callers_cannot_corrupt():
    code_list("priority_type")["9"] = "changed"
    assert "9" not in code_list("priority_type")


def test_every_code_list_has_unique_codes_and_a_source():
    from cancer_alliance.reference._files import read_rows

    for name in code_list_names():
        rows = read_rows(f"codes/{name}.csv")
        codes = [row["code"] for row in rows]
        assert len(codes) == len(set(codes)), name
        assert all(row["source"] and row["label"] for row in rows), name


def test_first_treatments_are_01_07_12():
    """First-treatment population [IMPL S40], CWT treatment codes [S19, S44]."""
    first = {t.code for t in treatment_event_types() if t.treatment_stage == "first"}
    assert first == {"01", "07", "12"}
    assert {t.treatment_stage for t in treatment_event_types()} == {"first", "subsequent"}


@pytest.mark.parametrize(
    ("group", "codes"),
    [
        ("drug", {"02", "03", "14", "15"}),
        ("surgery", {"01", "23", "24"}),
        ("radiotherapy", {"04", "05", "06", "13"}),
    ],
)
def test_modality_groups_follow_ncl(group, codes):
    """NCL grouping [IMPL S40], CWT treatment codes [S19, S44]; everything else is 'other'."""
    assert {m.code for m in treatment_modalities() if m.modality_group == group} == codes


def test_only_all_treatment_declined_is_left_out_of_31_and_62_day_counts():
    assert [m.code for m in treatment_modalities() if not m.counts_in_31_62] == ["98"]


def test_modality_groups_are_the_published_four():
    assert {m.modality_group for m in treatment_modalities()} == set(code_list("modality_group"))


def test_typed_tables_agree_with_their_code_lists():
    assert {t.code: t.label for t in treatment_event_types()} == code_list("treatment_event_type")
    assert {m.code: m.label for m in treatment_modalities()} == code_list("treatment_modality")


@pytest.mark.parametrize("table", table_names())
def test_every_code_list_a_schema_names_exists(table):
    for column in schema(table).columns:
        if column.codes is not None:
            assert code_list(column.codes), f"{table}.{column.name}: codes = {column.codes!r}"


def test_a_bad_reference_row_is_reported_with_file_and_line(monkeypatch):
    from cancer_alliance.reference import _files

    rows = [{"code": "01", "flag": "true"}, {"code": "02", "flag": "perhaps"}]
    monkeypatch.setattr(_files, "read_rows", lambda relative: rows)
    with pytest.raises(ValueError, match=r"reference/codes/x\.csv line 3: not a boolean: 'perhaps'"):
        _files.parse_rows("codes/x.csv", lambda r: _files.boolean(r["flag"]))
