"""Lung cancer survival by CCG read from a file in the layout of the published "Index of cancer survival
for Clinical Commissioning Groups in England" (ONS, then Public Health England; release 29 November 2019,
adults diagnosed 2002-2017): the input of lung health check targeting (decision 0032).

A profile (`data/survival_index_2019.toml`, or a copy) names the published columns of each canonical
column of `ccg_lung_survival` and the values that select one-year lung cancer survival of a CCG. Every
row of the file is either selected or counted as another estimate (another site, geography or survival
time); a selected row with a bad value is an `InputError` naming the file, row (1 = first data row) and
published column, never skipped. One diagnosis year is ranked: the latest unless asked for.
"""

from __future__ import annotations

import csv
import io
import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cancer_alliance.engine.io import read_csv_text
from cancer_alliance.errors import InputError
from cancer_alliance.schemas import Column, schema

TABLE = "ccg_lung_survival"
DEFAULT_PROFILE = Path(__file__).parent / "data" / "survival_index_2019.toml"
VALUE = "one_year_survival_pct"


@dataclass(frozen=True)
class SurvivalProfile:
    """The published layout: canonical column -> published column, published column -> accepted values."""

    title: str
    publisher: str
    release: str
    ccg_version: str
    columns: dict[str, str]
    select: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class SurvivalTable:
    """The selected rows of one diagnosis year, in canonical columns, and what the file held."""

    rows: list[dict[str, Any]]
    diagnosis_year: int
    rows_in: int
    rows_selected: int  # one-year lung survival of a CCG, any year
    rows_other: int  # other estimates of the same table: rows_in = rows_selected + rows_other
    profile: SurvivalProfile


def load_profile(path: Path | str = DEFAULT_PROFILE) -> SurvivalProfile:
    """The profile in `path`; a canonical column it does not map, when required, is an error."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise InputError(f"{path}: not a readable profile ({error})") from None
    columns = {str(k): str(v) for k, v in data.get("columns", {}).items()}
    known = {c.name for c in schema(TABLE).columns}
    unknown = sorted(set(columns) - known)
    missing = sorted(c.name for c in schema(TABLE).columns if c.required and c.name not in columns)
    if unknown or missing:
        raise InputError(
            f"{path}, columns: "
            + "; ".join(
                part
                for part in (
                    f"not columns of {TABLE}: {', '.join(unknown)}" if unknown else "",
                    f"required columns not mapped: {', '.join(missing)}" if missing else "",
                )
                if part
            )
        )
    return SurvivalProfile(
        title=str(data.get("title", "")),
        publisher=str(data.get("publisher", "")),
        release=str(data.get("release", "")),
        ccg_version=str(data.get("ccg_version", "2018/19")),
        columns=columns,
        select={str(k): tuple(str(v) for v in values) for k, values in data.get("select", {}).items()},
    )


def read_survival(
    path: Path | str,
    profile: SurvivalProfile | None = None,
    diagnosis_year: int | None = None,
    engine: str | None = None,
) -> SurvivalTable:
    """The one-year lung cancer survival of each CCG for `diagnosis_year` (default: the latest in the
    file) from a CSV in the published layout described by `profile`: a local file, or a URI or table
    read by `engine` (`engine.io.read_csv_text`)."""
    profile = profile or load_profile()
    text = read_csv_text(path, engine)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    wanted = [*profile.columns.values(), *profile.select]
    absent = [name for name in wanted if name not in header]
    if absent:
        raise InputError(f"{path}: missing column(s) {', '.join(absent)} of the published layout")
    rows_in, selected = 0, []
    for number, raw in enumerate(reader, start=1):
        rows_in += 1
        if all(_norm(raw[c]) in {_norm(v) for v in values} for c, values in profile.select.items()):
            selected.append((number, _canonical(path, number, raw, profile)))
    if not selected:
        raise InputError(f"{path}: no row of one-year lung cancer survival by CCG ({_describe(profile)})")
    year = diagnosis_year if diagnosis_year is not None else max(row["diagnosis_year"] for _, row in selected)
    chosen: dict[str, dict[str, Any]] = {}
    for number, row in selected:
        if row["diagnosis_year"] != year:
            continue
        if row["ccg_code"] in chosen:
            raise InputError(
                f"{path} row {number}, {profile.columns['ccg_code']}: CCG given twice for {year}"
            )
        chosen[row["ccg_code"]] = row
    if not chosen:
        raise InputError(f"{path}: no CCG survival for diagnosis year {year}")
    return SurvivalTable(
        list(chosen.values()), year, rows_in, len(selected), rows_in - len(selected), profile
    )


def _canonical(
    path: Path | str, number: int, raw: dict[str, str], profile: SurvivalProfile
) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for column in schema(TABLE).columns:
        published = profile.columns.get(column.name)
        text = "" if published is None else (raw.get(published) or "").strip()
        row[column.name] = _value(column, text, f"{path} row {number}, {published}")
    return row


def _value(column: Column, text: str, where: str) -> Any:
    if text == "":
        if column.required:
            raise InputError(f"{where}: missing")
        return None
    if column.type == "string":
        if column.pattern and not re.fullmatch(column.pattern, text):
            raise InputError(f"{where}: does not match {column.pattern}")
        return text
    try:
        value: float = int(text) if column.type == "integer" else float(text)
    except ValueError:
        raise InputError(
            f"{where}: not a {'whole number' if column.type == 'integer' else 'number'}"
        ) from None
    if math.isnan(value):
        raise InputError(f"{where}: not a number")
    if (column.minimum is not None and value < column.minimum) or (
        column.maximum is not None and value > column.maximum
    ):
        raise InputError(f"{where}: outside {_bound(column.minimum)}..{_bound(column.maximum)}")
    return value


def _bound(limit: float | None) -> str:
    return "" if limit is None else f"{limit:g}"


def _norm(text: str | None) -> str:
    return (text or "").strip().casefold()


def _describe(profile: SurvivalProfile) -> str:
    return ", ".join(f"{column} in {'/'.join(values)}" for column, values in profile.select.items())
