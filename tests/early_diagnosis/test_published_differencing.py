"""No combination of the public early diagnosis figures from the lake gives a withheld count away
(issue 22, docs/decisions/0056).

A signed-out visitor reads, through the page query of the alliance and trust pages
(`web.queries.lake_early_diagnosis`), every alliance's and every trust's counts. They know that each
registration has an alliance (of residence) and a diagnosing trust, so that England is the sum of the
alliances and of the trusts, and, where every patient of a trust lives in its alliance (the synthetic
lake), that an alliance is the sum of its trusts; that every count is a sum of disjoint groups of
registrations (stage category by route category: `counts.registration_counts` and the NDRS stage
roles); what each published figure's rounding allows; and that a `[c]` is 1 to 7 when withheld as small
and above 7 when withheld as a complement (the visitor is granted which). For each withheld count,
HiGHS as an integer programme (`scipy.optimize.milp`) over the groups of every (alliance, trust) cell
finds its range: at least 4 wide for a small count, more than one value for a complement, except where
the refresh reports that nothing more could be withheld.

Sources: GSS, *Statistical Disclosure Control* guidance (differencing between a total and its parts);
Hundepool et al., *Handbook on Statistical Disclosure Control* (the audit of a suppression pattern by
linear programming); NHS Digital's HES disclosure control (1 to 7 withheld, the rest rounded to 5).
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.optimize import LinearConstraint
from tests.integer_ranges import integer_range

from cancer_alliance.early_diagnosis import published
from cancer_alliance.early_diagnosis.counts import COUNT_COLUMNS
from cancer_alliance.early_diagnosis.metrics import metrics
from cancer_alliance.results import catalogue
from cancer_alliance.results.reader import Results
from cancer_alliance.stats.disclosure import DisclosurePolicy
from cancer_alliance.stats.secondary_suppression import Nested, Row, figure_range, protect_nested, small
from cancer_alliance.web.presenters.early_diagnosis import lake_values
from cancer_alliance.web.queries import lake_early_diagnosis
from cancer_alliance.web.scope import Viewer

#: Two alliances and trusts that the 2018/19 reference mapping puts in them.
TRUSTS = {"E56000009": ("RAJ", "RC1", "RC9"), "E56000010": ("RJ1", "RJ2")}
ALLIANCES = tuple(TRUSTS)
HOME = {t: a for a, trusts in TRUSTS.items() for t in trusts}
#: Every (alliance of residence, diagnosing trust) cell: the variables of the visitor's programme.
CELLS = tuple((a, t) for a in ALLIANCES for t in HOME)
POLICY = DisclosurePolicy()
G = 15
#: The groups of registrations each count adds up (`published.GROUPS`, restated from the definitions:
#: group 3 * stage + route; stage 0 no stage site group, 1 early, 2 staged not early, 3 missing,
#: 4 unstageable; route 0 emergency, 1 other known, 2 unknown).
GROUPS = {
    "registrations": tuple(range(G)),
    "stageable": tuple(q for q in range(G) if q // 3 >= 1),
    "stage_early": tuple(q for q in range(G) if q // 3 == 1),
    "stage_staged": tuple(q for q in range(G) if q // 3 in (1, 2)),
    "stage_missing": tuple(q for q in range(G) if q // 3 == 3),
    "stage_unstageable": tuple(q for q in range(G) if q // 3 == 4),
    "emergency": tuple(q for q in range(G) if q % 3 == 0),
    "route_known": tuple(q for q in range(G) if q % 3 in (0, 1)),
}
Raw = dict[tuple[str, str], tuple[int, ...]]


@st.composite
def registrations(draw) -> Raw:
    """Registrations in each group per cell: small, so that withholding and rounding bite; either every
    patient lives in the diagnosing trust's alliance (the synthetic lake) or some live elsewhere."""
    at_home = draw(st.booleans())
    return {
        (a, t): tuple(draw(st.integers(0, 2)) for _ in range(G)) if HOME[t] == a or not at_home else (0,) * G
        for a, t in CELLS
    }


def counts_of(groups) -> dict[str, int]:
    return {name: int(sum(groups[q] for q in members)) for name, members in GROUPS.items()}


def members(level: str, code: str) -> list[int]:
    """Positions in CELLS of the cells a public row adds up."""
    return [i for i, (a, t) in enumerate(CELLS) if code == (a if level == "alliance" else t)]


def truth_of(raw: Raw) -> dict[tuple[str, str, str], int]:
    found = {}
    for level, codes in (("alliance", ALLIANCES), ("trust", tuple(HOME))):
        for code in codes:
            summed = np.sum([raw[CELLS[i]] for i in members(level, code)], axis=0)
            for name, value in counts_of(summed).items():
                found[(level, code, name)] = value
    return found


def tables_of(raw: Raw) -> dict[str, pd.DataFrame]:
    """The lake's early_diagnosis_alliance and _trust as the refresh writes them (rows with no
    registration left out)."""
    truth = truth_of(raw)
    found = {}
    for level, (name, column) in published.PUBLIC_TABLES.items():
        codes = ALLIANCES if level == "alliance" else tuple(HOME)
        rows = [{column: c, **{n: truth[(level, c, n)] for n in COUNT_COLUMNS}} for c in codes]
        frame = pd.DataFrame([r for r in rows if r["registrations"] > 0], columns=[column, *COUNT_COLUMNS])
        frame = frame.astype({n: "int64" for n in COUNT_COLUMNS})
        found[name] = metrics(
            frame.assign(diagnosed_from=pd.Timestamp("2018-04-01"), diagnosed_to=pd.Timestamp("2019-03-31"))
        )
    return found


def write_results(results: Path, raw: Raw, *, complements: bool) -> None:
    """The public tables of `raw` and their complements (`complements=False`: none, to show the leak
    they stop) in the folder `results`."""
    for name, frame in tables_of(raw).items():
        frame.to_parquet(catalogue.path(results, name), index=False)
    if not complements:
        none = pd.DataFrame(columns=list(published.WITHHELD_COLUMNS))
        none.to_parquet(catalogue.path(results, "early_diagnosis_withheld"), index=False)
        return
    published.COMPLEMENTS.write(results)


def read_public(
    home: Path, truth: dict[tuple[str, str, str], int]
) -> dict[tuple[str, str, str], float | None]:
    """(level, code, count) -> the figure a signed-out visitor reads (None: `[c]`); a page with no
    figures says the organisation had no registration (0)."""
    results = Results(home)
    found: dict[tuple[str, str, str], float | None] = {}
    for level, code, name in truth:
        row = lake_early_diagnosis(results, Viewer(None), level, code)
        if row is None:
            found[(level, code, name)] = 0.0
        else:
            found[(level, code, name)] = None if row[f"{name}_suppressed"] else float(row[name])
    return found


def withheld_ranges(
    shown: dict[tuple[str, str, str], float | None], truth: dict[tuple[str, str, str], int], at_home: bool
) -> dict[tuple[str, str, str], tuple[float, float]]:
    """Each withheld figure's integer range given every figure read (variables: the registrations in
    each group of each cell, at least 0; a cell is 0 where every patient lives in the trust's alliance)."""
    n = len(CELLS) * G
    rows, low, high = [], [], []
    for figure, value in shown.items():
        level, code, name = figure
        a = np.zeros(n)
        a[[i * G + q for i in members(level, code) for q in GROUPS[name]]] = 1
        withheld = value is None
        lo, hi = figure_range(truth[figure], withheld and not small(truth[figure], POLICY), POLICY, 1.0)
        if not withheld:
            assert value == math.floor(truth[figure] / POLICY.round_to + 0.5) * POLICY.round_to, figure
        rows.append(a)
        low.append(lo)
        high.append(hi)
    upper = np.full(n, np.inf)
    if at_home:
        for i, (a_code, t) in enumerate(CELLS):
            if HOME[t] != a_code:
                upper[i * G : (i + 1) * G] = 0
    constraint = LinearConstraint(np.array(rows), low, high)
    ranges = {}
    for (figure, value), a in zip(shown.items(), rows, strict=True):
        if value is not None:
            continue
        ranges[figure] = integer_range(a, constraint, upper)
    return ranges


def narrowed(raw: Raw, *, complements: bool) -> list[str]:
    """The withheld figures a visitor can narrow below the rule, other than those the refresh reports
    it could not widen."""
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        (home / "results").mkdir()
        write_results(home / "results", raw, complements=complements)
        truth = truth_of(raw)
        shown = read_public(home, truth)
        tables = {
            name: pd.read_parquet(catalogue.path(home / "results", name))
            for name, _ in published.PUBLIC_TABLES.values()
        }
    left = {
        (*key, name)
        for table in published.public_tables(tables, published.trust_mappings())
        for key, name in published.protection(table, POLICY).exposed
    }
    at_home = all(raw[(a, t)] == (0,) * G for a, t in CELLS if HOME[t] != a)
    found = []
    for figure, (low, high) in withheld_ranges(shown, truth, at_home).items():
        needed = POLICY.round_to - 1 if small(truth[figure], POLICY) else 1
        if high - low < needed and figure not in left:
            found.append(f"{figure} = {truth[figure]}: {low:g} to {high:g}")
    return found


def only(trust_people: dict[str, int]) -> Raw:
    """Emergency presentations of a site with no stage group (group 0) by trust, each patient living in
    the trust's alliance."""
    return {
        (a, t): ((trust_people.get(t, 0),) + (0,) * (G - 1)) if HOME[t] == a else (0,) * G for a, t in CELLS
    }


#: Emergency presentations at the first alliance's trusts: 13, 8 and 1, all living in the alliance.
#: The alliance's 22 is published as 20 (a raw 18 to 22), the trusts' as 15 (13 to 17) and 10 (8 to
#: 12): the third trust's withheld count is at most 22 - 13 - 8 = 1, so it is 1.
LEAK = only({"RAJ": 13, "RC1": 8, "RC9": 1, "RJ1": 20, "RJ2": 20})


def test_without_complements_a_visitor_pins_a_withheld_count():
    found = narrowed(LEAK, complements=False)
    assert "('trust', 'RC9', 'emergency') = 1: 1 to 1" in found


def test_the_refresh_withholds_a_complement_for_the_hand_worked_case():
    with tempfile.TemporaryDirectory() as folder:
        results = Path(folder)
        write_results(results, LEAK, complements=True)
        chosen = pd.read_parquet(catalogue.path(results, "early_diagnosis_withheld"))
    assert len(chosen) > 0
    assert set(chosen["level"]) <= {"alliance", "trust"}


@settings(max_examples=12, deadline=None)
@example(raw=LEAK)
@given(raw=registrations())
def test_no_combination_of_public_figures_gives_a_withheld_count_away(raw):
    assert narrowed(raw, complements=True) == []


def test_each_alliance_is_a_table_of_its_own_only_while_its_trusts_add_up_to_it():
    apart = published.public_tables(tables_of(LEAK), published.trust_mappings())
    shown = [{row.key for row in table.rows if row.shown} for table in apart]
    assert {("alliance", "E56000009"), *(("trust", t) for t in TRUSTS["E56000009"])} in shown
    assert all(table.relations == () for table in apart if published.ENGLAND in {r.key for r in table.rows})
    elsewhere = {**LEAK, ("E56000010", "RAJ"): (1,) + (0,) * (G - 1)}  # a patient of RAJ lives elsewhere
    [linked] = published.public_tables(tables_of(elsewhere), published.trust_mappings())
    assert [r.total for r in linked.relations] == [published.ENGLAND, published.ENGLAND]


def test_the_page_shows_a_withheld_count_and_the_share_that_needs_it_as_c():
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        (home / "results").mkdir()
        write_results(home / "results", LEAK, complements=True)
        values = lake_values(lake_early_diagnosis(Results(home), Viewer(None), "trust", "RC9"))
    assert values["emergency_count"] == values["route_known"] == values["emergency"] == "[c]"
    assert values["staged"] == "0"


def test_a_row_whose_stage_counts_narrow_each_other_gets_another_of_its_counts_withheld():
    """A trust of the demo alone: stageable 36 and staged 33, both published as 35 (a raw 33 to 37),
    leave stage missing (2) plus unstageable (1) at 2 to 4 (at most 37 - 33), so each withheld count is
    1 to 3 until another count of the row is withheld."""
    counts = (36, 36, 15, 33, 2, 1, 3, 36)
    row = Row(("trust", "RJL"), tuple(float(v) for v in counts))
    table = Nested(COUNT_COLUMNS, published.GROUPS, (row,), ())
    alone = protect_nested(table, POLICY)
    assert set(alone.exposed) == {(row.key, "stage_missing"), (row.key, "stage_unstageable")}
    assert alone.complements == ()
    found = published.protection(table, POLICY)
    assert found.exposed == ()
    assert found.complements and all(key == row.key for key, _ in found.complements)
