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

DEFECTS = (
    "invalid_nhs_number",
    "unknown_code",
    "pattern_mismatch",
    "out_of_range",
    "missing_required",
    "date_order",
)
UNKNOWN_CODE = "ZZ"  # in no code list (a one-letter "Z" would be: ethnic category "not stated")
BAD_PATTERN = "??"


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


def _options(definition: TableSchema) -> list[tuple[str, str]]:
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


@dataclass(frozen=True)
class InvalidPlan:
    """Which valid row each invalid row copies, and the (defect, field) it gets."""

    sources: np.ndarray
    defects: list[tuple[str, str]]


def plan_invalid_rows(
    definition: TableSchema, columns: dict[str, np.ndarray], count: int, rng: np.random.Generator
) -> InvalidPlan:
    """Choose `count` rows to copy and a defect for each, from the defects the schema can express; a
    row is copied only if it has the field(s) its defect breaks."""
    options = _options(definition)
    if count == 0 or not options:
        return InvalidPlan(np.zeros(0, dtype=np.int64), [])
    rows = len(next(iter(columns.values())))
    choice = rng.integers(0, len(options), count)
    sources = np.empty(count, dtype=np.int64)
    for i, (defect, field) in enumerate(options):
        slots = np.flatnonzero(choice == i)
        if defect == "date_order":
            earlier, later = field.split(">")
            eligible = np.flatnonzero(_present(columns[earlier]) & _present(columns[later]))
        elif defect == "unknown_code":
            eligible = np.arange(rows)
        else:
            eligible = np.flatnonzero(_present(columns[field]))
        if len(eligible) == 0:  # nothing to break this way: break the NHS number or a code instead
            eligible = np.arange(rows)
            choice[slots] = next(
                j for j, (d, _) in enumerate(options) if d in ("invalid_nhs_number", "unknown_code")
            )
        sources[slots] = eligible[rng.integers(0, len(eligible), len(slots))]
    return InvalidPlan(sources, [options[c] for c in choice])


def apply_defects(
    definition: TableSchema,
    columns: dict[str, np.ndarray],
    positions: np.ndarray,
    plan: InvalidPlan,
    rng: np.random.Generator,
) -> None:
    """Break the copied rows, which sit at `positions` of `columns`, in place."""
    by_defect: dict[tuple[str, str], list[int]] = {}
    for position, option in zip(positions, plan.defects, strict=True):
        by_defect.setdefault(option, []).append(int(position))
    for (defect, field), rows in by_defect.items():
        at = np.array(rows, dtype=np.int64)
        if defect == "invalid_nhs_number":
            columns[field][at] = break_check_digit(columns[field][at])
        elif defect in ("unknown_code", "pattern_mismatch"):
            value = UNKNOWN_CODE if defect == "unknown_code" else BAD_PATTERN
            if columns[field].dtype.kind == "U" and columns[field].dtype.itemsize // 4 < len(value):
                columns[field] = columns[field].astype(f"<U{len(value)}")  # room for the whole value
            columns[field][at] = value
        elif defect == "out_of_range":
            columns[field][at] = int(definition.column(field).minimum) - 1 - rng.integers(0, 5, len(at))
        elif defect == "missing_required":
            columns[field][at] = _null(columns[field])
        else:
            earlier, later = field.split(">")
            columns[later][at] = columns[earlier][at] - rng.integers(1, 30, len(at))
