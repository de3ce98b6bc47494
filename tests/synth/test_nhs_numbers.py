"""Synthetic NHS numbers: modulus 11 and the 999 test range (NHS Data Dictionary, NHS NUMBER)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from cancer_alliance.ingest.nhs_number import check_digit, is_valid
from cancer_alliance.synth.nhs_numbers import NumberPool, break_check_digit, capacity, check_digits


@given(st.lists(st.integers(0, 999_999_999), min_size=1, max_size=50))
def test_vectorised_check_digit_agrees_with_the_ingest_rule(stems):
    expected = [check_digit(f"{s:09d}") for s in stems]
    got = check_digits(np.array(stems, dtype=np.int64))
    assert [None if g < 0 else int(g) for g in got] == expected


def test_the_999_range_holds_909091_valid_numbers():
    """10**6 stems, of which those with remainder 1 (check digit 10) are unusable: 90,909 of them."""
    assert capacity() == 909_091


def test_pool_numbers_are_valid_in_the_test_range_and_unique_first():
    pool = NumberPool(np.random.default_rng(1))
    unique = pool.unique(5_000)
    shared = pool.shared(20_000)
    numbers = np.r_[unique, shared]
    assert all(str(n).startswith("999") and is_valid(str(n)) for n in numbers)
    assert len(set(unique)) == len(unique)
    assert not set(unique) & set(shared)  # people linked across tables never share a number


ALL_NUMBERS = NumberPool(np.random.default_rng(0)).unique(capacity())


@given(st.integers(0, capacity() - 1))
def test_a_broken_check_digit_is_always_invalid(index):
    number = ALL_NUMBERS[index : index + 1]
    assert is_valid(str(number[0]))
    assert not is_valid(str(break_check_digit(number)[0]))
