"""The `check` fixture: courses and linacs as small ASCII tables (style guide §1: blank = null, T/F
booleans, values typed by the canonical schemas), the compliance rule run on the current engine and
its rows compared with the expected table. Networks, leads and requirements are given per test so a
table stays small; they default to the packaged reference data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from tests.cwt.spec.tables import header, multiset, parse_table, render

from cancer_alliance.engine import Engine, EngineName
from cancer_alliance.radiotherapy import compliance
from cancer_alliance.radiotherapy.compliance import DEFAULT_SETTINGS, ComplianceSettings
from cancer_alliance.reference.radiotherapy_networks import Membership, requirements
from cancer_alliance.schemas import schema

COURSE = schema("radiotherapy_course")
LINAC = schema("linac")
COURSE_TYPES = {c.name: c.storage_type for c in COURSE.columns}
LINAC_TYPES = {c.name: c.storage_type for c in LINAC.columns}
OUTPUT_TYPES = {
    "level": "string",
    "code": "string",
    "requirement_id": "string",
    "numerator": "double",
    "denominator": "double",
    "value": "double",
    "threshold": "double",
    "status": "string",
}
COURSE_BASE = {
    "course_id": "c",
    "nhs_number": "pseudonym-0001",
    "intent": "radical",
    "technique": "imrt",
    "age": 60,
}
NO_LINACS = """
    linac_id | provider_code | commissioned_date
    ---------+---------------+------------------
"""
NO_COURSES = """
    course_id | provider_code | start_date
    ----------+---------------+-----------
"""


def networks(*rows: tuple[str, str, str]) -> list[Membership]:
    """(network, provider, role) rows in force throughout."""
    return [Membership(n, p, role, None, None, False, "test") for n, p, role in rows]


def chosen(*ids: str) -> list[Any]:
    """The packaged requirements with these ids (their thresholds and dates as shipped)."""
    found = [r for r in requirements() if r.requirement_id in ids]
    assert {r.requirement_id for r in found} == set(ids)
    return found


@pytest.fixture
def check(engine: Engine) -> Callable[..., list[dict[str, Any]]]:
    def run(
        expected: str,
        *,
        as_of: dt.date,
        courses: str = NO_COURSES,
        linacs: str = NO_LINACS,
        members: Sequence[Membership],
        network_codes: Sequence[str],
        requirement_ids: Sequence[str],
        cwt_facts: Any = None,
        settings: ComplianceSettings = DEFAULT_SETTINGS,
    ) -> list[dict[str, Any]]:
        course_rows = [
            {**COURSE_BASE, **row, "course_id": f"c{i}"}
            for i, row in enumerate(parse_table(courses, COURSE_TYPES))
        ]
        result = compliance(
            engine.frame(COURSE, course_rows),
            engine.frame(LINAC, parse_table(linacs, LINAC_TYPES)),
            as_of,
            cwt_facts=cwt_facts,
            chosen=chosen(*requirement_ids),
            members=members,
            network_codes=network_codes,
            settings=settings,
        )
        if engine.name == EngineName.duckdb:
            assert result.sql(optimize=False), "the rule must render as SQL"
        got = engine.rows(result)
        columns = header(expected)
        want = parse_table(expected, OUTPUT_TYPES)
        assert multiset(got, columns) == multiset(want, columns), (
            f"{engine.name}: got\n{render(got, columns)}\nexpected\n{render(want, columns)}"
        )
        return got

    return run
