"""Hypothesis properties of the CWT facts (issue 3 item 5; style guide §1), on generated batches
of records. The DuckDB properties render each rule's SQL once and run it over fresh rows, so that
many examples stay cheap; the parity property runs the full rule on both engines."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cancer_alliance.cwt import evaluate, rejected
from cancer_alliance.engine import open_engine
from cancer_alliance.engine.parity import assert_parity, canonical_rows
from cancer_alliance.schemas import schema

from . import oracle
from .records import batches

CWT = schema("cwt")
_SQL_TYPES = {"string": "VARCHAR", "date": "DATE", "int": "INTEGER", "double": "DOUBLE"}
_ARROW = {"string": pa.string(), "date": pa.date32(), "int": pa.int32(), "double": pa.float64()}

pytestmark = pytest.mark.property


class CompiledRule:
    """A rule rendered once to DuckDB SQL over a table, run over any batch of rows."""

    def __init__(self, rule, table: str = "cwt_property_records") -> None:
        engine = open_engine("duckdb")
        self.connection = engine.session._conn
        columns = ", ".join(f"{c.name} {_SQL_TYPES[c.storage_type]}" for c in CWT.columns)
        self.connection.execute(f"CREATE OR REPLACE TABLE {table} ({columns})")
        self.table = table
        self.sql = rule(engine.session.table(table)).sql(dialect="duckdb", optimize=False)

    def __call__(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        batch = pa.table(
            {c.name: pa.array([row.get(c.name) for row in rows], _ARROW[c.storage_type]) for c in CWT.columns}
        )
        self.connection.execute(f"DELETE FROM {self.table}")
        self.connection.register("property_batch", batch)
        self.connection.execute(f"INSERT INTO {self.table} SELECT * FROM property_batch")
        self.connection.unregister("property_batch")
        result = self.connection.execute(self.sql)
        names = [column[0] for column in result.description]
        return [dict(zip(names, values, strict=True)) for values in result.fetchall()]


@pytest.fixture(scope="module")
def facts_of() -> CompiledRule:
    return CompiledRule(evaluate)


@given(batch=batches(), delay=st.integers(1, 60))
def test_treating_later_never_turns_a_breach_into_within(facts_of, batch, delay):
    """CWT day counting [S1]: a later treatment date can only lengthen the 31- and 62-day waits."""
    later = [
        {**r, "treatment_start_date": r["treatment_start_date"] + dt.timedelta(days=delay)}
        if r["treatment_start_date"]
        else r
        for r in batch
    ]
    before, after = _outcomes(facts_of(batch)), _outcomes(facts_of(later))
    for key, within in before.items():
        if key in after and not within:
            assert not after[key], key


@given(batch=batches())
def test_62_day_shares_of_a_record_sum_to_one(facts_of, batch):
    """breach allocation [S6, S40]: solo 1, six scenarios and 50:50 in halves that add up to one patient."""
    totals: dict[str, float] = defaultdict(float)
    for row in facts_of(batch):
        assert row["share"] in (0.0, 0.5, 1.0)
        if row["measure"] == "62d":
            totals[row["record_id"]] += row["share"]
    assert all(total == 1.0 for total in totals.values()), totals


@given(batch=batches(), order=st.randoms(use_true_random=False))
def test_a_shuffled_input_gives_the_same_facts(facts_of, batch, order):
    shuffled = list(batch)
    order.shuffle(shuffled)
    assert canonical_rows(facts_of(shuffled)) == canonical_rows(facts_of(batch))


@pytest.fixture(scope="module")
def facts_in_any_order() -> CompiledRule:
    return CompiledRule(lambda records: evaluate(records, in_record_order=False), "cwt_property_any_order")


@given(batch=batches())
def test_facts_in_any_order_are_the_same_facts(facts_of, facts_in_any_order, batch):
    """`evaluate(..., in_record_order=False)` (the slot join, for facts that are summed) gives the
    same rows as the exploded slot array, in another order (docs/decisions/0052)."""
    assert canonical_rows(facts_in_any_order(batch)) == canonical_rows(facts_of(batch))


@given(batch=batches())
def test_the_python_oracle_agrees_on_waits_routes_and_allocation(facts_of, batch):
    """A third voice from the spec tables (tests/cwt/oracle.py): every fact's days and route, and
    each record's 62-day provider rows."""
    by_id = {r["record_id"]: r for r in batch}
    shares: dict[str, Counter] = defaultdict(Counter)
    for row in facts_of(batch):
        record = by_id[row["record_id"]]
        assert row["days"] == oracle.waits(record)[row["measure"]], row
        assert row["route"] == (None if row["measure"] == "31d" else oracle.route(record)), row
        if row["measure"] == "62d":
            shares[row["record_id"]][(row["provider"], row["share"], row["allocation"], row["scenario"])] += 1
    for record_id, got in shares.items():
        assert got == Counter(oracle.shares_62d(by_id[record_id])), record_id


@pytest.mark.spark
@pytest.mark.parity
@settings(max_examples=8)
@given(batch=batches(max_size=30))
def test_duckdb_and_spark_agree_on_generated_records(batch):
    """docs/decisions/0001: the same facts and the same rejections on both engines (fewer examples:
    each starts Spark jobs)."""
    assert_parity(evaluate, CWT, batch)
    assert_parity(lambda records: evaluate(records, in_record_order=False), CWT, batch)
    assert_parity(rejected, CWT, batch)


def _outcomes(facts: list[dict[str, Any]]) -> dict[tuple[str, str], bool]:
    return {
        (row["record_id"], row["measure"]): row["within"] for row in facts if row["measure"] in ("31d", "62d")
    }
