"""NHS number modulus 11 check (NHS Data Dictionary, NHS NUMBER): the Python reference against
known numbers, and the DuckDB form used at ingest against the reference."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cancer_alliance.ingest import nhs_number

# 943476591 -> 9*10 + 4*9 + 3*8 + 4*7 + 7*6 + 6*5 + 5*4 + 9*3 + 1*2 = 299; 299 mod 11 = 2; 11 - 2 = 9.
CASES = [
    ("9434765919", True, "Data Dictionary worked example"),
    ("943 476 5919", True, "display spaces are allowed"),
    ("4010232137", True, "check digit 7"),
    ("0100000010", True, "remainder 0: 11 - 0 = 11 becomes check digit 0"),
    ("9434765918", False, "wrong check digit"),
    ("9434765910", False, "wrong check digit 0"),
    ("1000000010", False, "remainder 1: check digit would be 10, so no number is valid"),
    ("1000000019", False, "remainder 1, any last digit"),
    ("943476591", False, "nine digits"),
    ("94347659190", False, "eleven digits"),
    ("943476591X", False, "not a digit"),
    ("", False, "empty"),
]


@pytest.mark.parametrize(("number", "valid", "why"), CASES, ids=[c[2] for c in CASES])
def test_known_numbers(number, valid, why):
    assert nhs_number.is_valid(number) is valid, why


def test_check_digit_of_the_worked_example():
    assert nhs_number.check_digit("943476591") == 9
    assert nhs_number.check_digit("100000001") is None


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


def sql_is_valid(con, text: str) -> bool:
    number = nhs_number.sql_as_number(nhs_number.sql_normalise("$1"))
    result = con.execute(f"SELECT coalesce({nhs_number.sql_is_valid(number)}, false)", [text]).fetchall()
    return result[0][0]


@pytest.mark.parametrize(("number", "valid", "why"), CASES, ids=[c[2] for c in CASES])
def test_sql_form_agrees_on_known_numbers(con, number, valid, why):
    assert sql_is_valid(con, number) is valid, why


@pytest.mark.property
@given(st.from_regex(r"[0-9]{10}", fullmatch=True) | st.text(alphabet="0123456789 x", max_size=12))
def test_sql_form_agrees_with_the_reference(con, text):
    assert sql_is_valid(con, text) is nhs_number.is_valid(text)


@pytest.mark.property
@given(st.from_regex(r"[0-9]{9}", fullmatch=True))
def test_exactly_one_last_digit_is_valid_unless_the_remainder_forbids_it(first_nine):
    valid = [d for d in "0123456789" if nhs_number.is_valid(first_nine + d)]
    expected = nhs_number.check_digit(first_nine)
    assert valid == ([] if expected is None else [str(expected)])


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("NHS 9434765919 rang", True),
        ("943 476 5919", True),
        ("943-476-5919", True),
        ("ref-9434765919-a", True),
        ("9434765918 fails modulus 11", False),
        ("call 01632 960001", False),
        ("seen 2019-03-04, 12 days", False),
        ("94347659190 is eleven digits", False),
        ("19434765919 has a digit before it", False),
    ],
)
def test_an_nhs_number_is_found_in_text_only_when_valid_and_on_its_own(text, found):
    """Issue 21: the rule the web applies to notes and ingest to identifiers and free text."""
    assert nhs_number.has_nhs_number(text) is found


@pytest.mark.property
@given(
    st.lists(
        st.sampled_from(["9434765919", "943 476 5919", "943-476-5919", "4010232137", "1", " ", "-", "x"]),
        max_size=6,
    ).map("".join)
    | st.text(alphabet="0123456789 -x", max_size=24)
)
def test_the_sql_condition_holds_wherever_an_nhs_number_is_found(con, text):
    """Ingest calls `has_nhs_number` only where `sql_may_have` holds, so it must never miss one."""
    if nhs_number.has_nhs_number(text):
        assert con.execute(f"SELECT {nhs_number.sql_may_have('$1')}", [text]).fetchall()[0][0]
