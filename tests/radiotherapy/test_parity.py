"""DuckDB and Spark give the same compliance table on generated courses and linacs (decision 0001,
Compliance); and on DuckDB, invariants that hold for any input (Hypothesis): a network's counts are
its providers' sums, no numerator exceeds its denominator, a status is met only at the threshold."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cancer_alliance.engine import EngineName, open_engine
from cancer_alliance.engine.parity import canonical_rows
from cancer_alliance.radiotherapy import compliance
from cancer_alliance.reference.radiotherapy_networks import Membership
from cancer_alliance.schemas import schema

COURSE, LINAC = schema("radiotherapy_course"), schema("linac")
PROVIDERS = ("PA", "PB", "PC", "PD")
MEMBERS = [
    Membership("N1", "PA", "lead", None, None, False, "test"),
    Membership("N1", "PB", "member", None, None, False, "test"),
    Membership("N2", "PC", "lead", None, None, False, "test"),
]
AS_OF = dt.date(2024, 4, 1)
DAY0 = dt.date(2022, 1, 1)


def courses(rng: random.Random, n: int) -> list[dict]:
    rows = []
    for i in range(n):
        dose, fractions = rng.choice([(26.0, 5), (40.0, 15), (60.0, 20), (74.0, 37), (8.0, 1)])
        rows.append(
            {
                "course_id": f"c{i}",
                "nhs_number": "pseudonym",
                "provider_code": rng.choice(PROVIDERS),
                "age": rng.choice([None, 16, 18, 70]),
                "icd10": rng.choice(["C50.9", "C61", "C34.1", None]),
                "intent": rng.choice(["radical", "radical", "palliative", None]),
                "technique": rng.choice(["imrt", "conventional", "sabr", "brachytherapy", None]),
                "start_date": DAY0 + dt.timedelta(days=rng.randrange(900)),
                "prescribed_dose_gy": dose,
                "fractions": fractions,
            }
        )
    return rows


def linacs(rng: random.Random, n: int) -> list[dict]:
    rows = []
    for i in range(n):
        commissioned = dt.date(2009, 1, 1) + dt.timedelta(days=rng.randrange(5500))
        rows.append(
            {
                "linac_id": f"l{i}",
                "provider_code": rng.choice(PROVIDERS),
                "commissioned_date": commissioned,
                "last_upgrade_date": rng.choice([None, commissioned + dt.timedelta(days=2000)]),
                "decommissioned_date": rng.choice([None, None, commissioned + dt.timedelta(days=4000)]),
                "delivers_imrt": rng.random() < 0.8,
                "delivers_igrt": rng.random() < 0.8,
                "delivers_sabr": rng.random() < 0.3,
            }
        )
    return rows


def table(engine, course_rows, linac_rows, as_of=AS_OF):
    result = compliance(
        engine.frame(COURSE, course_rows),
        engine.frame(LINAC, linac_rows),
        as_of,
        members=MEMBERS,
        network_codes=["N1", "N2", "N3"],
    )
    return engine.rows(result)


@pytest.mark.spark
@pytest.mark.parametrize("seed", [1, 2])
def test_duckdb_and_spark_agree(seed):
    rng = random.Random(seed)
    course_rows, linac_rows = courses(rng, 300), linacs(rng, 30)
    duck = table(open_engine(EngineName.duckdb), course_rows, linac_rows)
    spark = table(open_engine(EngineName.spark), course_rows, linac_rows)
    assert len(duck) > 40
    assert canonical_rows(duck) == canonical_rows(spark)


@settings(max_examples=15)  # each example builds the whole query in SQLFrame (about 1 s); seeds vary the data
@given(seed=st.integers(0, 10_000), n=st.integers(0, 60), m=st.integers(0, 8))
def test_networks_sum_their_providers_and_statuses_follow_the_values(seed, n, m):
    rng = random.Random(seed)
    rows = table(open_engine(EngineName.duckdb), courses(rng, n), linacs(rng, m))
    providers = {(r["code"], r["requirement_id"]): r for r in rows if r["level"] == "provider"}
    networks = [r for r in rows if r["level"] == "network" and r["denominator"] is not None]
    for row in networks:
        members = [m.provider_code for m in MEMBERS if m.network_code == row["code"]]
        parts = [providers.get((p, row["requirement_id"])) for p in members]
        if all(parts):
            assert row["numerator"] == sum(p["numerator"] for p in parts)
            assert row["denominator"] == sum(p["denominator"] for p in parts)
    for row in rows:
        if row["denominator"] is not None:
            assert 0 <= row["numerator"] <= row["denominator"]
        assert (row["status"] == "no_data") == (row["value"] is None)
    assert Counter(r["requirement_id"] for r in rows if r["requirement_id"] == "one_network") == Counter(
        {"one_network": len({r["code"] for r in rows if r["level"] == "provider"})}
    )
