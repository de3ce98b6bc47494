"""Treated cancer type of a CWT record from its ICD-10 primary diagnosis (tumour classification note [S29]).

The categories are NHS England's October 2023 treated cancer types [OFFICIAL-DATA S29]; the ICD-10 ->
category mapping tables themselves were NOT FOUND, so the mapping in `data/tumour_types.csv` is
DERIVED (inclusive ranges of three-character ICD-10 codes, one row per range, each with its basis)
and configurable: pass another CSV of the same columns to `tumour_type_ranges`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from cancer_alliance.engine import functions

#: Label for a diagnosis that is blank or in no range (NHSE label, suspected cancer types [S31]
#: [OFFICIAL-DATA S31]).
MISSING = "Missing or Invalid"

_DEFAULT = "tumour_types.csv"


@dataclass(frozen=True)
class TumourTypeRange:
    """Three-character ICD-10 codes from `icd10_from` to `icd10_to` inclusive belong to `tumour_type`."""

    icd10_from: str
    icd10_to: str
    tumour_type: str
    basis: str


def tumour_type_ranges(text: str | None = None, name: str = "tumour types") -> tuple[TumourTypeRange, ...]:
    """The mapping table: the packaged DERIVED one, or CSV `text` with the same columns read from `name`
    (`cwt.report_files` reads it wherever it lives; ValueError names `name` and the line)."""
    if text is None:
        return _packaged()
    return _parse(text, name)


@cache
def _packaged() -> tuple[TumourTypeRange, ...]:
    text = resources.files(__package__).joinpath("data", _DEFAULT).read_text(encoding="utf-8")
    return _parse(text, f"cancer_alliance/cwt/data/{_DEFAULT}")


def _parse(text: str, name: str) -> tuple[TumourTypeRange, ...]:
    ranges = []
    for line, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        try:
            item = TumourTypeRange(row["icd10_from"], row["icd10_to"], row["tumour_type"], row["basis"])
        except KeyError as error:
            raise ValueError(f"{name} line {line}: missing column {error}") from None
        if not (_is_code(item.icd10_from) and _is_code(item.icd10_to) and item.icd10_from <= item.icd10_to):
            raise ValueError(f"{name} line {line}: icd10_from/icd10_to must be ordered codes like C00, C14")
        overlap = [
            r.icd10_from
            for r in ranges
            if set(_codes(r.icd10_from, r.icd10_to)) & set(_codes(item.icd10_from, item.icd10_to))
        ]
        if overlap:
            raise ValueError(f"{name} line {line}: range overlaps the range from {overlap[0]}")
        ranges.append(item)
    return tuple(ranges)


def _is_code(text: str) -> bool:
    return len(text) == 3 and text[0].isalpha() and text[0].isupper() and text[1:].isdigit()


def icd10_category(F: Any, column: Any) -> Any:
    """The three-character ICD-10 category of a diagnosis column, e.g. 'c34.1' -> 'C34'."""
    return F.upper(F.substring(F.trim(column), 1, 3))


def _codes(first: str, last: str) -> list[str]:
    """Every three-character code from `first` to `last` within one letter, e.g. C00..C14."""
    letter = first[0]
    stop = int(last[1:]) if last[0] == letter else 99
    return [f"{letter}{number:02d}" for number in range(int(first[1:]), stop + 1)]


def with_tumour_type(
    frame: Any, diagnosis: str = "primary_diagnosis_icd10", ranges: tuple[TumourTypeRange, ...] | None = None
) -> Any:
    """`frame` plus a `tumour_type` column from its ICD-10 `diagnosis` column (`MISSING` when blank or in
    no range). The ranges are expanded to one row per code of a small lookup frame, joined on the
    diagnosis's category (on DuckDB a hash join, where a literal map is searched key by key for every
    row; docs/performance.md)."""
    F = functions(frame)
    pairs = [
        (code, item.tumour_type)
        for item in (ranges if ranges is not None else tumour_type_ranges())
        for code in _codes(item.icd10_from, item.icd10_to)
    ]
    if not pairs:
        return frame.select("*", F.lit(MISSING).alias("tumour_type"))
    lookup = frame.sparkSession.createDataFrame(
        pairs, schema="ca_icd10_category string, ca_tumour_type string"
    )
    joined = frame.join(
        lookup, on=icd10_category(F, F.col(diagnosis)) == F.col("ca_icd10_category"), how="left"
    )
    return joined.select(
        *frame.columns, F.coalesce(F.col("ca_tumour_type"), F.lit(MISSING)).alias("tumour_type")
    )
