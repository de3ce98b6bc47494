"""Each row check, one broken row per reason (issue 2, item 4; docs/sources.md, "Input:
canonical CWT record": ISO dates, blank = missing, codes as strings with leading zeros). All the
rows are in one file; row numbers count data rows from 1 (row 1 is line 2 of the CSV)."""

from __future__ import annotations

from collections import defaultdict

import duckdb
import pytest

from cancer_alliance.ingest import checks, ingest_file, source
from cancer_alliance.schemas import Column, TableSchema, schema

from .conftest import BASELINE, TEST_KEY, read_quarantine, record, write_csv

NHS_NUMBER_IN_TEXT = "an NHS number in an identifier or free-text field: NHS numbers go only in nhs_number"

# (case id, changes to the baseline record, expected problems as {(field, check, reason)}).
CASES = [
    ("valid", {}, set()),
    ("nhs number with display spaces", {"nhs_number": "943 476 5919"}, set()),
    ("optional code missing", {"priority_type": ""}, set()),
    ("missing record_id", {"record_id": ""}, {("record_id", "missing_required", "missing required field")}),
    (
        "missing nhs_number",
        {"nhs_number": " "},
        {("nhs_number", "missing_required", "missing required field")},
    ),
    (
        "nhs number fails modulus 11",
        {"nhs_number": "9434765918"},
        {("nhs_number", "invalid_nhs_number", "invalid NHS number: fails the modulus 11 check")},
    ),
    (
        "nhs number whose check digit would be 10",
        {"nhs_number": "1000000010"},
        {("nhs_number", "invalid_nhs_number", "invalid NHS number: fails the modulus 11 check")},
    ),
    (
        "nhs number of nine digits",
        {"nhs_number": "943476591"},
        {("nhs_number", "invalid_nhs_number", "invalid NHS number: not ten digits")},
    ),
    (
        "unknown priority type",
        {"priority_type": "4"},
        {("priority_type", "unknown_code", "not a code in the priority_type code list")},
    ),
    (
        "event type not in the code list",
        {"treatment_event_type": "ZZ"},
        {("treatment_event_type", "unknown_code", "not a code in the treatment_event_type code list")},
    ),
    (
        "impossible date",
        {"referral_received_date": "2019-02-30"},
        {("referral_received_date", "bad_date", "no such date")},
    ),
    (
        "date-time with a time of day",
        {"date_first_seen": "2019-06-10 10:30:00"},
        {("date_first_seen", "bad_date", "not a date in the form yyyy-mm-dd")},
    ),
    ("year 0000", {"date_first_seen": "0000-01-01"}, {("date_first_seen", "bad_date", "no such date")}),
    (
        "date with slashes",
        {"date_first_seen": "2019/06/10"},
        {("date_first_seen", "bad_date", "not a date in the form yyyy-mm-dd")},
    ),
    (
        "date without leading zeros",
        {"fds_end_date": "2019-6-20"},
        {("fds_end_date", "bad_date", "not a date in the form yyyy-mm-dd")},
    ),
    (
        "days as a word",
        {"adjustment_first_seen_days": "two"},
        {("adjustment_first_seen_days", "wrong_type", "not a whole number")},
    ),
    (
        "fractional days",
        {"adjustment_treatment_days": "1.5"},
        {("adjustment_treatment_days", "wrong_type", "not a whole number")},
    ),
    (
        "negative days",
        {"adjustment_first_seen_days": "-1"},
        {("adjustment_first_seen_days", "out_of_range", "below the minimum 0")},
    ),
    (
        "provider code in lower case",
        {"provider_treatment": "raa"},
        {("provider_treatment", "pattern_mismatch", "does not match the pattern ^[A-Z0-9]{3,5}$")},
    ),
    (
        "record id with a space",
        {"record_id": "r 1"},
        {("record_id", "pattern_mismatch", "does not match the pattern ^[A-Za-z0-9_.:-]{1,64}$")},
    ),
    # Issue 21: an NHS number typed into an identifier or free text would reach the lake as typed.
    (
        "NHS number as the record id",
        {"record_id": "9434765919"},
        {("record_id", "nhs_number_in_text", NHS_NUMBER_IN_TEXT)},
    ),
    (
        "NHS number grouped by hyphens inside the record id",
        {"record_id": "ref-943-476-5919"},
        {("record_id", "nhs_number_in_text", NHS_NUMBER_IN_TEXT)},
    ),
    (
        "NHS number in a free-text reason",
        {"adjustment_treatment_reason": "patient 943 476 5919 declined"},
        {("adjustment_treatment_reason", "nhs_number_in_text", NHS_NUMBER_IN_TEXT)},
    ),
    ("ten digits failing modulus 11 in the record id", {"record_id": "9434765918"}, set()),
    ("a valid number inside a longer run of digits", {"record_id": "99434765919"}, set()),
    (
        "treatment before referral",
        {
            "record_id": "r-order",
            "treatment_start_date": "2019-06-01",
            "decision_to_treat_date": "2019-05-30",
        },
        {
            (
                "decision_to_treat_date",
                "date_order",
                "decision to treat before the referral was received "
                "(decision_to_treat_date is before referral_received_date)",
            ),
            (
                "treatment_start_date",
                "date_order",
                "treatment before the referral was received "
                "(treatment_start_date is before referral_received_date)",
            ),
        },
    ),
    (
        "a bad date is not also a date-order problem",
        {"treatment_start_date": "2019-13-01", "decision_to_treat_date": "2019-08-01"},
        {("treatment_start_date", "bad_date", "no such date")},
    ),
    (
        "two week wait referral seen without its referral date",
        {"referral_received_date": ""},
        {
            (
                "referral_received_date",
                "required_when",
                "a two week wait or urgent referral seen or with a Faster Diagnosis end has no referral date",
            )
        },
    ),
    (
        "urgent referral with a Faster Diagnosis end but no referral date",
        {"priority_type": "2", "referral_received_date": "", "date_first_seen": ""},
        {
            (
                "referral_received_date",
                "required_when",
                "a two week wait or urgent referral seen or with a Faster Diagnosis end has no referral date",
            )
        },
    ),
    (
        "routine referral seen without a referral date",
        {"priority_type": "1", "referral_received_date": ""},
        set(),
    ),
    (
        "several problems in one row are all reported",
        {"nhs_number": "123", "priority_type": "x", "date_first_seen": "yesterday"},
        {
            ("nhs_number", "invalid_nhs_number", "invalid NHS number: not ten digits"),
            ("priority_type", "unknown_code", "not a code in the priority_type code list"),
            ("date_first_seen", "bad_date", "not a date in the form yyyy-mm-dd"),
        },
    ),
]
# Row 1 holds record r0; each case is the next row with its own record_id unless it changes it,
# so the duplicate-key check only fires where a case asks for it.
ROWS = [BASELINE] + [record(record_id=f"case{i}") | changes for i, (_, changes, _) in enumerate(CASES)]
DUPLICATE_ROW = len(ROWS) + 1
ROWS.append(record(treatment_modality="02"))  # record_id r0 again


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ALLIANCE_HOME", str(home))
        patch.setenv("ALLIANCE_PSEUDONYM_KEY", TEST_KEY)
        path = write_csv(home.parent / "cases.csv", ROWS)
        summary = ingest_file("cwt", path)
    problems = defaultdict(set)
    for line in read_quarantine(summary.quarantine_path):
        assert line["file"] == str(path)
        problems[int(line["row_number"])].add((line["field"], line["check"], line["reason"]))
    return summary, problems


@pytest.mark.parametrize(
    ("row", "case"), [(i + 2, case) for i, case in enumerate(CASES)], ids=[c[0] for c in CASES]
)
def test_each_broken_row_is_reported_with_row_field_and_reason(ingested, row, case):
    _, _, expected = case
    _, problems = ingested
    assert problems.get(row, set()) == expected


def test_second_occurrence_of_a_key_is_quarantined_and_the_first_kept(ingested):
    summary, problems = ingested
    assert 1 not in problems
    assert problems[DUPLICATE_ROW] == {("record_id", "duplicate_key", "duplicate record_id: first in row 1")}


def test_rows_in_are_accepted_plus_quarantined(ingested):
    summary, problems = ingested
    assert summary.rows_in == len(ROWS)
    assert summary.quarantined == len(problems)
    assert summary.accepted + summary.quarantined == summary.rows_in
    assert summary.problems == sum(len(p) for p in problems.values())


# The CWT record has no number or boolean column and no maximum; a small schema covers them.
OTHER_TYPES = TableSchema(
    name="other",
    title="Types the CWT record does not use",
    description="",
    source="tests",
    key="id",
    columns=(
        Column("id", "string", required=True),
        Column("dose", "number", minimum=0, maximum=80),
        Column("smoker", "boolean"),
    ),
)


@pytest.mark.parametrize(
    ("dose", "smoker", "expected"),
    [
        ("60.5", "true", set()),
        ("1e1", "N", set()),
        ("", "", set()),
        ("sixty", "", {("dose", "wrong_type", "not a number")}),
        ("nan", "", {("dose", "wrong_type", "not a number")}),
        ("81", "", {("dose", "out_of_range", "above the maximum 80")}),
        ("-0.5", "", {("dose", "out_of_range", "below the minimum 0")}),
        (
            "",
            "maybe",
            {("smoker", "wrong_type", "not true or false (true, t, yes, y, 1, false, f, no, n, 0)")},
        ),
    ],
)
def test_number_and_boolean_columns(tmp_path, dose, smoker, expected):
    path = tmp_path / "other.csv"
    path.write_text(f"id,dose,smoker\na,{dose},{smoker}\n", encoding="utf-8")
    con = duckdb.connect()
    source.load(con, path, OTHER_TYPES, checks.typed_columns(OTHER_TYPES))
    checks.find_problems(con, OTHER_TYPES)
    got = {tuple(row) for row in con.execute('SELECT field, "check", reason FROM problems').fetchall()}
    assert got == expected


@pytest.mark.parametrize(
    ("column", "searched"),
    [
        (Column("record_id", "string", pattern="^[A-Za-z0-9_.:-]{1,64}$"), True),
        (Column("ccg_name", "string"), True),
        (Column("provider_treatment", "string", pattern="^[A-Z0-9]{3,5}$"), False),
        (Column("ccg_code", "string", pattern="^E38[0-9]{6}$"), False),
        (Column("priority_type", "code", codes="priority_type"), False),
        (Column("nhs_number", "nhs_number"), False),
    ],
)
def test_identifier_and_free_text_columns_are_searched_for_nhs_numbers(column, searched):
    """A column is searched when its type and pattern would let a written NHS number through."""
    assert checks.may_hold_nhs_number(column) is searched


def test_a_record_id_the_profile_builds_is_not_searched():
    """A built `record_id` is a keyed hash in hex: nobody typed it, and its digits can look like
    an NHS number by chance."""
    cwt = schema("cwt")
    searched = {k.field for k in checks.checks_for(cwt) if k.check == "nhs_number_in_text"}
    assert searched == {"record_id", "adjustment_treatment_reason"}
    built = {k.field for k in checks.checks_for(cwt, {"record_id"}) if k.check == "nhs_number_in_text"}
    assert built == {"adjustment_treatment_reason"}
