"""Deliberately invalid rows, so that ingest validation has something to catch, and a list of them so a
test can check that ingest quarantines exactly these rows.

Each invalid row is a copy of a random valid row of the same table with a new key and one defect, named
after the ingest check that must catch it (`cancer_alliance.ingest.checks`), chosen from what the
table's schema can express:

* `invalid_nhs_number`: an NHS number with a wrong modulus 11 check digit;
* `unknown_code`: a code not in the column's code list;
* `pattern_mismatch`: a value of the wrong form (e.g. a provider code);
* `out_of_range`: a number below the schema's minimum;
* `missing_required`: a required field left blank;
* `date_order`: a date before the date it must follow (an impossible sequence, e.g. treatment before
  referral).

Dates are written as Parquet dates, so a non-existent calendar date (30 February) cannot be expressed;
impossible dates are therefore represented by impossible orders.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cancer_alliance.schemas import TableSchema
from cancer_alliance.synth.nhs_numbers import break_check_digit
from cancer_alliance.synth.tables import NULL

DEFECTS = ("invalid_nhs_number", "unknown_code", "pattern_mismatch", "out_of_range", "missing_required", "date_order")
UNKNOWN_CODE = "ZZ"
BAD_PATTERN = "??"


@dataclass(frozen=True)
class Defect:
    """One deliberately invalid row: its key, the check that must catch it and the field it breaks."""

    key: str
    defect: str
    field: str


def _present(values: np.ndarray) -> np.ndarray:
    """Which values are not null (null conventions of `tables`)."""
    if values.dtype.kind in "OU":
        return values != ""
    if values.dtype.kind == "f":
        return ~np.isnan(values)
    if values.dtype == np.int8:
        return values != -1
    return values != NULL


def _null(values: np.ndarray) -> object:
    if values.dtype.kind in "OU":
        return ""
    if values.dtype.kind == "f":
        return np.nan
    return -1 if values.dtype == np.int8 else NULL


def _options(definition: TableSchema, columns: dict[str, np.ndarray]) -> list[tuple[str, str]]:
    """(defect, field) pairs this table can carry."""
    options = []
    for column in definition.columns:
        if column.name == definition.key:
            continue
        if column.type == "nhs_number":
            options.append(("invalid_nhs_number", column.name))
        if column.type == "code":
            options.append(("unknown_code", column.name))
        if column.pattern and column.type == "string":
            options.append(("pattern_mismatch", column.name))
        if column.minimum is not None and column.type in ("integer", "number"):
            options.append(("out_of_range", column.name))
        if column.required:
            options.append(("missing_required", column.name))
    options += [("date_order", f"{o.earlier}>{o.later}") for o in definition.date_orders]
    return options


def add_invalid_rows(definition: TableSchema, columns: dict[str, np.ndarray], keys: np.ndarray, new_keys: np.ndarray,
                     rng: np.random.Generator) -> tuple[dict[str, np.ndarray], np.ndarray, list[Defect]]:
    """Append len(new_keys) invalid copies of random rows; returns the columns, the keys and the defects."""
    n = len(new_keys)
    options = _options(definition, columns)
    if n == 0 or not options:
        return columns, keys, []
    choice = rng.integers(0, len(options), n)
    sources = np.empty(n, dtype=np.int64)
    for i, (defect, field) in enumerate(options):
        slots = np.flatnonzero(choice == i)
        if defect == "date_order":
            earlier, later = field.split(">")
            eligible = np.flatnonzero(_present(columns[earlier]) & _present(columns[later]))
        else:
            eligible = np.flatnonzero(_present(columns[field])) if defect != "unknown_code" else np.arange(len(keys))
        if len(eligible) == 0:
            eligible = np.arange(len(keys))
        sources[slots] = eligible[rng.integers(0, len(eligible), len(slots))]
    copies = {name: values[sources].copy() for name, values in columns.items()}
    for name, values in copies.items():  # room for the two-character defect values
        if values.dtype.kind == "U" and values.dtype.itemsize < 8:
            copies[name] = values.astype("<U2")
    defects = []
    for i, (defect, field) in enumerate(options):
        slots = np.flatnonzero(choice == i)
        if len(slots) == 0:
            continue
        if defect == "invalid_nhs_number":
            copies[field][slots] = break_check_digit(copies[field][slots])
        elif defect == "unknown_code":
            copies[field][slots] = UNKNOWN_CODE
        elif defect == "pattern_mismatch":
            copies[field][slots] = BAD_PATTERN
        elif defect == "out_of_range":
            minimum = definition.column(field).minimum
            copies[field][slots] = int(minimum) - 1 - rng.integers(0, 5, len(slots))
        elif defect == "missing_required":
            copies[field][slots] = _null(copies[field])
        else:
            earlier, later = field.split(">")
            copies[later][slots] = copies[earlier][slots] - rng.integers(1, 30, len(slots))
        defects += [Defect(str(new_keys[s]), defect, field) for s in slots]
    merged = {name: np.concatenate([columns[name], copies[name]]) for name in columns}
    return merged, np.concatenate([keys, new_keys]), defects
