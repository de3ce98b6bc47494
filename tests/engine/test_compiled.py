"""Compiled rules (docs/decisions/0033): the SQL built once gives the same rows as the rule itself on
any later input, is reused across calls and processes, and is rebuilt when the code or data change."""

from __future__ import annotations

import datetime as dt

import pytest

from cancer_alliance.engine import Engine, EngineName, functions, open_engine
from cancer_alliance.engine import compiled as compiled_module
from cancer_alliance.engine.compiled import compiled

DDL = "record_id string, days int, provider string"
built: list[str] = []


def waits(frame, limit: int, *, lookup=None):
    """A small rule with a filter, an aggregate and an optional second input; counts its builds."""
    F = functions(frame)
    built.append("waits")
    counted = frame.groupBy("provider").agg(
        F.count(F.lit(1)).alias("total"), F.sum((F.col("days") <= limit).cast("int")).alias("within")
    )
    if lookup is not None:
        counted = counted.join(lookup, on="provider", how="left")
    return counted.orderBy("provider")


compiled_waits = compiled(waits)


def frame(engine: Engine, rows: list[tuple], ddl: str = DDL):
    return engine.session.createDataFrame(rows, schema=ddl)


@pytest.fixture(autouse=True)
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(compiled_module.CACHE_VARIABLE, str(tmp_path / "plans"))
    compiled_module._memory.clear()
    built.clear()
    return tmp_path / "plans"


@pytest.mark.parametrize(
    "records",
    [
        [("a", 10, "RAJ"), ("b", 20, "RAJ"), ("c", 5, "RBA")],
        [("d", 40, "RBA"), ("e", None, None)],
        [],
    ],
)
def test_compiled_rule_gives_the_rules_own_rows(engine: Engine, records) -> None:
    direct = engine.rows(waits(frame(engine, records), 14))
    assert engine.rows(compiled_waits(frame(engine, records), 14)) == direct


def test_sql_is_built_once_per_schema_and_arguments(engine: Engine) -> None:
    first = engine.rows(compiled_waits(frame(engine, [("a", 10, "RAJ")]), 14))
    second = engine.rows(compiled_waits(frame(engine, [("b", 30, "RAJ"), ("c", 1, "RBA")]), 14))
    other_limit = engine.rows(compiled_waits(frame(engine, [("b", 30, "RAJ")]), 31))
    assert first == [{"provider": "RAJ", "total": 1, "within": 1}]
    assert second == [
        {"provider": "RAJ", "total": 1, "within": 0},
        {"provider": "RBA", "total": 1, "within": 1},
    ]
    assert other_limit == [{"provider": "RAJ", "total": 1, "within": 1}]
    # DuckDB builds once per (schema, limit); Spark plans every call in the JVM.
    assert len(built) == (2 if engine.name == EngineName.duckdb else 3)


def test_a_new_schema_builds_again(engine: Engine) -> None:
    compiled_waits(frame(engine, [("a", 10, "RAJ")]), 14)
    wider = frame(engine, [("a", 10, "RAJ", "x")], DDL + ", note string")
    assert engine.rows(compiled_waits(wider, 14)) == [{"provider": "RAJ", "total": 1, "within": 1}]
    assert len(built) == 2


def test_keyword_frames_are_inputs(engine: Engine) -> None:
    lookup = frame(engine, [("RAJ", "North")], "provider string, region string")
    result = compiled_waits(frame(engine, [("a", 10, "RAJ")]), 14, lookup=lookup)
    assert engine.rows(result) == [{"provider": "RAJ", "total": 1, "within": 1, "region": "North"}]
    other = frame(engine, [("RAJ", "South")], "provider string, region string")
    result = compiled_waits(frame(engine, [("a", 99, "RAJ")]), 14, lookup=other)
    assert engine.rows(result) == [{"provider": "RAJ", "total": 1, "within": 0, "region": "South"}]


def test_stored_sql_is_reused_by_a_new_process_and_dropped_when_the_code_changes(
    fresh_cache, monkeypatch
) -> None:
    engine = open_engine(EngineName.duckdb)  # Spark plans in the JVM; nothing is stored
    compiled_waits(frame(engine, [("a", 10, "RAJ")]), 14)
    assert len(list(fresh_cache.glob("*.sql"))) == 1
    compiled_module._memory.clear()  # as a new process would start
    compiled_waits(frame(engine, [("b", 20, "RAJ")]), 14)
    assert len(built) == 1
    compiled_module._memory.clear()
    monkeypatch.setattr(compiled_module, "fingerprint", lambda: "other code")
    result = compiled_waits(frame(engine, [("b", 20, "RAJ")]), 14)
    assert engine.rows(result) == [{"provider": "RAJ", "total": 1, "within": 0}]
    assert len(built) == 2


def test_results_stay_bound_to_their_own_inputs(engine: Engine) -> None:
    early = compiled_waits(frame(engine, [("a", 10, "RAJ")]), 14)
    compiled_waits(frame(engine, [("b", 90, "RBA")]), 14)
    assert engine.rows(early) == [{"provider": "RAJ", "total": 1, "within": 1}]


class Opaque:
    """An argument whose repr shows its address, not its value."""

    def __init__(self, limit: int) -> None:
        self.limit = limit


def opaque_waits(frame, limit: Opaque):
    return waits(frame, limit.limit)


def test_an_argument_without_a_value_repr_is_never_keyed(fresh_cache) -> None:
    engine = open_engine(EngineName.duckdb)
    compiled_opaque = compiled(opaque_waits)
    assert engine.rows(compiled_opaque(frame(engine, [("a", 20, "RAJ")]), Opaque(14))) == [
        {"provider": "RAJ", "total": 1, "within": 0}
    ]
    assert engine.rows(compiled_opaque(frame(engine, [("a", 20, "RAJ")]), Opaque(31))) == [
        {"provider": "RAJ", "total": 1, "within": 1}
    ]
    assert len(built) == 2 and not list(fresh_cache.glob("*.sql"))


@compiled
def busy(counted):
    """A second rule over `waits` output: the providers with at least two records."""
    return counted.where(functions(counted).col("total") >= 2)


def test_a_compiled_result_feeds_another_compiled_rule(engine: Engine) -> None:
    records = [("a", 10, "RAJ"), ("b", 20, "RBA"), ("c", 5, "RBA")]
    direct = engine.rows(busy.__wrapped__(waits(frame(engine, records), 14)))
    assert engine.rows(busy(compiled_waits(frame(engine, records), 14))) == direct
    assert direct == [{"provider": "RBA", "total": 2, "within": 1}]


def open_on(frame, census, label: str):
    """A rule with a bound date: the records started on or before `census`, with the census and a label."""
    F = functions(frame)
    built.append("open_on")
    day = F.lit(census)
    return frame.where(F.col("start") <= day).select(
        "record_id", day.alias("census"), F.lit(label).alias("label")
    )


compiled_open_on = compiled(open_on, parameter="census")
STARTS = "record_id string, start date"


def test_a_bound_date_reuses_the_sql_for_every_date(engine: Engine) -> None:
    records = [("a", dt.date(2019, 1, 1)), ("b", dt.date(2019, 3, 31)), ("c", dt.date(2019, 4, 1))]
    for census in (dt.date(2019, 3, 31), dt.date(2019, 4, 1), dt.date(1901, 2, 3)):
        direct = engine.rows(open_on(frame(engine, records, STARTS), census, "x"))
        assert (
            engine.rows(compiled_open_on(frame(engine, records, STARTS), census=census, label="x")) == direct
        )
    assert [row["record_id"] for row in direct] == []  # the stand-in date is an ordinary date
    # DuckDB builds once, with its two stand-in dates; the direct calls above build each time.
    assert built.count("open_on") == (3 + 2 if engine.name == EngineName.duckdb else 6)


def by_year(frame, census):
    """A rule that reads the date in Python: its SQL holds the year, so the date cannot be bound."""
    return frame.select("record_id", functions(frame).lit(census.year).alias("year"))


def test_a_date_used_other_than_as_a_literal_is_refused(fresh_cache) -> None:
    engine = open_engine(EngineName.duckdb)
    with pytest.raises(ValueError, match="other than through the date's literal"):
        compiled(by_year, parameter="census")(
            frame(engine, [("a", dt.date(2019, 1, 1))], STARTS), dt.date(2019, 3, 31)
        )
    with pytest.raises(TypeError, match="must be a date"):
        compiled_open_on(frame(engine, [], STARTS), "2019-03-31", "x")
