"""Engine parity: run one rule on DuckDB and on Spark over the same rows and compare the results.
Used by the parity tests of every domain (docs/decisions/0001, Compliance)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cancer_alliance.engine import EngineName, open_engine
from cancer_alliance.schemas import TableSchema

Rule = Callable[[Any], Any]


def _normalise(value: Any) -> Any:
    """Make values comparable across engines: both return Python dates, ints and strings, but
    fractional numbers may come back as float or Decimal."""
    if isinstance(value, float | Decimal):
        return round(float(value), 9)
    return value


def canonical_rows(rows: Iterable[Mapping[str, Any]]) -> Counter:
    """Rows as a multiset of sorted (column, value) tuples: order of rows and columns ignored."""
    return Counter(tuple(sorted((k, _normalise(v)) for k, v in row.items())) for row in rows)


@dataclass(frozen=True)
class ParityResult:
    duckdb: list[dict[str, Any]]
    spark: list[dict[str, Any]]

    @property
    def agree(self) -> bool:
        return canonical_rows(self.duckdb) == canonical_rows(self.spark)

    def differences(self) -> tuple[Counter, Counter]:
        """Rows only DuckDB produced, and rows only Spark produced."""
        ours, theirs = canonical_rows(self.duckdb), canonical_rows(self.spark)
        return ours - theirs, theirs - ours


def run_on_both(rule: Rule, table: TableSchema, rows: Iterable[Mapping[str, Any]]) -> ParityResult:
    """Evaluate `rule` on a frame of `rows` (typed by `table`) on each engine."""
    rows = list(rows)
    results = {}
    for name in (EngineName.duckdb, EngineName.spark):
        engine = open_engine(name)
        results[name] = engine.rows(rule(engine.frame(table, rows)))
    return ParityResult(duckdb=results[EngineName.duckdb], spark=results[EngineName.spark])


def assert_parity(rule: Rule, table: TableSchema, rows: Iterable[Mapping[str, Any]]) -> ParityResult:
    """Fail with the differing rows unless both engines give the same multiset of rows."""
    result = run_on_both(rule, table, rows)
    if not result.agree:
        only_duckdb, only_spark = result.differences()
        raise AssertionError(
            f"engines disagree\n only DuckDB: {list(only_duckdb.elements())}\n"
            f" only Spark: {list(only_spark.elements())}"
        )
    return result
