"""The files every command reads and writes: CSV or Parquet, chosen by the file's extension. One place
for the choice and its error message, so every domain's command treats a file alike."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from cancer_alliance.errors import InputError
from cancer_alliance.schemas import TableSchema

FORMATS = (".csv", ".parquet")
#: The Arrow type of each storage type of `cancer_alliance.schemas` (the one map: lake snapshots,
#: checked files handed to the engines and synthetic tables all use it).
ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "date": pa.date32(),
    "int": pa.int32(),
    "double": pa.float64(),
    "boolean": pa.bool_(),
}


def arrow_schema(table: TableSchema) -> pa.Schema:
    """The Arrow schema of a canonical table's rows (dates as dates, codes as strings)."""
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.storage_type]) for c in table.columns])


def file_format(path: Path) -> str:
    """'.csv' or '.parquet' for `path`; any other extension is an InputError naming the file."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"{path}: unknown file type {suffix or '(none)'!r}; use .csv or .parquet")
    return suffix


def write_table(table: pa.Table | pd.DataFrame, path: Path) -> None:
    """Write Parquet or CSV (ISO dates, true/false, blank = missing) by the file's extension."""
    suffix = file_format(path)
    if isinstance(table, pd.DataFrame):
        table = pa.Table.from_pandas(table, preserve_index=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".parquet":
        pq.write_table(table, path)
    else:
        pa_csv.write_csv(table, path, pa_csv.WriteOptions(quoting_style="needed"))
