"""NHS number checks: ten digits whose last is the modulus 11 check digit (NHS Data Dictionary,
NHS NUMBER: weights 10 down to 2 on the first nine digits; 11 minus the remainder of their sum
is the check digit, 11 becomes 0 and 10 means the number is invalid).

The rule twice: `is_valid` in Python, written as the Data Dictionary states it (the reference,
used by tests and generators), and `sql_is_valid` for DuckDB, so ingest checks millions of rows
without a Python loop. The SQL form uses the equivalent statement that the weighted sum of all
ten digits, the check digit weighing 1, is a multiple of 11 (a needed check digit of 10 can never
match one digit, so those numbers fail, as the rule requires). A property test holds them equal.

`has_nhs_number` finds one written inside other text (a note, an identifier): ten digits, optionally
grouped 3-3-4 by spaces or hyphens as people write them, not part of a longer run of digits, that
pass the check; so dates, phone numbers and counts pass. The web refuses free text with one (issue
21) and ingest quarantines identifier and free-text fields with one (`checks.py`); `sql_may_have` is
its necessary condition in DuckDB's regular expressions, so ingest calls it only where that holds."""

from __future__ import annotations

import re

#: Weights of the first nine digits, left to right.
WEIGHTS = tuple(range(10, 1, -1))
MODULUS = 11
_TEN_DIGITS = re.compile(r"[0-9]{10}")
#: Ten digits as people write them, grouped 3-3-4 by spaces or hyphens or not at all.
WRITTEN = r"[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}"
_WRITTEN_ALONE = re.compile(rf"(?<![0-9])({WRITTEN})(?![0-9])")


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


def has_nhs_number(text: str) -> bool:
    """Whether `text` contains a valid NHS number, written as `WRITTEN` and not inside a longer
    run of digits."""
    return any(is_valid(match.replace("-", "")) for match in _WRITTEN_ALONE.findall(text))


def sql_may_have(text: str) -> str:
    """DuckDB condition true wherever `has_nhs_number` may be (DuckDB's RE2 has no look-around)."""
    return f"regexp_matches({text}, '{WRITTEN}')"


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
