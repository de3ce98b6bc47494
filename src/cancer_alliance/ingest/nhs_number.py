"""NHS number checks: ten digits whose last is the modulus 11 check digit (NHS Data Dictionary,
NHS NUMBER: weights 10 down to 2 on the first nine digits; 11 minus the remainder of their sum
is the check digit, 11 becomes 0 and 10 means the number is invalid).

The rule twice: `is_valid` in Python, written as the Data Dictionary states it (the reference,
used by tests and generators), and `sql_is_valid` for DuckDB, so ingest checks millions of rows
without a Python loop. The SQL form uses the equivalent statement that the weighted sum of all
ten digits, the check digit weighing 1, is a multiple of 11 (a needed check digit of 10 can never
match one digit, so those numbers fail, as the rule requires). A property test holds them equal."""

from __future__ import annotations

import re

#: Weights of the first nine digits, left to right.
WEIGHTS = tuple(range(10, 1, -1))
MODULUS = 11
_TEN_DIGITS = re.compile(r"[0-9]{10}")


def normalise(text: str) -> str:
    """The number without spaces: '943 476 5919' -> '9434765919' (spaces are a display format)."""
    return text.replace(" ", "")


def check_digit(first_nine: str) -> int | None:
    """The check digit for nine digits, or None when the remainder rule makes them unusable."""
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, WEIGHTS, strict=True))
    check = MODULUS - total % MODULUS
    if check == MODULUS:
        return 0
    if check == 10:
        return None
    return check


def is_valid(text: str) -> bool:
    """True when `text` (spaces allowed) is ten digits with a correct modulus 11 check digit."""
    number = normalise(text)
    if not _TEN_DIGITS.fullmatch(number):
        return False
    return check_digit(number[:9]) == int(number[9])


def sql_normalise(column: str) -> str:
    """DuckDB expression for `normalise` on a quoted column or expression."""
    return f"replace({column}, ' ', '')"


def sql_as_number(text: str) -> str:
    """DuckDB expression: normalised `text` as a BIGINT when it is exactly ten digits, else NULL."""
    return f"CASE WHEN {text} GLOB '{'[0-9]' * 10}' THEN CAST({text} AS BIGINT) END"


def sql_is_valid(number: str) -> str:
    """DuckDB expression: the ten-digit BIGINT `number` passes modulus 11."""
    digits = [f"{weight} * ({number} // {10 ** (9 - i)} % 10)" for i, weight in enumerate(WEIGHTS)]
    return f"(({' + '.join(digits)} + {number} % 10) % {MODULUS} = 0)"
