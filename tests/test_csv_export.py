"""The formula-safe CSV writer (issue 21 item 4; OWASP "CSV Injection"): every text cell a spreadsheet
would run as a formula is written as text."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cancer_alliance.csv_export import FORMULA_STARTS, csv_text, neutralise


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Chase histology", "Chase histology"),
        ("a=b", "a=b"),
        (-5, -5),
        (0.85, 0.85),
        (dt.date(2019, 3, 31), dt.date(2019, 3, 31)),
        (None, ""),
    ],
)
def test_text_a_spreadsheet_would_run_is_written_as_text(value, written):
    assert neutralise(value) == written


@given(st.lists(st.text(), min_size=1, max_size=5))
def test_no_cell_read_back_starts_a_formula_and_nothing_else_changes(cells):
    columns = [f"c{i}" for i in range(len(cells))]
    text = csv_text([dict(zip(columns, cells, strict=True))], columns)
    _, row = list(csv.reader(io.StringIO(text, newline="")))
    for written, original in zip(row, cells, strict=True):
        assert not written.startswith(FORMULA_STARTS)
        assert written == ("'" + original if original.startswith(FORMULA_STARTS) else original)
