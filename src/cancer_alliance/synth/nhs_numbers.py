"""Synthetic NHS numbers: valid by modulus 11 and inside the range NHS England reserves for testing
(numbers starting 999, never issued to a patient), so generated data can never name a real person.

The rule is the NHS Data Dictionary's (NHS NUMBER: weights 10 down to 2 on the first nine digits,
check digit = 11 - remainder, 11 -> 0, 10 -> unusable), vectorised here; the scalar reference is
`cancer_alliance.ingest.nhs_number.is_valid`, and a test holds the two equal.

The 999 range has 10**6 nine-digit stems, of which 909,091 give a usable check digit. A national year
(`--scale 1`) has more synthetic people than that, so `NumberPool` gives unique numbers only to the
people who are linked across tables (cancer patients, follow-up and lung health check attendees) and
lets the others (non-cancer referrals, FIT invitees) share the rest in turn (synth/README.md).
"""

from __future__ import annotations

from functools import cache

import numpy as np

PREFIX = 999
WEIGHTS = np.arange(10, 1, -1, dtype=np.int64)
MODULUS = 11


def check_digits(stems: np.ndarray) -> np.ndarray:
    """Check digit of each nine-digit stem (int64); -1 where the remainder rule makes it unusable."""
    total = np.zeros(len(stems), dtype=np.int64)
    for position, weight in enumerate(WEIGHTS):  # leftmost digit has weight 10
        total += (stems // 10 ** (8 - position)) % 10 * weight
    check = MODULUS - total % MODULUS
    return np.where(check == MODULUS, 0, np.where(check == 10, -1, check))


@cache
def _valid_numbers() -> np.ndarray:
    stems = PREFIX * 10**6 + np.arange(10**6, dtype=np.int64)
    check = check_digits(stems)
    usable = check >= 0
    return stems[usable] * 10 + check[usable]


def capacity() -> int:
    """How many distinct valid numbers the 999 range holds (909,091)."""
    return len(_valid_numbers())


class NumberPool:
    """Hands out the 999 range in a seeded random order: `unique` numbers nobody else gets (people linked
    across tables, e.g. cancer patients), then `shared` numbers cycling over what is left (people who
    are never linked, e.g. non-cancer referrals). Beyond the range's capacity unique numbers are
    recycled too (only above scale 1, see module docstring)."""

    def __init__(self, rng: np.random.Generator):
        self._numbers = _valid_numbers()[rng.permutation(capacity())]
        self._next = 0
        self._shared = 0

    def unique(self, n: int) -> np.ndarray:
        index = self._next + np.arange(n, dtype=np.int64)
        self._next += n
        return self._numbers[index % capacity()]

    def shared(self, n: int) -> np.ndarray:
        start = min(self._next, capacity() - 1)
        rest = capacity() - start
        index = start + (self._shared + np.arange(n, dtype=np.int64)) % rest
        self._shared += n
        return self._numbers[index]


def break_check_digit(numbers: np.ndarray) -> np.ndarray:
    """The same numbers with a wrong check digit (for deliberately invalid rows)."""
    return numbers - numbers % 10 + (numbers % 10 + 1 + (numbers // 10) % 8) % 10
