"""Engine sessions and the parity helper (docs/decisions/0001)."""

from __future__ import annotations

import datetime as dt

import pytest

from cancer_alliance.engine import EngineName, default_engine_name, functions, open_engine
from cancer_alliance.engine.parity import assert_parity, canonical_rows
from cancer_alliance.schemas import schema

pytestmark = pytest.mark.over_connect  # the engine tests also run over Spark Connect (docs/decisions/0034)

CWT = schema("cwt")


def days_to_first_seen(frame):
    """A tiny rule written only against the PySpark API, as every rule is."""
    F = functions(frame)
    return frame.select(
        "record_id",
        F.datediff("date_first_seen", "referral_received_date").alias("days"),
        F.date_format("date_first_seen", "yyyy-MM").alias("month"),
    )


ROWS = [
    {
        "record_id": "r1",
        "nhs_number": "x",
        "referral_received_date": dt.date(2019, 6, 3),
        "date_first_seen": dt.date(2019, 6, 17),
    },
    {
        "record_id": "r2",
        "nhs_number": "y",
        "referral_received_date": dt.date(2024, 2, 1),
        "date_first_seen": dt.date(2024, 3, 1),
    },
    {"record_id": "r3", "nhs_number": "z"},
]


def test_frame_has_the_schema_columns_and_a_rule_runs(engine):
    frame = engine.frame(CWT, ROWS)
    assert frame.columns == CWT.column_names
    got = {row["record_id"]: (row["days"], row["month"]) for row in engine.rows(days_to_first_seen(frame))}
    assert got == {"r1": (14, "2019-06"), "r2": (29, "2024-03"), "r3": (None, None)}


def test_read_parquet_file_and_folder(engine, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = tmp_path / "lake"
    folder.mkdir()
    pq.write_table(pa.table({"a": [1, 2]}), folder / "part-1.parquet")
    pq.write_table(pa.table({"a": [3]}), folder / "part-2.parquet")
    assert sorted(r["a"] for r in engine.rows(engine.read_parquet(folder))) == [1, 2, 3]
    assert [r["a"] for r in engine.rows(engine.read_parquet(folder / "part-2.parquet"))] == [3]


def test_functions_refuses_a_non_engine_object():
    with pytest.raises(TypeError, match="not an engine DataFrame"):
        functions([1, 2])


def test_default_engine_follows_the_environment(monkeypatch):
    monkeypatch.delenv("ALLIANCE_ENGINE", raising=False)
    assert default_engine_name() == EngineName.duckdb
    monkeypatch.setenv("ALLIANCE_ENGINE", "spark")
    assert default_engine_name() == EngineName.spark
    monkeypatch.setenv("ALLIANCE_ENGINE", "polars")
    with pytest.raises(ValueError, match="ALLIANCE_ENGINE='polars'"):
        default_engine_name()


def test_open_engine_gives_one_session_per_engine():
    assert open_engine("duckdb") is open_engine(EngineName.duckdb)


@pytest.mark.spark
@pytest.mark.parity
def test_a_rule_gives_identical_output_on_duckdb_and_spark():
    result = assert_parity(days_to_first_seen, CWT, ROWS)
    assert len(result.duckdb) == 3


@pytest.mark.spark
@pytest.mark.parity
def test_parity_helper_reports_a_difference():
    def engine_dependent(frame):
        F = functions(frame)
        label = "duck" if type(frame).__module__.startswith("sqlframe") else "spark"
        return frame.select("record_id", F.lit(label).alias("engine"))

    with pytest.raises(AssertionError, match="engines disagree"):
        assert_parity(engine_dependent, CWT, ROWS)


def test_canonical_rows_ignores_order_and_float_noise():
    a = [{"x": 1, "y": 0.1 + 0.2}, {"x": 2, "y": 1.0}]
    b = [{"y": 1.0, "x": 2}, {"y": 0.3, "x": 1}]
    assert canonical_rows(a) == canonical_rows(b)
