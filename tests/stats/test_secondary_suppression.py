"""Secondary suppression of tables whose totals and parts are both published (docs/decisions/0051).
Sources: GSS, *Statistical Disclosure Control* guidance (differencing between a total and its parts is
a disclosure); Hundepool et al., *Handbook on Statistical Disclosure Control*, tabular data (secondary
cell suppression, its audit by linear programming, feasibility intervals).

Tables are generated in the shape of the CWT public tables: England, alliances of trusts, trusts
with counts by cancer type (hidden), cancer types. The properties:

- after `protect`, HiGHS as an integer programme (`scipy.optimize.milp`) finds no withheld figure
  with a range narrower than the policy allows (the refresh's own audit is not trusted for this),
  except those `protect` reports it could not widen because every cell that could is withheld
  already (parts of at least 1 each bound a withheld total from below);
- the refresh's fast audit (bounds consistency) never reports a range narrower than linear
  programming finds, so a complement it asks for is needed (it may report a wider one: that is why
  `protect` ends with linear programming; `wide_by_bounds` is a table where it does);
- complements are only ever added: a published cell's figures are its primary-control figures;
- the same table gives the same complements.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from cancer_alliance.stats.disclosure import DisclosurePolicy
from cancer_alliance.stats.secondary_suppression import (
    Cell,
    Relation,
    Table,
    audit,
    exact_audit,
    figure_range,
    figure_ranges,
    protect,
    verified_audit,
    withheld_figures,
)

pytestmark = pytest.mark.property

POLICY = DisclosurePolicy()
MIN_RANGE = POLICY.round_to - 1


def cwt_like(interior: dict[tuple[str, str, str], tuple[int, int]]) -> Table:
    """A table from (alliance, trust, cancer type) -> (total, within) with the CWT public relations."""
    cells: dict[tuple, list[int]] = {}

    def add(key, total, within):
        cells.setdefault(key, [0, 0])
        cells[key][0] += total
        cells[key][1] += within

    relations: dict[tuple, set] = {}
    for (alliance, trust, tumour), (total, within) in interior.items():
        if total == 0:
            continue
        hidden = ("provider_tumour_type", (trust, tumour))
        for key in (
            ("england", ""),
            ("alliance", alliance),
            ("provider", trust),
            ("tumour_type", tumour),
            hidden,
        ):
            add(key, total, within)
        for parent, part in (
            (("england", ""), ("alliance", alliance)),
            (("alliance", alliance), ("provider", trust)),
            (("england", ""), ("tumour_type", tumour)),
            (("provider", trust), hidden),
            (("tumour_type", tumour), hidden),
        ):
            relations.setdefault((parent, part[0]), set()).add(part)
    return Table(
        tuple(
            Cell(k, float(t), float(w), shown=k[0] != "provider_tumour_type") for k, (t, w) in cells.items()
        ),
        tuple(Relation(parent, tuple(sorted(parts))) for (parent, _), parts in sorted(relations.items())),
    )


TRUSTS = {"A1": "A", "A2": "A", "A3": "A", "B1": "B", "B2": "B"}
TUMOURS = ("Breast", "Lung", "Skin")


@st.composite
def tables(draw) -> Table:
    interior = {}
    for trust, alliance in TRUSTS.items():
        for tumour in draw(st.sets(st.sampled_from(TUMOURS), min_size=1, max_size=2)):
            total = draw(st.integers(0, 14))
            interior[(alliance, trust, tumour)] = (total, draw(st.integers(0, total)))
    return cwt_like(interior)


#: The draw of tests/web/test_published_everywhere.py's LEAK for February, shaped as a table: England
#: 22, RGT 13 and RTX 8 published leave RGN's withheld 1 pinned without complements.
LEAK = cwt_like(
    {("EAST", "RGT", "Breast"): (13, 6), ("EAST", "RGN", "Lung"): (1, 0), ("LANCS", "RTX", "Breast"): (8, 6)}
)


def milp_range(table: Table, chosen: set, key, quantity: str) -> tuple[float, float]:
    """The integer range of one figure by HiGHS's branch and bound (whole patients)."""
    cells = list(table.cells)
    index = {c.key: i for i, c in enumerate(cells)}
    n = len(cells)
    low, high = np.zeros(2 * n), np.full(2 * n, np.inf)
    for i, cell in enumerate(cells):
        if cell.shown:
            for j, value, withheld in (
                (0, cell.total, cell.key in chosen),
                (1, cell.within, cell.key in chosen and cell.within != 0),
            ):
                low[2 * i + j], high[2 * i + j] = figure_range(value, withheld, POLICY, 1.0)
    rows = []
    for relation in table.relations:
        for j in (0, 1):
            row = np.zeros(2 * n)
            row[2 * index[relation.total] + j] = 1
            for part in relation.parts:
                row[2 * index[part] + j] -= 1
            rows.append((row, 0, 0))
    for i in range(n):
        row = np.zeros(2 * n)
        row[2 * i + 1], row[2 * i] = 1, -1
        rows.append((row, -np.inf, 0))
    constraint = LinearConstraint(
        np.array([r for r, _, _ in rows]), [lo for _, lo, _ in rows], [hi for _, _, hi in rows]
    )
    objective = np.zeros(2 * n)
    i = index[key]
    objective[2 * i] = quantity in ("total", "breaches")
    objective[2 * i + 1] = {"total": 0, "within": 1, "breaches": -1}[quantity]
    ends = []
    for sign in (1, -1):
        found = milp(
            sign * objective, constraints=constraint, integrality=np.ones(2 * n), bounds=Bounds(low, high)
        )
        ends.append(math.inf * -sign if found.status == 3 or found.fun is None else sign * found.fun)
    return ends[0], ends[1]


def _required(value: float) -> float:
    """A small count must be as uncertain as a rounded one; any other withheld count (a complement, a
    breaches count of 0) must not be exact."""
    return MIN_RANGE if 0 < value <= POLICY.suppress_up_to else 1


def test_the_leak_is_found_and_closed():
    before = exact_audit(LEAK, set(), POLICY)
    assert before.ranges[(("provider", "RGN"), "total")] == (1.0, 1.0)
    found = protect(LEAK, POLICY)
    assert found.complements  # some published cell had to be withheld
    for (key, quantity), value in withheld_figures(LEAK.cells, set(found.complements), POLICY).items():
        low, high = milp_range(LEAK, set(found.complements), key, quantity)
        assert high - low >= _required(value), (key, quantity, low, high)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(table=LEAK)
@given(table=tables())
def test_after_protection_no_withheld_figure_is_pinned_by_an_integer_programme(table):
    found = protect(table, POLICY)
    chosen = set(found.complements)
    for (key, quantity), value in withheld_figures(table.cells, chosen, POLICY).items():
        low, high = milp_range(table, chosen, key, quantity)
        if (key, quantity) in found.exposed:  # nothing left to withhold around it
            assert found.audit.ranges[(key, quantity)] == (low, high)
            continue
        assert high - low >= _required(value), (key, quantity, value, low, high, sorted(chosen))


#: England 13 (published 15), alliance A's one trust 4 (withheld), B = B1 1 + B2 8 and Breast = B1 + B2
#: published 10: B equals Breast (B's trusts treat breast cancer only), which bounds consistency over
#: one relation at a time does not see (B up to 15), linear programming does (up to 12).
WIDE_BY_BOUNDS = cwt_like(
    {("A", "A3", "Lung"): (4, 0), ("B", "B1", "Breast"): (1, 0), ("B", "B2", "Breast"): (8, 0)}
)


def test_bounds_consistency_can_be_wider_than_linear_programming_which_protect_ends_with():
    chosen = {("alliance", "B"), ("provider", "B2")}
    assert audit(WIDE_BY_BOUNDS, chosen, POLICY).ranges[(("alliance", "B"), "total")] == (9, 15)
    assert exact_audit(WIDE_BY_BOUNDS, chosen, POLICY).ranges[(("alliance", "B"), "total")] == (9, 12)
    assert milp_range(WIDE_BY_BOUNDS, chosen, ("alliance", "B"), "total") == (9, 12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=tables(), data=st.data())
def test_the_refresh_audit_never_reports_a_range_narrower_than_linear_programming(table, data):
    cells = [c for c in table.cells if c.shown and c.total > POLICY.suppress_up_to]
    chosen = set(data.draw(st.sets(st.sampled_from([c.key for c in cells]))) if cells else set())
    fast, exact = audit(table, chosen, POLICY).ranges, exact_audit(table, chosen, POLICY).ranges
    assert fast.keys() == exact.keys()
    for figure, (low, high) in exact.items():
        assert fast[figure][0] <= low and high <= fast[figure][1], (figure, fast[figure], (low, high))
    verified = verified_audit(table, chosen, POLICY).ranges  # the refresh's linear programme
    assert all(exact[figure] == found for figure, found in verified.items())


@settings(max_examples=40, deadline=None)
@given(table=tables())
def test_published_cells_keep_their_primary_figures_and_the_choice_is_deterministic(table):
    first = protect(table, POLICY)
    again = protect(Table(tuple(reversed(table.cells)), tuple(reversed(table.relations))), POLICY)
    assert first.complements == protect(table, POLICY).complements == again.complements
    chosen = set(first.complements)
    primary = withheld_figures(table.cells, set(), POLICY)
    after = withheld_figures(table.cells, chosen, POLICY)
    assert set(primary) <= set(after)  # nothing withheld is shown again
    for key, quantity in set(after) - set(primary):  # only complements' figures are added
        assert key in chosen, (key, quantity)
    for key in chosen:
        cell = next(c for c in table.cells if c.key == key)
        assert cell.shown and cell.total > POLICY.suppress_up_to  # never a hidden or a small cell


@pytest.mark.parametrize(
    ("value", "withheld", "expected"),
    [
        (0, False, (0, 0)),  # a published 0 is exactly 0
        (3, False, (1, 7)),  # small: withheld by primary control
        (8, False, (8, 12)),  # published 10: 7.5 to 12.5 -> 8 to 12
        (13, False, (13, 17)),  # published 15
        (23, True, (8, math.inf)),  # a complement: above the threshold
        (0, True, (0, 0)),  # never chosen (complements are above the threshold), but a 0 stays 0
    ],
)
def test_what_a_reader_knows_of_a_count(value, withheld, expected):
    assert figure_range(value, withheld, POLICY, 1.0) == expected


@pytest.mark.parametrize("unit", [1.0, 0.5])
def test_the_layouts_ranges_of_many_counts_are_each_counts_range(unit):
    """`figure_ranges` (the audits' layouts, all counts at once) agrees with `figure_range` on every
    count from 0 to 60 in steps of `unit`, published or withheld."""
    values = np.arange(0, 60 + unit, unit)
    for withheld in (False, True):
        low, high = figure_ranges(values, np.full(values.shape, withheld), POLICY, unit)
        expected = [figure_range(v, withheld, POLICY, unit) for v in values]
        assert list(zip(low.tolist(), high.tolist(), strict=True)) == expected
