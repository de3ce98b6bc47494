"""A rule's source on a page: its names in plain words, the rule checkers' working notes left out
(issue #23, "Words")."""

from __future__ import annotations

import pytest

from cancer_alliance.web.presenters.sources import source_in_words

CASES = [
    (
        "CWT standards 2018/19 [S7, S30] and 'Published standards as data' (31d_subsequent_drug) "
        "[OFFICIAL-DATA S30; SECONDARY S8]; effective_from NOT FOUND",
        "CWT standards 2018/19 and 'Published standards as data'",
    ),
    (
        "Each network has a single lead provider (HSJ; NHS England service specification B01/S/a, "
        "VERIFIED secondary)",
        "Each network has a single lead provider (HSJ; NHS England service specification B01/S/a)",
    ),
    (
        "CWT engine (cwt/performance.py) over radiotherapy records; threshold from "
        "reference/cwt/standards.csv (31d_first) on the as-of day",
        "CWT engine over radiotherapy records",
    ),
    ("clinical-models.md §8, VERIFIED secondary; NICE NG12", "NICE NG12"),
    ("", ""),
    (None, ""),
]


@pytest.mark.parametrize(("text", "words"), CASES)
def test_sources_keep_their_names_and_lose_their_notes(text, words):
    assert source_in_words(text) == words
