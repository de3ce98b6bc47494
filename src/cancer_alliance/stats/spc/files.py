"""`alliance spc` as a library call: read a table of x and y (CSV or Parquet), run `spc()`, write one
row per point and, if asked, the summary JSON. x may be a date (ISO 8601) or a number."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from cancer_alliance.errors import InputError
from cancer_alliance.stats.spc.spc import SpcOptions, spc, summary

OUTPUT_COLUMNS = ("x", "y", "mean", "lpl", "upl", "point_type")


@dataclass(frozen=True)
class SpcFileSummary:
    points: int
    variation_type: str | None
    variation_icon: str | None
    assurance_type: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "variation_type": self.variation_type,
            "variation_icon": self.variation_icon,
            "assurance_type": self.assurance_type,
        }


def _read(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise InputError(f"{path}: file not found")
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            return pq.read_table(path).to_pandas()
        if suffix == ".csv":
            options = pacsv.ConvertOptions(column_types={"x": pa.string(), "y": pa.string()})
            return pacsv.read_csv(path, convert_options=options).to_pandas()
    except (pa.ArrowInvalid, OSError) as error:
        raise InputError(f"{path}: cannot be read ({error})") from None
    raise InputError(f"{path}: use a .csv or .parquet file")


def _numbers(values: pd.Series) -> pd.Series:
    """Whole numbers stay integers in the output (x = 1, not 1.0)."""
    return values.astype("int64") if (values % 1 == 0).all() else values.astype(float)


def _parse_x(values: pd.Series, path: Path) -> tuple[pd.Series, bool]:
    """x as numbers, or as dates (returns is_date). Every value must parse the same way."""
    if pd.api.types.is_numeric_dtype(values) and not values.isna().any():
        return _numbers(values), False
    if pd.api.types.is_datetime64_any_dtype(values):
        return pd.to_datetime(values), True
    text = values.astype("string").str.strip()
    numbers = pd.to_numeric(text, errors="coerce")
    first = text.dropna()
    numeric = len(first) > 0 and not pd.isna(pd.to_numeric(first.iloc[0], errors="coerce"))
    parsed = numbers if numeric else pd.to_datetime(text, format="ISO8601", errors="coerce")
    bad = parsed.isna().to_numpy()
    if bad.any():
        expected = "a number like the first x" if numeric else "a date (YYYY-MM-DD) or a number"
        raise InputError(f"{path} row {int(np.argmax(bad)) + 1}, x: not {expected}")
    return (_numbers(parsed), False) if numeric else (parsed, True)


def _parse_y(values: pd.Series, path: Path) -> pd.Series:
    numbers = pd.to_numeric(values.astype("string").str.strip(), errors="coerce")
    bad = numbers.isna().to_numpy()
    if bad.any():
        raise InputError(f"{path} row {int(np.argmax(bad)) + 1}, y: not a number")
    return numbers.astype(float)


def _parse_rebase(values: tuple[str, ...], is_date: bool) -> tuple[Any, ...]:
    parsed = []
    for value in values:
        try:
            parsed.append(pd.Timestamp(value) if is_date else float(value))
        except ValueError:
            raise InputError(f"--rebase {value!r}: not a {'date' if is_date else 'number'} like x") from None
    return tuple(parsed)


def spc_file(
    input_path: Path,
    output_path: Path,
    options: SpcOptions,
    summary_path: Path | None = None,
) -> SpcFileSummary:
    """Read INPUT, compute SPC, write OUTPUT (and the summary JSON). Rebase values are given as text and
    parsed like x."""
    raw = _read(input_path)
    for column in ("x", "y"):
        if column not in raw.columns:
            raise InputError(
                f"{input_path}: column {column!r} is missing (columns: {', '.join(raw.columns)})"
            )
    x, is_date = _parse_x(raw["x"], input_path)
    frame = pd.DataFrame({"x": x, "y": _parse_y(raw["y"], input_path)})
    rebase = _parse_rebase(tuple(str(value) for value in options.rebase), is_date)
    options = SpcOptions(
        options.improvement_direction,
        options.target,
        rebase,
        options.fix_after_n_points,
        options.screen_outliers,
    )
    try:
        points = spc(frame, options)
    except InputError as error:
        raise InputError(f"{input_path} {error}") from None
    out = points.loc[:, list(OUTPUT_COLUMNS)]
    if is_date:
        out["x"] = out["x"].dt.date
    _write(out, output_path)
    row = summary(points, options).iloc[0] if len(points) else None
    result = SpcFileSummary(
        points=len(points),
        variation_type=None if row is None else row["variation_type"],
        variation_icon=None if row is None else row["variation_icon"],
        assurance_type=None if row is None else row["assurance_type"],
    )
    if summary_path is not None:
        summary_path.write_text(json.dumps(result.as_json(), indent=2) + "\n", encoding="utf-8")
    return result


def _write(frame: pd.DataFrame, path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".parquet"}:
        raise InputError(f"{path}: use a .csv or .parquet file")
    table = pa.Table.from_pandas(frame, preserve_index=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        pacsv.write_csv(table, path)
    else:
        pq.write_table(table, path)
