"""Where a command's inputs and outputs live (docs/decisions/0034): a local path (a file on this machine),
a URI the engine's storage understands (`file://`, `s3a://`, `abfss://`, `dbfs:/`, ...), or, on Spark, a
catalogue table (`catalog.schema.table`). A local file is read here and handed to the engine in memory, so
nothing is staged on the driver's disk where a cluster's executors (or a Spark Connect server) could not
see it; a URI or a table is read and written by the engine itself."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cancer_alliance.csv_export import write_csv
from cancer_alliance.engine import Engine, EngineName, open_engine
from cancer_alliance.errors import InputError
from cancer_alliance.storage import is_uri
from cancer_alliance.table_files import file_format, write_table

_TABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}$")
_FILE_SUFFIXES = (".csv", ".parquet", ".xml", ".html")


class Kind(StrEnum):
    path = "path"
    uri = "uri"
    table = "table"


@dataclass(frozen=True)
class Location:
    """An input or output as the user wrote it, and what kind of place it names."""

    text: str
    kind: Kind

    @property
    def path(self) -> Path:
        if self.kind != Kind.path:
            raise ValueError(f"{self.text} is a {self.kind}, not a local path")
        return Path(self.text)

    @property
    def format(self) -> str | None:
        """`.csv` or `.parquet` for a file (by its extension), None for a table."""
        if self.kind == Kind.table:
            return None
        return file_format(Path(self.text.rstrip("/").rsplit("/", 1)[-1]))

    def sibling(self, suffix: str) -> Location:
        """The same place with its extension replaced by `suffix` (e.g. the rejections beside the facts);
        a table gets `_` and the suffix's first word (`.rejected.csv` -> `_rejected`)."""
        if self.kind == Kind.table:
            return Location(f"{self.text}_{suffix.strip('.').split('.')[0]}", Kind.table)
        stem = re.sub(r"\.[^./]*$", "", self.text.rstrip("/"))
        return Location(stem + suffix, self.kind)

    def __str__(self) -> str:
        return self.text


def location(text: str | Path) -> Location:
    """What `text` names: a URI if it starts with a scheme (`dbfs:/`, `s3a://`), a table if it is a dotted
    name without a file extension (`main.cancer.cwt_records`) and nothing of that name is here, else a
    local path."""
    text = str(text)
    if is_uri(text):
        return Location(text, Kind.uri)
    table_like = _TABLE.match(text) and "." in text and not text.lower().endswith(_FILE_SUFFIXES)
    if table_like and not Path(text).exists():  # a file or folder here is a path (an SCR extract `scr.2019`)
        return Location(text, Kind.table)
    return Location(text, Kind.path)


def output_location(output: Path | str | Location) -> Location:
    """Where an output goes, its extension checked before any work (InputError on one other than .csv or
    .parquet; a table has none)."""
    where = output if isinstance(output, Location) else location(output)
    where.format  # noqa: B018  (raises on an unknown extension)
    return where


def rejected_path(output: Path | str | Location) -> Location:
    """Where the rejections of OUTPUT go: OUTPUT with its extension replaced by `.rejected.csv` (a table:
    OUTPUT_rejected)."""
    return (output if isinstance(output, Location) else location(output)).sibling(".rejected.csv")


def check_engine(engine: Engine, where: Location) -> None:
    """URIs and tables are the engine's storage: only Spark reads and writes them here."""
    if where.kind != Kind.path and engine.name != EngineName.spark:
        raise InputError(
            f"{where}: a {where.kind} needs the Spark engine (--engine spark); DuckDB reads local files"
        )


def from_arrow(engine: Engine, table: pa.Table) -> Any:
    """An engine DataFrame of an Arrow table held in memory (sent to the cluster with the query). An
    empty table keeps its schema (Spark cannot infer one from no rows, e.g. when every row was rejected)."""
    if engine.name != EngineName.spark:
        raise ValueError("from_arrow is for Spark; DuckDB reads the local file itself")
    if table.num_rows == 0:
        from pyspark.sql.pandas.types import from_arrow_schema

        return engine.session.createDataFrame([], schema=from_arrow_schema(table.schema))
    return engine.session.createDataFrame(table)


def local_frame(engine: Engine, table: pa.Table, scratch: Path, name: str) -> Any:
    """An engine DataFrame of rows read and checked on this machine. Spark gets them in memory, since its
    executors on other hosts (or a Connect server) cannot see this disk; DuckDB, which runs here, reads
    them from `scratch/NAME.parquet` (`scratch` must outlive the DataFrame's use)."""
    if engine.name == EngineName.spark:
        return from_arrow(engine, table)
    staged = scratch / f"{name}.parquet"
    pq.write_table(table, staged)
    return engine.read_parquet(staged)


def read_local_parquet(engine: Engine, path: Path) -> Any:
    """A Parquet file on this machine as an engine DataFrame: DuckDB reads it in place, Spark gets its rows
    in memory (see `local_frame`)."""
    if engine.name == EngineName.spark:
        return from_arrow(engine, pq.read_table(path))
    return engine.read_parquet(path)


def read_engine_input(engine: Engine, where: Location) -> Any:
    """A URI or table as the engine reads it: Parquet and tables typed by their own schema, a CSV with
    every column as text (the caller checks and types it, see `read_engine_text`)."""
    check_engine(engine, where)
    reader = engine.session.read
    if where.kind == Kind.table:
        return engine.session.table(where.text)
    if where.format == ".csv":
        return reader.option("header", True).option("inferSchema", False).csv(where.text)
    return reader.parquet(where.text)


def read_engine_text(engine: Engine, where: Location) -> pa.Table:
    """A URI or table as the engine reads it, every column cast to text by the engine and collected
    here in the engine's read order, for the one validation path (`ingest.inputs`, docs/decisions/0050).
    A date is `yyyy-mm-dd` and a timestamp `yyyy-mm-dd hh:mm:ss` (read as a date at midnight)."""
    frame = read_engine_input(engine, where)
    F = engine.functions
    return frame.select(*[F.col(f"`{name}`").cast("string").alias(name) for name in frame.columns]).toArrow()


def write_output(engine: Engine, table: pa.Table | pd.DataFrame, where: Location) -> None:
    """Write a (small, collected) result: a local file as the platform writes every file, a URI or table
    through the engine, replacing what was there. A CSV URI is a folder with one part file, as Spark
    writes CSV. Every command's output goes through here."""
    if isinstance(table, pd.DataFrame):
        table = pa.Table.from_pandas(table, preserve_index=False)
    if where.kind == Kind.path:
        write_table(table, where.path)
        return
    check_engine(engine, where)
    writer = from_arrow(engine, table).coalesce(1).write.mode("overwrite")
    if where.kind == Kind.table:
        writer.saveAsTable(where.text)
    elif where.format == ".csv":
        writer.option("header", True).csv(where.text)
    else:
        writer.parquet(where.text)


def write_export(
    engine: EngineName | str | None,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    where: Location,
) -> None:
    """Write rows a user opens and edits in a spreadsheet (pathway definitions, ranked CCGs): a local CSV
    through the formula-safe `csv_export`, anywhere else through `write_output`. The engine is opened
    only for a Parquet file, a URI or a table."""
    if where.kind == Kind.path and where.format == ".csv":
        write_csv(where.path, rows, columns)
        return
    write_output(open_engine(engine), pd.DataFrame(list(rows), columns=list(columns)), where)


def read_csv_text(where: str | Path | Location, engine: EngineName | str | None = None) -> str:
    """A small CSV of settings (colonoscopy capacity, tumour types, radiotherapy requirements, pathway
    definitions) as text for its parser, wherever it lives: a local file read here; a URI read whole by
    the engine's text reader (one file, or a folder holding one part file as Spark writes CSV); a table
    read by the engine and rendered as CSV (header, then its rows in the engine's read order, every value
    as text, null blank), so line N is its row N - 1. The engine is opened only for a URI or a table;
    InputError on DuckDB, for a missing local file or a folder of several files."""
    where = where if isinstance(where, Location) else location(where)
    if where.kind == Kind.path:
        if not where.path.is_file():
            raise InputError(f"{where}: no such file")
        try:
            return where.path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"{where}: cannot read ({type(error).__name__})") from None
    session = open_engine(engine)
    check_engine(session, where)
    if where.kind == Kind.table:
        table = read_engine_text(session, where)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(table.column_names)
        writer.writerows([("" if v is None else v) for v in row.values()] for row in table.to_pylist())
        return buffer.getvalue()
    files = session.session.read.text(where.text, wholetext=True).collect()
    if len(files) > 1:
        raise InputError(f"{where}: a folder of {len(files)} files; give one CSV file")
    return files[0][0].removeprefix("\ufeff") if files else ""
