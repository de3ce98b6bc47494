"""Turning generated numpy columns into Arrow tables with exactly a canonical schema's columns, order
and storage types (`cancer_alliance.schemas`), and writing them as Parquet.

Null conventions of the generator's arrays: dates and integers use `NULL` (int64 minimum), strings
the empty string, numbers NaN, booleans the int8 value -1.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cancer_alliance.schemas import Column, schema
from cancer_alliance.table_files import arrow_schema

NULL = np.iinfo(np.int64).min


def _array(column: Column, values: np.ndarray | pa.Array) -> pa.Array:
    if isinstance(values, pa.Array):
        return values
    values = np.asarray(values)
    kind = column.type
    if kind == "date":
        return pa.array(values.astype(np.int32), mask=values == NULL, type=pa.int32()).cast(pa.date32())
    if kind == "integer":
        return pa.array(
            np.where(values == NULL, 0, values).astype(np.int32), mask=values == NULL, type=pa.int32()
        )
    if kind == "number":
        values = values.astype(np.float64)
        return pa.array(values, mask=np.isnan(values), type=pa.float64())
    if kind == "boolean":
        return pa.array(values == 1, mask=values == -1, type=pa.bool_())
    if values.dtype.kind in "iu":  # e.g. NHS numbers generated as integers; keys numbered later
        return pa.array(values, mask=values == NULL, type=pa.int64()).cast(pa.string())
    return _strings(values.astype(str) if values.dtype.kind != "U" else values)


def _strings(values: np.ndarray) -> pa.Array:
    """An Arrow string array from a fixed-width numpy string array, '' as null. ASCII text (all the
    generator writes) is converted with array operations, without a per-value loop."""
    n, width = len(values), values.dtype.itemsize // 4
    codes = np.ascontiguousarray(values).view(np.uint32).reshape(n, width)
    if width == 0 or n == 0 or codes.max() >= 128:
        return pa.array(values, mask=values == "", type=pa.string())
    chars = codes.astype(np.uint8)
    present = chars != 0
    lengths = present.sum(axis=1)
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    valid = lengths > 0
    validity = pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.StringArray.from_buffers(
        n, pa.py_buffer(offsets), pa.py_buffer(chars[present]), validity, null_count=int(n - valid.sum())
    )


def to_arrow(table: str, columns: dict[str, np.ndarray]) -> pa.Table:
    """An Arrow table with exactly the schema's columns; a column the generator lacks, or one the
    schema does not know, is a programming error and raises KeyError naming it."""
    definition = schema(table)
    unknown = set(columns) - set(definition.column_names)
    missing = [name for name in definition.column_names if name not in columns]
    if unknown or missing:
        raise KeyError(
            f"{table}: generated columns differ from the schema; missing {missing}, unknown {sorted(unknown)}"
        )
    arrays = [_array(c, columns[c.name]) for c in definition.columns]
    return pa.Table.from_arrays(arrays, schema=arrow_schema(definition))


def write(table: str, data: pa.Table, path: Path) -> None:
    """Write as Parquet; dictionary encoding only for the code and short text columns (the key and NHS
    numbers are unique, so trying to build a dictionary for them only costs time)."""
    definition = schema(table)
    dictionary = [
        c.name for c in definition.columns if c.type in ("code", "string") and c.name != definition.key
    ]
    pq.write_table(data, path, compression="zstd", compression_level=1, use_dictionary=dictionary)


KEY_DIGITS = 8


def ids(prefix: str, n: int) -> pa.Array:
    """Record keys PREFIX00000001 ... (eight digits, enough for a national year), as an Arrow array."""
    numbers = pa.array(np.arange(1, n + 1, dtype=np.int64)).cast(pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(numbers, width=KEY_DIGITS, padding="0"), "")


def key(prefix: str, position: int) -> str:
    """The key `ids` gives the row at `position` (0-based)."""
    return f"{prefix}{position + 1:0{KEY_DIGITS}d}"
