"""Source values in the canonical forms the checks expect, on whole Arrow columns (docs/decisions/0026):

- dates: `yyyy-mm-dd` as is; `dd/mm/yyyy` (the UK form spreadsheets write, day and month of one or
  two digits) and ISO date-times at midnight (`2019-01-23 00:00:00`, `...T00:00:00`, as SQL tools,
  pandas and Parquet timestamps give them) become `yyyy-mm-dd`. A column whose slashed dates only
  read as month-first (a second part above 12, none in the first) is ambiguous and refuses the file
  with that reason; a date-time with a time of day stays as given and fails the date check.
- codes: a source code the profile translates becomes its canonical code; a number whose leading
  zeros were lost (`3` for `03`) is padded when exactly one code of the column's list has that
  value; organisation codes given in another coding (a CCG's ODS code) become the stored form.
- `record_id`, when the source has none: HMAC-SHA256 (the pseudonym key) of the chosen values."""

from __future__ import annotations

import hmac
from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc

from cancer_alliance.errors import InputError

_SLASHED = r"^(\d{1,2})/(\d{1,2})/(\d{4})$"
_MIDNIGHT = r"^(\d{4}-\d{2}-\d{2})[T ]00:00(:00(\.0+)?)?(Z|[+-]00:?00)?$"
#: Hex digits of the built record_id (128 bits: collisions are not a practical concern).
_ID_HEX = 32


def iso_dates(values: pa.ChunkedArray, where: str) -> pa.ChunkedArray:
    """Dates in `values` as `yyyy-mm-dd` where the form is unambiguous; `where` names the column in
    the InputError of an ambiguous column."""
    slashed = pc.match_substring_regex(values, _SLASHED)
    if pc.any(slashed).as_py():
        parts = pc.extract_regex(pc.filter(values, slashed), r"^(?P<first>\d{1,2})/(?P<second>\d{1,2})/")
        first = pc.cast(pc.struct_field(parts, "first"), pa.int32())
        second = pc.cast(pc.struct_field(parts, "second"), pa.int32())
        if pc.any(pc.greater(second, 12)).as_py() and not pc.any(pc.greater(first, 12)).as_py():
            raise InputError(
                f"{where}: the dates read only as month/day/year (a second part above 12, none in the "
                "first); give them as dd/mm/yyyy or yyyy-mm-dd"
            )
        padded = pc.replace_substring_regex(values, r"^(\d)/", r"0\1/")
        padded = pc.replace_substring_regex(padded, r"/(\d)/", r"/0\1/")
        values = pc.if_else(slashed, pc.replace_substring_regex(padded, _SLASHED, r"\3-\2-\1"), values)
    return pc.replace_substring_regex(values, _MIDNIGHT, r"\1")


def padding(codes: Sequence[str]) -> dict[str, str]:
    """Source value -> code for numeric codes whose leading zeros a spreadsheet stripped, where
    exactly one code of the list has that value and the stripped form is not itself a code."""
    found: dict[str, list[str]] = {}
    for code in codes:
        stripped = code.lstrip("0") or "0"
        if code.isdigit() and stripped != code and stripped not in codes:
            found.setdefault(stripped, []).append(code)
    return {value: targets[0] for value, targets in found.items() if len(targets) == 1}


def translate(values: pa.ChunkedArray, mapping: dict[str, str]) -> pa.ChunkedArray:
    """`values` with each key of `mapping` replaced by its value; others unchanged."""
    if not mapping:
        return values
    keys = pa.array(list(mapping), pa.string())
    index = pc.index_in(values, value_set=keys)
    replaced = pc.take(pa.array(list(mapping.values()), pa.string()), index)
    return pc.if_else(pc.is_null(index), values, replaced)


def built_ids(columns: Sequence[pa.ChunkedArray], key: bytes, prefix: str) -> pa.Array:
    """`prefix` + HMAC-SHA256 of the values of each row (blank as empty, joined by a unit separator):
    the same values give the same id on every import with the same key."""
    rows = zip(*(column.to_pylist() for column in columns), strict=True)
    return pa.array(
        [
            prefix
            + hmac.new(key, "\x1f".join(v or "" for v in row).encode("utf-8"), "sha256").hexdigest()[:_ID_HEX]
            for row in rows
        ],
        pa.string(),
    )
