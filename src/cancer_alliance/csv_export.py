"""The one CSV writer for every export (web downloads and CLI files), safe to open in a spreadsheet.

A cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel, LibreOffice and
Google Sheets as a formula (CSV or formula injection: a note or title typed as `=HYPERLINK(...)` runs on
the analyst's machine). Such text cells get a leading apostrophe, which spreadsheets show as text and do
not display (OWASP, "CSV Injection"). Numbers, dates and booleans are written as they are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

#: What a spreadsheet treats as the start of a formula (OWASP CSV Injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """`value`, with a leading apostrophe if it is text a spreadsheet would run as a formula; None is ''."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_rows(handle: TextIO, rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> int:
    """Write a header and `rows` (only `columns`, in order) to `handle`; returns the rows written."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow([neutralise(column) for column in columns])
    count = 0
    for row in rows:
        writer.writerow([neutralise(row.get(column)) for column in columns])
        count += 1
    return count


def write_lists(handle: TextIO, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write `header` and positional `rows` to `handle` (e.g. a CSV file read back); returns the rows."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow([neutralise(cell) for cell in header])
    count = 0
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
        count += 1
    return count


def csv_text(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """`rows` as CSV text (see `write_rows`)."""
    buffer = io.StringIO()
    write_rows(buffer, rows, columns)
    return buffer.getvalue()


def write_csv(path: Path, rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> int:
    """Write `rows` to the file at `path` (see `write_rows`); returns the rows written."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        return write_rows(handle, rows, columns)
