"""Invariants of the performance tables (breach allocation [S31], CWT reporting conventions [S1, S31]; style
guide §1: Hypothesis properties),
on each engine: within + breaches = total in every aggregate; provider tables add up to England;
the order of the facts does not matter; tables from `fine_counts` equal tables from the facts."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from fact_tables import FACT_DDL, FACT_TYPES
from hypothesis import given, settings
from hypothesis import strategies as st

from cancer_alliance.cwt.performance import fine_counts, performance
from cancer_alliance.engine.parity import canonical_rows
from cancer_alliance.schemas import schema

MONTHS = ("2019-03", "2021-09", "2023-09", "2023-10", "2026-03")
PROVIDERS = ("RA7", "RBK", "RVJ01", "XX9", None)
#: Diagnoses of the records the facts belong to (record ids a..h), for grouping by tumour type.
DIAGNOSES = dict(
    zip("abcdefgh", ("C34.1", "C50.9", "C61", "C18.7", "C43.5", None, "D05.1", "C91.0"), strict=True)
)


@st.composite
def fact(draw: st.DrawFn) -> dict:
    measure = draw(st.sampled_from(("2ww", "fds", "31d", "62d")))
    route = {
        "2ww": st.sampled_from(("usc", "breast_symptomatic")),
        "fds": st.sampled_from(("usc", "breast_symptomatic", "screening")),
        "31d": st.none(),
        "62d": st.sampled_from(("usc", "breast_symptomatic", "screening", "upgrade")),
    }[measure]
    is_31d = measure == "31d"
    month = draw(st.sampled_from(MONTHS))
    year, number = (int(part) for part in month.split("-"))
    return {
        "record_id": draw(st.sampled_from("abcdefgh")),
        "measure": measure,
        "route": draw(route),
        "treatment_stage": draw(st.sampled_from(("first", "subsequent"))) if is_31d else None,
        "modality_group": draw(st.sampled_from(("surgery", "drug", "radiotherapy", "other")))
        if is_31d
        else None,
        "within": draw(st.booleans()),
        # As `evaluate` gives them: the reporting month is the clock stop's (facts contract).
        "clock_stop": dt.date(year, number, draw(st.integers(1, 28))),
        "reporting_month": month,
        "provider": draw(st.sampled_from(PROVIDERS)),
        "share": draw(st.sampled_from((0.0, 0.5, 1.0))) if measure == "62d" else 1.0,
    }


facts_lists = st.lists(fact(), min_size=1, max_size=25)
frameworks = st.sampled_from(("2018", "2023", "auto"))


def examples(engine) -> int:
    """Spark runs each example as a job, so it gets a few; DuckDB more (derandomised either way)."""
    return 10 if engine.name == "duckdb" else 3


def frame(engine, rows: list[dict]):
    return engine.session.createDataFrame(
        [tuple(row.get(name) for name in FACT_TYPES) for row in rows], FACT_DDL
    )


def test_within_plus_breaches_is_total_in_every_aggregate(engine):
    @settings(max_examples=examples(engine), deadline=None)
    @given(rows=facts_lists, standards=frameworks)
    def check(rows, standards):
        for row in engine.rows(performance(frame(engine, rows), ["month", "provider"], standards)):
            assert row["within"] + row["breaches"] == row["total"]
            assert 0 <= row["within"] <= row["total"]
            assert (row["performance"] is None) == (row["total"] == 0)
            assert (row["total"] * 2) % 1 == 0  # whole half-patients

    check()


def test_providers_add_up_to_england(engine):
    @settings(max_examples=examples(engine), deadline=None)
    @given(rows=facts_lists, standards=frameworks)
    def check(rows, standards):
        facts = frame(engine, rows)
        summed = defaultdict(lambda: [0.0, 0.0])
        for row in engine.rows(performance(facts, ["month", "provider"], standards)):
            key = (row["standard_id"], row["reporting_month"])
            summed[key][0] += row["total"]
            summed[key][1] += row["within"]
        national = {
            (row["standard_id"], row["reporting_month"]): [row["total"], row["within"]]
            for row in engine.rows(performance(facts, ["month"], standards))
        }
        assert dict(summed) == national

    check()


def test_shuffled_facts_give_the_same_table(engine):
    @settings(max_examples=examples(engine), deadline=None)
    @given(rows=facts_lists, standards=frameworks, seed=st.integers(0, 2**16))
    def check(rows, standards, seed):
        shuffled = rows[:]
        random.Random(seed).shuffle(shuffled)
        by = ["month", "alliance", "route"]
        first = engine.rows(performance(frame(engine, rows), by, standards))
        second = engine.rows(performance(frame(engine, shuffled), by, standards))
        assert first == second  # same rows in the same (sorted) order

    check()


def test_tables_from_fine_counts_equal_tables_from_the_facts(engine):
    """One pass over the facts (`fine_counts`) serves every grouping: same rows as from the facts."""
    records = engine.frame(
        schema("cwt"),
        [{"record_id": key, "primary_diagnosis_icd10": icd} for key, icd in DIAGNOSES.items()],
    )
    groupings = (["month"], ["month", "provider"], ["month", "alliance"], ["month", "tumour_type"], ["route"])

    @settings(max_examples=examples(engine), deadline=None)
    @given(rows=facts_lists, standards=frameworks)
    def check(rows, standards):
        facts = frame(engine, rows)
        counted = fine_counts(facts, records)
        for by in groupings:
            direct = engine.rows(performance(facts, by, standards, records=records))
            assert canonical_rows(engine.rows(performance(counted, by, standards))) == canonical_rows(direct)

    check()
