"""Hypothesis properties of the risk models (issue #10 item 7): the risk stays in [0, 1]; PLCOm2012
rises with smoking duration and intensity; LLP rises with duration; and the cohort rule on each
engine gives the same risk as the one-person function for the same inputs (docs/decisions/0012)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cancer_alliance.engine import EngineName, open_engine
from cancer_alliance.lung.inputs import fields, input_columns
from cancer_alliance.lung.models import add_risk, risk

from .spec.conftest import frame_of

pytestmark = pytest.mark.property

RACES = [
    "white",
    "black",
    "hispanic",
    "asian",
    "american_indian_alaska_native",
    "native_hawaiian_pacific_islander",
]
flag = st.integers(0, 1)


@st.composite
def plcom_people(draw: Any) -> dict[str, Any]:
    age = draw(st.integers(40, 90))
    duration = draw(st.floats(0, age - 20, allow_nan=False))
    status = draw(st.sampled_from(["current", "former"]))
    quit_years = 0.0 if status == "current" else draw(st.floats(0, age - duration, allow_nan=False))
    return {
        "age": age,
        "race": draw(st.sampled_from(RACES)),
        "education_level": draw(st.integers(1, 6)),
        "bmi": draw(st.floats(10, 90, allow_nan=False)),
        "copd": draw(flag),
        "personal_cancer_history": draw(flag),
        "family_history_lung_cancer": draw(flag),
        "smoking_status": status,
        "cigarettes_per_day": draw(st.floats(0.1, 100, allow_nan=False)),
        "smoking_duration_years": duration,
        "years_since_quit": quit_years,
    }


@st.composite
def llp_people(draw: Any) -> dict[str, Any]:
    age = draw(st.integers(20, 100))
    return {
        "sex": draw(st.sampled_from(["M", "F"])),
        "age": age,
        "smoking_duration_years": draw(st.floats(0, age / 2, allow_nan=False)),
        "pneumonia": draw(flag),
        "asbestos": draw(flag),
        "prior_malignancy": draw(flag),
        "family_history_onset": draw(st.sampled_from(["none", "early", "late"])),
    }


@st.composite
def nodules(draw: Any) -> dict[str, Any]:
    return {
        "age": draw(st.integers(18, 100)),
        "sex": draw(st.sampled_from(["M", "F"])),
        "family_history_lung_cancer": draw(flag),
        "emphysema": draw(flag),
        "nodule_size_mm": draw(st.floats(0.5, 100, allow_nan=False)),
        "nodule_type": draw(st.sampled_from(["solid", "part_solid", "non_solid"])),
        "upper_lobe": draw(flag),
        "nodule_count": draw(st.integers(1, 30)),
        "spiculation": draw(flag),
    }


PEOPLE = {
    "plcom2012": plcom_people(),
    "plcom2012_norace": plcom_people(),
    "llp_v2": llp_people(),
    "llp_v3": llp_people(),
    "brock": nodules(),
}


@pytest.mark.parametrize("model", sorted(PEOPLE))
def test_risk_is_a_probability(model):
    @given(person=PEOPLE[model])
    def check(person):
        assert 0.0 <= risk(model, person) <= 1.0

    check()


@pytest.mark.parametrize("model", ["plcom2012", "plcom2012_norace"])
@given(person=plcom_people(), more=st.floats(0.5, 20, allow_nan=False))
def test_plcom2012_rises_with_smoking_intensity(model, person, more):
    heavier = {**person, "cigarettes_per_day": person["cigarettes_per_day"] + more}
    assert risk(model, heavier) >= risk(model, person)


@pytest.mark.parametrize("model", ["plcom2012", "plcom2012_norace"])
@given(person=plcom_people(), more=st.floats(0.5, 10, allow_nan=False))
def test_plcom2012_rises_with_smoking_duration(model, person, more):
    longer = {**person, "smoking_duration_years": person["smoking_duration_years"] + more}
    assume(longer["smoking_duration_years"] + longer["years_since_quit"] <= longer["age"])
    assert risk(model, longer) >= risk(model, person)


@pytest.mark.parametrize("model", ["llp_v2", "llp_v3"])
@given(person=llp_people(), more=st.floats(0, 40, allow_nan=False))
def test_llp_rises_with_smoking_duration(model, person, more):
    longer = {**person, "smoking_duration_years": person["smoking_duration_years"] + more}
    assume(longer["smoking_duration_years"] <= longer["age"])
    assert risk(model, longer) >= risk(model, person)


class CompiledRule:
    """`add_risk` rendered once to DuckDB SQL over a table, run over any batch of people (rendering
    the rule per example would cost a second each; the SQL is the rule's own)."""

    def __init__(self, model: str) -> None:
        engine = open_engine("duckdb")
        self.connection = engine.session._conn
        self.model_fields = fields(model)
        self.identifier = input_columns(model)[0]
        self.table = f"lung_property_{model}"
        ddl = ", ".join(
            [f"{self.identifier} VARCHAR"]
            + [f"{f.name} {'VARCHAR' if f.kind == 'code' else 'DOUBLE'}" for f in self.model_fields]
        )
        self.connection.execute(f"CREATE OR REPLACE TABLE {self.table} ({ddl})")
        self.sql = add_risk(engine.session.table(self.table), model).sql(dialect="duckdb", optimize=False)

    def __call__(self, people: list[dict[str, Any]]) -> dict[str, float]:
        columns = {self.identifier: pa.array([str(i) for i in range(len(people))])}
        for f in self.model_fields:
            kind = pa.string() if f.kind == "code" else pa.float64()
            columns[f.name] = pa.array(
                [p[f.name] if f.kind == "code" else float(p[f.name]) for p in people], kind
            )
        self.connection.execute(f"DELETE FROM {self.table}")
        self.connection.register("lung_property_batch", pa.table(columns))
        self.connection.execute(f"INSERT INTO {self.table} SELECT * FROM lung_property_batch")
        self.connection.unregister("lung_property_batch")
        result = self.connection.execute(self.sql)
        names = [column[0] for column in result.description]
        rows = [dict(zip(names, values, strict=True)) for values in result.fetchall()]
        return {row[self.identifier]: row["risk"] for row in rows}


def _assert_equal(scored: dict[str, float], people: list[dict[str, Any]], model: str) -> None:
    for i, person in enumerate(people):
        assert scored[str(i)] == pytest.approx(risk(model, person), rel=1e-12, abs=1e-15), (model, person)


@pytest.mark.parametrize("model", sorted(PEOPLE))
def test_duckdb_rule_equals_the_one_person_function(model):
    """The same inputs give the same risk from the DataFrame rule on DuckDB as from the one-person
    function, to 1e-12 relative: the equation is shared, only pow/exp rounding may differ."""
    rule = CompiledRule(model)

    @given(people=st.lists(PEOPLE[model], min_size=1, max_size=40))
    def check(people):
        _assert_equal(rule(people), people, model)

    check()


@pytest.mark.spark
@pytest.mark.parametrize("model", sorted(PEOPLE))
def test_spark_rule_equals_the_one_person_function(model):
    """As on DuckDB, through the full rule on Spark (fewer examples: Spark is slow to start a job)."""
    engine = open_engine(EngineName.spark)

    @settings(max_examples=5)
    @given(people=st.lists(PEOPLE[model], min_size=1, max_size=40))
    def check(people):
        identifier = input_columns(model)[0]
        rows = [{identifier: str(i), **person} for i, person in enumerate(people)]
        result = engine.rows(add_risk(frame_of(engine, model, rows), model))
        _assert_equal({row[identifier]: row["risk"] for row in result}, people, model)

    check()
