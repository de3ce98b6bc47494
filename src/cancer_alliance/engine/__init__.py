"""Engine sessions: one way to get a DataFrame session, SQLFrame on DuckDB by default, Apache Spark
on request, classic or through Spark Connect (docs/decisions/0001, 0034). Rules are written against
the PySpark DataFrame API and take their column functions from `functions(df)`, so the same code runs
on every engine."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from cancer_alliance.schemas import TableSchema

ENGINE_VARIABLE = "ALLIANCE_ENGINE"


class EngineName(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


def default_engine_name() -> EngineName:
    """`ALLIANCE_ENGINE` if set, else DuckDB."""
    value = os.environ.get(ENGINE_VARIABLE, EngineName.duckdb)
    try:
        return EngineName(value)
    except ValueError:
        raise ValueError(f"{ENGINE_VARIABLE}={value!r}: choose one of {', '.join(EngineName)}") from None


@dataclass(frozen=True)
class Engine:
    """A DataFrame session and the few I/O helpers the platform needs around rules. `owned` is False
    for a session the platform found already running (a Databricks notebook's): its settings are the
    owner's and the platform never changes them."""

    name: EngineName
    session: Any
    owned: bool = True

    @property
    def connect(self) -> bool:
        """Whether the session is a Spark Connect client (no local JVM)."""
        return _is_connect(self.session)

    @property
    def functions(self) -> ModuleType:
        return _functions_module(self.name, connect=self.connect)

    def frame(self, table: TableSchema, rows: Iterable[Mapping[str, Any]]) -> Any:
        """A DataFrame with `table`'s columns and types from Python values (missing keys are null)."""
        names = table.column_names
        data = [tuple(row.get(name) for name in names) for row in rows]
        return self.session.createDataFrame(data, schema=table.ddl())

    def read_parquet(self, path: Path | str) -> Any:
        """Read a Parquet file, or a folder of Parquet files, as a DataFrame. On DuckDB, a view over
        the files with its schema handed to SQLFrame (`compiled.parquet_frame`): SQLFrame's own
        reader parses and qualifies its query twice in Python, and the view is what a compiled rule
        reads the frame through anyway. On Spark, `path` may be a URI Spark reads itself."""
        if self.name != EngineName.duckdb and isinstance(path, str) and "://" in path:
            return self.session.read.parquet(path)
        path = Path(path)
        if self.name == EngineName.duckdb:
            from cancer_alliance.engine.compiled import parquet_frame

            return parquet_frame(self.session, str(path / "*.parquet") if path.is_dir() else str(path))
        return self.session.read.parquet(str(path))

    def rows(self, frame: Any) -> list[dict[str, Any]]:
        """Collect a (small) DataFrame as a list of dicts; for tests and small outputs only."""
        return [row.asDict() for row in frame.collect()]


def _functions_module(name: EngineName, *, connect: bool = False) -> ModuleType:
    if name == EngineName.duckdb:
        import sqlframe.duckdb.functions as duckdb_functions

        return duckdb_functions
    if connect:
        # Connect's own module: `pyspark.sql.functions` picks Connect or classic from a process-wide
        # flag, which would break a process holding both kinds of session (the tests do).
        import pyspark.sql.connect.functions as connect_functions

        return connect_functions
    import pyspark.sql.functions as spark_functions

    return spark_functions


def _is_connect(obj: Any) -> bool:
    return type(obj).__module__.startswith("pyspark.sql.connect.")


def functions(frame: Any) -> ModuleType:
    """The PySpark-compatible `functions` module for the engine that owns `frame`."""
    module = type(frame).__module__
    if module.startswith("sqlframe."):
        return _functions_module(EngineName.duckdb)
    if module.startswith("pyspark."):
        return _functions_module(EngineName.spark, connect=_is_connect(frame))
    raise TypeError(f"not an engine DataFrame: {type(frame).__name__}")


def open_engine(name: EngineName | str | None = None) -> Engine:
    """The engine session for `name` (default: `ALLIANCE_ENGINE`, else DuckDB); one per process, so
    every step of a job (a CLI command, the demo, the results refresh) shares it."""
    return _open(EngineName(name) if name else default_engine_name())


@cache
def _open(name: EngineName) -> Engine:
    if name == EngineName.duckdb:
        from sqlframe.duckdb import DuckDBSession

        session = DuckDBSession()
        # DuckDB draws its own progress bar on long queries: noise beside the CLI's Rich progress, and at
        # national scale it cost the pathway bench seconds under load (docs/performance.md).
        session._conn.execute("SET enable_progress_bar = false")
        return Engine(name, session)
    from cancer_alliance.engine.spark import spark_engine

    return spark_engine()
