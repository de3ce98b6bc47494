"""No combination of the public bowel screening figures gives a withheld count away (issue 22,
docs/decisions/0054).

A signed-out visitor reads, through the real API routes, an alliance's row, its CCGs' rows and its
months' rows (`/api/bowel-screening/alliances/{code}`, `.../ccgs`, `.../months`). They know that the
alliance is the sum of its CCGs and of its months (through the CCG-by-month counts, never shown), that
every count is a sum of disjoint groups of people (invited only, screened negative, positive not
investigated, investigated with another outcome, cancer, high-risk adenoma), what each published
figure's rounding allows (a published 10 is a raw 8 to 12, 0 is 0) and that a `[c]` is 1 to 7 when
withheld as small and above 7 when withheld as a complement (the visitor is granted which). For each
withheld count, HiGHS as an integer programme (`scipy.optimize.milp`) over the CCG-by-month groups
finds its range from the figures the API gave: at least 4 wide for a small count, more than one value
for a complement, except where the refresh reports that nothing more could be withheld.

Sources: GSS, *Statistical Disclosure Control* guidance (differencing between a total and its parts);
Hundepool et al., *Handbook on Statistical Disclosure Control* (the audit of a suppression pattern by
linear programming); NHS Digital's HES disclosure control (1 to 7 withheld, the rest rounded to 5).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from cancer_alliance.fit import published
from cancer_alliance.fit.rules import COUNT_COLUMNS
from cancer_alliance.results import catalogue
from cancer_alliance.stats.disclosure import DisclosurePolicy
from cancer_alliance.stats.secondary_suppression import figure_range, protect_nested, small
from cancer_alliance.web import WebSettings, create_app
from cancer_alliance.web.settings import find_node_modules

pytestmark = pytest.mark.web

EAST = "E56000009"
CCGS = ("E38000007", "E38000010", "E38000026")
MONTHS = ("2019-01", "2019-02")
INTERIOR = [(c, m) for c in CCGS for m in MONTHS]
POLICY = DisclosurePolicy()
#: The groups of people each count adds up (`fit.published.GROUPS`, restated from `fit.rules`).
GROUPS = {
    "invited": (0, 1, 2, 3, 4, 5),
    "screened": (1, 2, 3, 4, 5),
    "positive": (2, 3, 4, 5),
    "investigated": (3, 4, 5),
    "cancers": (4,),
    "high_risk_adenomas": (5,),
}


@st.composite
def people(draw) -> dict[tuple[str, str], tuple[int, ...]]:
    """People in each group per CCG and month: small, so that withholding and rounding bite."""
    return {cell: tuple(draw(st.integers(0, 6)) for _ in range(6)) for cell in INTERIOR}


def counts_of(groups: tuple[int, ...]) -> dict[str, int]:
    return {name: sum(groups[q] for q in members) for name, members in GROUPS.items()}


def write_results(results: Path, raw: dict[tuple[str, str], tuple[int, ...]], *, complements: bool) -> None:
    """The alliance's fit_alliance, fit_ccg and fit_month as the refresh writes them, with the
    complements (`complements=False`: none, to show the leak they stop)."""
    rows = pd.DataFrame(
        [
            {"alliance_code": EAST, "ccg_code": c, "invitation_month": m, **counts_of(g)}
            for (c, m), g in raw.items()
        ]
    )
    for name, by in (("fit_alliance", []), ("fit_ccg", ["ccg_code"]), ("fit_month", ["invitation_month"])):
        summed = rows.groupby(["alliance_code", *by])[list(COUNT_COLUMNS)].sum().reset_index()
        summed.assign(median_days_result_to_test=np.nan).to_parquet(
            catalogue.path(results, name), index=False
        )
    if complements:
        published.COMPLEMENTS.write(results)
    else:
        empty = pd.DataFrame(columns=list(published.WITHHELD_COLUMNS))
        empty.to_parquet(catalogue.path(results, "fit_withheld"), index=False)


def read_public(home: Path) -> dict[tuple[str, str, str], float | None]:
    """(level, code, count) -> the figure a signed-out visitor reads from the API (None: `[c]`)."""
    client = TestClient(
        create_app(WebSettings(home=home, secret_key="test-secret", node_modules=find_node_modules()))
    )
    found = {}
    for level, path, column in (
        ("alliance", "", None),
        ("ccg", "/ccgs", "ccg_code"),
        ("month", "/months", "invitation_month"),
    ):
        response = client.get(f"/api/bowel-screening/alliances/{EAST}{path}")
        assert response.status_code == 200, response.text
        for row in response.json()["rows"]:
            for name in COUNT_COLUMNS:
                found[(level, row[column] if column else "", name)] = row[name]
    return found


def members(level: str, code: str) -> list[int]:
    """Positions in INTERIOR of the CCG-by-month cells a public row adds up."""
    return [i for i, (c, m) in enumerate(INTERIOR) if level == "alliance" or code in (c, m)]


def withheld_ranges(
    shown: dict[tuple[str, str, str], float | None], truth: dict[tuple[str, str, str], int]
) -> dict[tuple[str, str, str], tuple[float, float]]:
    """Each withheld figure's integer range given every figure read (variables: the people in each
    group of each CCG-by-month cell, at least 0)."""
    n = len(INTERIOR) * 6
    rows, low, high = [], [], []
    for figure, value in shown.items():
        level, code, name = figure
        a = np.zeros(n)
        a[[i * 6 + q for i in members(level, code) for q in GROUPS[name]]] = 1
        withheld = value is None
        lo, hi = figure_range(truth[figure], withheld and not small(truth[figure], POLICY), POLICY, 1.0)
        if not withheld:
            assert lo <= truth[figure] <= hi and value == published_value(truth[figure]), figure
        rows.append(a)
        low.append(lo)
        high.append(hi)
    constraint = LinearConstraint(np.array(rows), low, high)
    ranges = {}
    for (figure, value), a in zip(shown.items(), rows, strict=True):
        if value is not None:
            continue
        ends = []
        for sign in (1, -1):
            found = milp(sign * a, constraints=constraint, integrality=np.ones(n), bounds=Bounds(0, np.inf))
            ends.append(math.inf * -sign if found.status == 3 or found.fun is None else sign * found.fun)
        ranges[figure] = (ends[0], ends[1])
    return ranges


def published_value(value: int) -> float:
    return math.floor(value / POLICY.round_to + 0.5) * POLICY.round_to


def truth_of(raw: dict[tuple[str, str], tuple[int, ...]]) -> dict[tuple[str, str, str], int]:
    found = {}
    for level, codes in (("alliance", [""]), ("ccg", CCGS), ("month", MONTHS)):
        for code in codes:
            summed = np.sum([raw[INTERIOR[i]] for i in members(level, code)], axis=0)
            for name, value in counts_of(tuple(summed)).items():
                found[(level, code, name)] = value
    return found


def narrowed(home: Path, raw: dict[tuple[str, str], tuple[int, ...]], *, complements: bool) -> list[str]:
    """The withheld figures a visitor can narrow below the rule, other than those the refresh reports
    it could not widen."""
    results = (home / "results").resolve()
    write_results(results, raw, complements=complements)
    truth = truth_of(raw)
    shown = read_public(home)
    assert shown.keys() == truth.keys()
    tables = {
        name: pd.read_parquet(catalogue.path(results, name)) for name, _ in published.PUBLIC_TABLES.values()
    }
    [(_, table)] = list(published.public_tables(tables))
    left = {(*key, name) for key, name in protect_nested(table, POLICY).exposed}
    found = []
    for figure, (low, high) in withheld_ranges(shown, truth).items():
        needed = POLICY.round_to - 1 if small(truth[figure], POLICY) else 1
        if high - low < needed and figure not in left:
            found.append(f"{figure} = {truth[figure]}: {low:g} to {high:g}")
    return found


#: Cancers found in January: 13 in the first CCG, 8 in the second, 1 in the third (everyone invited
#: here had a cancer found). The alliance's 22 is published as 20 (a raw 18 to 22), the CCGs' as 15 (13
#: to 17) and 10 (8 to 12): the third CCG's withheld count is at most 22 - 13 - 8 = 1, so it is 1.
LEAK = {
    **{cell: (0, 0, 0, 0, 0, 0) for cell in INTERIOR},
    (CCGS[0], MONTHS[0]): (0, 0, 0, 0, 13, 0),
    (CCGS[1], MONTHS[0]): (0, 0, 0, 0, 8, 0),
    (CCGS[2], MONTHS[0]): (0, 0, 0, 0, 1, 0),
}


def test_without_complements_a_visitor_pins_a_withheld_count(web_home):
    found = narrowed(web_home, LEAK, complements=False)
    assert f"('ccg', '{CCGS[2]}', 'cancers') = 1: 1 to 1" in found


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(raw=LEAK)
@given(raw=people())
def test_no_combination_of_public_figures_gives_a_withheld_count_away(web_home, raw):
    assert narrowed(web_home, raw, complements=True) == []


def test_results_written_before_the_complements_file_get_them_decided_when_read(web_home):
    """A generation from before `fit_disclosure` (no `fit_withheld`): the pages, the API and the board
    pack's reader decide the same complements from the public tables."""
    results = (web_home / "results").resolve()
    write_results(results, LEAK, complements=True)
    with_file = read_public(web_home)
    chosen = pd.read_parquet(catalogue.path(results, "fit_withheld"))
    assert not chosen.empty
    catalogue.path(results, "fit_withheld").unlink()
    assert read_public(web_home) == with_file
    pd.testing.assert_frame_equal(published.COMPLEMENTS.read(results), chosen, check_dtype=False)
