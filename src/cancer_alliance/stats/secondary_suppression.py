"""Secondary (complementary) suppression of a table whose totals and parts are both published
(docs/decisions/0051).

Primary control (`stats.disclosure.publish`) withholds each count of 1 to 7 and rounds the rest to 5,
cell by cell. A reader who also knows that a total is the sum of its parts (England of its alliances, an
alliance of its trusts) can narrow a withheld count by differencing: England 20 (a raw 18-22) with two
of its three trusts at 15 (13-17) and 10 (8-12) leaves the third at most 1. Statistical agencies stop
this by withholding further, published cells ("complementary" or "secondary" suppression; Hundepool et
al., Statistical Disclosure Control, 2012, chapter 4; tau-argus), audited by linear programming: for
each withheld figure the smallest and largest value consistent with every published figure and every
additive relation.

The attacker of the audit knows, for each withheld figure, whether it was withheld as small (its raw
value is then 1 to the threshold) or as a complement (above the threshold; complements are chosen
only among cells with a count above the threshold), every published figure's rounding interval, that
`within` is at most `total`, and each relation. A withheld figure is protected when its feasible range
is at least `min_range` wide (by default `round_to - 1`: as uncertain as a published, rounded count).

Two audits give the ranges. `audit`, used by the refresh, narrows every figure's bounds by each
relation in turn until nothing changes (bounds consistency), with each relation stated for total,
within and breaches alike and each cell's total the sum of its within and breaches: no solver, about
a millisecond a table. `exact_audit` solves two linear programmes per withheld figure with HiGHS
(`scipy.optimize.linprog`, a test-time dependency): the constraints are those of a network flow
(totals flow from England down two trees, alliances then trusts, and cancer types; each cell's flow
splits into within and breaches), so the matrix is totally unimodular and the linear optimum over
integer bounds is a whole number, i.e. the integer range. The tests check that the two agree and
that, after `protect`, HiGHS as an integer programme (`scipy.optimize.milp`) pins no withheld figure.

Counts in half patients (a shared CWT pathway counts 0.5 to each provider) are audited in halves.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from cancer_alliance.stats.disclosure import DisclosurePolicy

Key = Hashable
QUANTITIES = ("total", "within", "breaches")
#: Stands for "no upper bound" in a range (a complement's count above the threshold).
UNBOUNDED = math.inf


@dataclass(frozen=True)
class Cell:
    """One row of a table: its raw counts and whether the viewer sees it at all (a row no page shows,
    such as trusts with no alliance, is a free, non-negative part of its relations)."""

    key: Key
    total: float
    within: float
    shown: bool = True


@dataclass(frozen=True)
class Relation:
    """`total` is the sum of `parts`, for both counts (total and within)."""

    total: Key
    parts: tuple[Key, ...]


@dataclass(frozen=True)
class Table:
    """An independent table (one standard and month of the CWT public tables)."""

    cells: tuple[Cell, ...]
    relations: tuple[Relation, ...]

    def __post_init__(self) -> None:
        keys = [c.key for c in self.cells]
        if len(set(keys)) != len(keys):
            raise ValueError("duplicate cell keys")
        known = set(keys)
        for relation in self.relations:
            if relation.total not in known or not set(relation.parts) <= known:
                raise ValueError(f"relation over unknown cells: {relation}")

    @cached_property
    def cell_of(self) -> dict[Key, Cell]:
        return {c.key: c for c in self.cells}

    @cached_property
    def relations_of(self) -> dict[Key, tuple[int, ...]]:
        """Each cell's relations (their positions), as their total or one of their parts."""
        found: dict[Key, list[int]] = {}
        for i, relation in enumerate(self.relations):
            for key in dict.fromkeys((relation.total, *relation.parts)):
                found.setdefault(key, []).append(i)
        return {key: tuple(positions) for key, positions in found.items()}


@dataclass(frozen=True)
class Audit:
    """Feasible (lowest, highest) of each withheld figure, by (cell key, quantity)."""

    ranges: dict[tuple[Key, str], tuple[float, float]] = field(default_factory=dict)
    solves: int = 0
    #: The raw value of each withheld figure.
    values: dict[tuple[Key, str], float] = field(default_factory=dict)

    def exposed(self, min_range: float, threshold: float) -> list[tuple[Key, str]]:
        """The withheld figures whose range is narrower than `min_range` (a small count: above 0, up to
        `threshold`), or that are pinned to one value (any other withheld count: a complement, or a
        breaches count of 0, publishable as rounded but not exactly), in a fixed order."""
        return [
            k
            for k, (low, high) in self.ranges.items()
            if high - low < (min_range if 0 < self.values[k] <= threshold else 1) - 1e-9
        ]


def _layout(table: Table) -> tuple[list[Cell], float, dict[Key, int]]:
    """The table's cells in a fixed order (so every audit of it is deterministic), its unit and each
    cell's position."""
    cells = sorted(table.cells, key=lambda c: repr(c.key))
    return cells, _unit(cells), {c.key: i for i, c in enumerate(cells)}


def _unit(cells: Iterable[Cell]) -> float:
    values = [v for c in cells for v in (c.total, c.within)]
    return 1.0 if all(float(v).is_integer() for v in values) else 0.5


def code_text(value: object) -> str:
    """A public table's row code as text: "" for a missing one (None or NaN: a part no page shows)."""
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def small(value: float, policy: DisclosurePolicy) -> bool:
    """Withheld by primary control: above 0 and up to the threshold."""
    return 0 < value <= policy.suppress_up_to


def shown_value(value: float, withheld: bool, policy: DisclosurePolicy) -> float | None:
    """The published count (None when withheld): primary control, then any complement."""
    if withheld or small(value, policy):
        return None
    return math.floor(value / policy.round_to + 0.5) * policy.round_to


def figure_range(value: float, withheld: bool, policy: DisclosurePolicy, unit: float) -> tuple[float, float]:
    """What the attacker knows of a count: a published r is r - base/2 up to (not including)
    r + base/2, above the threshold; a withheld small count is unit..threshold; a withheld complement
    is above the threshold."""
    threshold = policy.suppress_up_to
    if small(value, policy):
        return unit, math.floor(threshold / unit) * unit
    above = (math.floor(threshold / unit) + 1) * unit
    if withheld:
        return (0.0, 0.0) if value == 0 else (above, UNBOUNDED)
    published = shown_value(value, False, policy)
    if published == 0:
        return 0.0, 0.0
    half = policy.round_to / 2
    low = max(math.ceil((published - half) / unit) * unit, above)
    high = math.ceil((published + half) / unit) * unit - unit  # r + base/2 rounds up: excluded
    return low, high


def figure_ranges(
    values: np.ndarray, withheld: np.ndarray, policy: DisclosurePolicy, unit: float
) -> tuple[np.ndarray, np.ndarray]:
    """`figure_range` of many counts at once (arrays of the same shape), for the audits' layouts."""
    threshold, half = policy.suppress_up_to, policy.round_to / 2
    top = math.floor(threshold / unit) * unit
    above = top + unit
    published = np.floor(values / policy.round_to + 0.5) * policy.round_to
    low = np.maximum(np.ceil((published - half) / unit) * unit, above)
    high = np.ceil((published + half) / unit) * unit - unit
    is_small = (values > 0) & (values <= threshold)
    zero = (withheld & (values == 0)) | (~withheld & (published == 0))
    low = np.where(withheld, above, low)
    high = np.where(withheld, UNBOUNDED, high)
    low, high = np.where(zero, 0.0, low), np.where(zero, 0.0, high)
    return np.where(is_small, unit, low), np.where(is_small, top, high)


def withheld_figures(
    cells: Sequence[Cell], complements: set[Key], policy: DisclosurePolicy
) -> dict[tuple[Key, str], float]:
    """Each shown figure that the viewer sees as withheld: total and within when small or the cell is a
    complement (a within of 0 stays published), breaches when the published total minus within is not
    above the threshold (`cwt.published.publish_performance`)."""
    found: dict[tuple[Key, str], float] = {}
    for cell in cells:
        if not cell.shown:
            continue
        secondary = cell.key in complements
        total = shown_value(cell.total, secondary, policy)
        within = shown_value(cell.within, secondary and cell.within != 0, policy)
        if total is None:
            found[(cell.key, "total")] = cell.total
        if within is None:
            found[(cell.key, "within")] = cell.within
        if total is None or within is None or (total != 0 and total - within <= policy.suppress_up_to):
            found[(cell.key, "breaches")] = cell.total - cell.within
    return found


def exact_audit(table: Table, complements: set[Key], policy: DisclosurePolicy) -> Audit:
    """The feasible range of every withheld figure of `table` given every published one, by linear
    programming (HiGHS): two solves per figure."""
    from scipy.optimize import linprog  # a test-time dependency: the refresh uses `audit`
    from scipy.sparse import csr_array

    cells, unit, index = _layout(table)
    targets = withheld_figures(cells, complements, policy)
    if not targets:
        return Audit()
    n = len(cells)
    by_cell_low, by_cell_high = _bounds(cells, complements, policy, unit)
    low, high = by_cell_low[:, :2].ravel(), by_cell_high[:, :2].ravel()  # total, within of cell i at 2i, 2i+1
    rows, cols, data = [], [], []
    row = 0
    for relation in table.relations:  # total - sum(parts) = 0, for total and within
        for offset in (0, 1):
            rows.append(row)
            cols.append(2 * index[relation.total] + offset)
            data.append(1.0)
            for part in relation.parts:
                rows.append(row)
                cols.append(2 * index[part] + offset)
                data.append(-1.0)
            row += 1
    a_eq = csr_array((data, (rows, cols)), shape=(row, 2 * n)) if row else None
    b_eq = np.zeros(row) if row else None
    # within <= total
    a_ub = csr_array(
        (
            np.r_[np.ones(n), -np.ones(n)],
            (np.r_[np.arange(n), np.arange(n)], np.r_[2 * np.arange(n) + 1, 2 * np.arange(n)]),
        ),
        shape=(n, 2 * n),
    )
    b_ub = np.zeros(n)
    bounds = list(zip(low, np.where(np.isinf(high), None, high), strict=True))
    ranges: dict[tuple[Key, str], tuple[float, float]] = {}
    solves = 0
    for key, quantity in sorted(targets, key=lambda t: (repr(t[0]), QUANTITIES.index(t[1]))):
        c = np.zeros(2 * n)
        i = index[key]
        if quantity in ("total", "breaches"):
            c[2 * i] = 1.0
        if quantity in ("within", "breaches"):
            c[2 * i + 1] = -1.0 if quantity == "breaches" else 1.0
        ends = []
        for sign in (1.0, -1.0):
            solves += 1
            found = linprog(
                sign * c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs"
            )
            if found.status == 3:  # unbounded
                ends.append(-sign * UNBOUNDED)
            elif found.status != 0:
                raise RuntimeError(
                    f"disclosure audit: the published figures are inconsistent ({found.message})"
                )
            else:
                ends.append(round(sign * found.fun) * unit)
        ranges[(key, quantity)] = (ends[0], ends[1])
    return Audit(ranges, solves, targets)


def _candidates(table: Table, key: Key, complements: set[Key], policy: DisclosurePolicy) -> list[Cell]:
    """Cells that would widen `key`'s range if withheld, in the order they are tried: the other
    parts of each total `key` is part of, else those totals, else `key`'s own parts, else `key`; only
    shown, not yet withheld cells with a total above the threshold."""
    cells = table.cell_of

    def usable(k: Key) -> bool:
        cell = cells[k]
        return cell.shown and k not in complements and cell.total > policy.suppress_up_to

    mine = [table.relations[i] for i in table.relations_of.get(key, ())]
    parents = [r for r in mine if key in r.parts]
    tiers = [
        [k for r in parents for k in r.parts if k != key],
        [r.total for r in parents],
        [k for r in mine if r.total == key for k in r.parts],
        [key],
    ]
    for tier in tiers:
        found = sorted({k for k in tier if usable(k)}, key=lambda k: (cells[k].total, repr(k)))
        if found:
            return [cells[k] for k in found]
    return []


@dataclass(frozen=True)
class Protection:
    """The complements chosen for a table (in the order chosen) and the final audit."""

    complements: tuple[Key, ...]
    audit: Audit
    solves: int
    #: Figures still narrower than the policy allows because every cell that could widen them is
    #: withheld already (e.g. an England of 7 made of seven withheld parts, each at least 1).
    exposed: tuple[tuple[Key, str], ...] = ()


def protect(
    table: Table, policy: DisclosurePolicy | None = None, min_range: float | None = None
) -> Protection:
    """Complements for `table` until no withheld figure's range is narrower than `min_range`: each time
    the first exposed figure (in key order) gets the smallest candidate cell (`_candidates`) withheld.
    Deterministic: the same table gives the same complements."""
    policy = policy or DisclosurePolicy()
    return _protect(
        table,
        lambda chosen: audit(table, chosen, policy),
        lambda chosen, needed: verified_audit(table, chosen, policy, needed),
        policy,
        min_range,
    )


def _protect(
    table: Table,
    bounds: Callable[[set[Key]], Audit],
    linear: Callable[[set[Key], float], Audit],
    policy: DisclosurePolicy,
    min_range: float | None,
    cell_of: Callable[[tuple[Key, str]], Key] = lambda figure: figure[0],
    siblings: Callable[[Key, set[Key]], list[Key]] | None = None,
    already: frozenset[Key] = frozenset(),
) -> Protection:
    """The loop of `protect` over any audit pair: `bounds` (fast) until it finds nothing, then `linear`
    (linear programming) to check; `table` gives the candidates (`_candidates`) around the cell
    `cell_of` an exposed figure, else `siblings` (cells linked to it outside `table`'s relations).
    `already`: cells withheld as complements for another reason (another table's audit), audited as
    such and never returned."""
    if not policy.enabled:
        return Protection((), Audit(), 0)
    needed = policy.round_to - 1 if min_range is None else min_range
    chosen: list[Key] = list(already)
    solves = 0
    while True:
        found = bounds(set(chosen))
        exposed = found.exposed(needed, policy.suppress_up_to)
        added = _complements_for(table, [cell_of(f) for f in exposed], set(chosen), policy, siblings)
        if not added:  # bounds consistency may miss a narrowing: linear programming checks
            check = linear(set(chosen), needed)
            solves += check.solves
            missed = check.exposed(needed, policy.suppress_up_to)
            added = _complements_for(table, [cell_of(f) for f in missed], set(chosen), policy, siblings)
            if not added:  # protected, or nothing left to withhold around what is still exposed
                new = tuple(k for k in chosen if k not in already)
                return Protection(new, found, solves, tuple(dict.fromkeys([*exposed, *missed])))
        chosen += added


def _complements_for(
    table: Table,
    exposed: Sequence[Key],
    chosen: set[Key],
    policy: DisclosurePolicy,
    siblings: Callable[[Key, set[Key]], list[Key]] | None = None,
) -> list[Key]:
    """One pass: a complement for each cell with an exposed figure, in order, skipping a cell that is a
    part of a total already given a complement in this pass (that complement may be enough; the next
    audit says)."""
    added: list[Key] = []
    touched: set[int] = set()
    for key in exposed:
        mine = set(table.relations_of.get(key, ()))
        if mine & touched:
            continue
        candidates = [c.key for c in _candidates(table, key, chosen | set(added), policy)]
        if not candidates and siblings is not None:
            candidates = siblings(key, chosen | set(added))
        if candidates:
            pick = candidates[0]
            added.append(pick)
            touched |= mine | set(table.relations_of.get(pick, ()))
    return added


def _bounds(cells: Sequence[Cell], complements: set[Key], policy: DisclosurePolicy, unit: float):
    """Lower and upper bounds (in units) of total, within and breaches of each cell (n x 3)."""
    n = len(cells)
    low = np.zeros((n, 3))
    high = np.full((n, 3), np.inf)
    for i, cell in enumerate(cells):
        if not cell.shown:
            continue
        secondary = cell.key in complements
        for j, value, withheld in (
            (0, cell.total, secondary),
            (1, cell.within, secondary and cell.within != 0),
        ):
            lo, hi = figure_range(value, withheld, policy, unit)
            low[i, j], high[i, j] = lo / unit, hi / unit
    return low, high


def _split(low: np.ndarray, high: np.ndarray) -> bool:
    """Bounds consistency of total = within + breaches for every cell at once (flat arrays of
    total, within, breaches per cell), in place; whether anything changed."""
    lo, hi = low.reshape(-1, 3), high.reshape(-1, 3)
    before = (lo.copy(), hi.copy())
    for _ in range(2):
        lo[:, 0] = np.maximum(lo[:, 0], lo[:, 1] + lo[:, 2])
        hi[:, 0] = np.minimum(hi[:, 0], hi[:, 1] + hi[:, 2])
        for part, other in ((1, 2), (2, 1)):
            lo[:, part] = np.maximum(lo[:, part], lo[:, 0] - hi[:, other])
            hi[:, part] = np.minimum(hi[:, part], hi[:, 0] - lo[:, other])
    if (lo > hi).any():
        raise RuntimeError("disclosure audit: the published figures are inconsistent")
    return not (np.array_equal(before[0], lo) and np.array_equal(before[1], hi))


def _narrow(
    low: np.ndarray,
    high: np.ndarray,
    totals: np.ndarray,
    parts: np.ndarray,
    of: np.ndarray,
    split: Callable[[np.ndarray, np.ndarray], bool] = _split,
) -> None:
    """Bounds consistency of every relation at once (relation r: variable `totals[r]` is the sum of the
    variables `parts[of == r]`, `of` sorted), with `split` (by default `_split`, each cell's total =
    within + breaches), in place on the flat bound arrays, until nothing changes; RuntimeError when the
    published figures are inconsistent."""
    starts = np.flatnonzero(np.r_[True, of[1:] != of[:-1]]) if len(of) else np.array([], dtype=int)
    changed = True
    while changed:
        changed = split(low, high)
        if not len(of):
            continue
        before = (low.copy(), high.copy())
        lo, hi = low[parts], high[parts]
        infinite = np.isinf(hi)
        finite_hi = np.where(infinite, 0.0, hi)
        lo_sum = np.add.reduceat(lo, starts)
        hi_sum = np.add.reduceat(finite_hi, starts)
        n_inf = np.add.reduceat(infinite.astype(int), starts)
        np.maximum.at(low, totals, lo_sum)
        np.minimum.at(high, totals, np.where(n_inf > 0, np.inf, hi_sum))
        t_low, t_high = low[totals][of], high[totals][of]
        others_low = lo_sum[of] - lo
        others_high = np.where(n_inf[of] - infinite > 0, np.inf, hi_sum[of] - finite_hi)
        with np.errstate(invalid="ignore"):
            np.maximum.at(low, parts, np.where(np.isinf(others_high), -np.inf, t_low - others_high))
            np.minimum.at(high, parts, t_high - others_low)
        if (low > high).any():
            raise RuntimeError("disclosure audit: the published figures are inconsistent")
        changed = changed or not (np.array_equal(before[0], low) and np.array_equal(before[1], high))


def audit(table: Table, complements: set[Key], policy: DisclosurePolicy) -> Audit:
    """The range of every withheld figure of `table` by bounds consistency: each relation holds for
    total, within and breaches alike, and each cell's total is its within plus its breaches. Fast (no
    solver); on these tables as narrow as `exact_audit` (`tests/stats/test_secondary_suppression.py`
    compares them on generated tables)."""
    cells, unit, index = _layout(table)
    targets = withheld_figures(cells, complements, policy)
    if not targets:
        return Audit()
    low, high = (b.ravel() for b in _bounds(cells, complements, policy, unit))
    totals, parts, of = [], [], []
    for relation in table.relations:
        for j in range(3):
            of += [len(totals)] * len(relation.parts)
            parts += [3 * index[p] + j for p in relation.parts]
            totals.append(3 * index[relation.total] + j)
    _narrow(low, high, np.array(totals, dtype=int), np.array(parts, dtype=int), np.array(of, dtype=int))
    column = {q: j for j, q in enumerate(QUANTITIES)}
    ranges = {
        (key, q): (
            float(low[3 * index[key] + column[q]] * unit),
            float(high[3 * index[key] + column[q]] * unit),
        )
        for key, q in sorted(targets, key=lambda t: (repr(t[0]), QUANTITIES.index(t[1])))
    }
    return Audit(ranges, 0, targets)


def _model(table: Table, complements: set[Key], policy: DisclosurePolicy):
    """The table as one HiGHS linear programme (variables: total and within of each cell; rows: each
    relation for both counts, within <= total), with the cell index and the unit."""
    from scipy.sparse import csc_array

    cells, unit, index = _layout(table)
    n = len(cells)
    low, high = (b[:, :2].ravel() for b in _bounds(cells, complements, policy, unit))
    rows, cols, data, row_low, row_high = [], [], [], [], []
    for relation in table.relations:
        for offset in (0, 1):
            r = len(row_low)
            rows.append(r)
            cols.append(2 * index[relation.total] + offset)
            data.append(1.0)
            for part in relation.parts:
                rows += [r]
                cols += [2 * index[part] + offset]
                data += [-1.0]
            row_low.append(0.0)
            row_high.append(0.0)
    for i in range(n):  # within - total <= 0
        r = len(row_low)
        rows += [r, r]
        cols += [2 * i + 1, 2 * i]
        data += [1.0, -1.0]
        row_low.append(-np.inf)
        row_high.append(0.0)
    matrix = csc_array((data, (rows, cols)), shape=(len(row_low), 2 * n))
    solver, highs_core = _highs(matrix, low, high, np.array(row_low), np.array(row_high))
    return solver, highs_core, cells, index, unit


def _highs(matrix, col_low: np.ndarray, col_high: np.ndarray, row_low: np.ndarray, row_high: np.ndarray):
    """(solver, HiGHS core) of the linear programme row_low <= matrix x <= row_high, col_low <= x <=
    col_high (infinite bounds allowed; `matrix` a SciPy sparse array), set up for warm-started re-solves
    with changing costs."""
    from scipy.optimize._highspy import _core as highs_core  # HiGHS as SciPy ships it
    from scipy.sparse import csc_array

    matrix = csc_array(matrix)
    num_row, num_col = matrix.shape
    lp = highs_core.HighsLp()
    lp.num_col_, lp.num_row_ = num_col, num_row
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = num_col, num_row
    lp.a_matrix_.format_ = highs_core.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr
    lp.a_matrix_.index_ = matrix.indices
    lp.a_matrix_.value_ = matrix.data
    lp.col_cost_ = np.zeros(num_col)
    infinite = highs_core.kHighsInf
    lp.col_lower_ = np.clip(col_low, -infinite, infinite)
    lp.col_upper_ = np.clip(col_high, -infinite, infinite)
    lp.row_lower_ = np.clip(row_low, -infinite, infinite)
    lp.row_upper_ = np.clip(row_high, -infinite, infinite)
    solver = highs_core._Highs()
    solver.setOptionValue("output_flag", False)
    solver.setOptionValue("presolve", "off")
    solver.setOptionValue("solver", "simplex")
    solver.setOptionValue("simplex_strategy", 4)  # primal: the basis stays feasible when the cost changes
    solver.setOptionValue("threads", 1)
    solver.passModel(lp)
    return solver, highs_core


def _lp_ranges(
    solver,
    core,
    objectives: Sequence[tuple[tuple[Key, str], dict[int, float]]],
    unit: float,
    enough: Enough | None = None,
) -> tuple[dict[tuple[Key, str], tuple[float, float]], int]:
    """(lowest and highest of each objective, in units of `unit`; the number of solves), each solved
    from the previous basis (a tenth of a millisecond a solve instead of milliseconds). With `enough`,
    a range whose first end is already that far from the figure's value (`Enough`) is not solved
    further."""
    ranges: dict[tuple[Key, str], tuple[float, float]] = {}
    solves = 0
    previous: list[int] = []
    for target, coefficients in objectives:
        ends = {}
        for sign in enough.order(target) if enough else (1.0, -1.0):
            cost = {v: 0.0 for v in previous} | {v: sign * k for v, k in coefficients.items()}
            solver.changeColsCost(
                len(cost), np.array(list(cost), dtype=np.int32), np.array(list(cost.values()))
            )
            previous = list(coefficients)
            solver.run()
            solves += 1
            status = solver.getModelStatus()
            if status == core.HighsModelStatus.kOptimal:
                ends[sign] = round(sign * solver.getInfo().objective_function_value) * unit
            elif status in (core.HighsModelStatus.kUnbounded, core.HighsModelStatus.kUnboundedOrInfeasible):
                ends[sign] = -sign * UNBOUNDED
            else:
                reason = solver.modelStatusToString(status)
                raise RuntimeError(f"disclosure audit: the published figures are inconsistent ({reason})")
            if enough and enough.proved(target, sign, ends[sign]):
                break
        value = enough.values[target] if enough else 0.0
        ranges[target] = (ends.get(1.0, value), ends.get(-1.0, value))
    return ranges, solves


@dataclass(frozen=True)
class Enough:
    """How wide a withheld figure's range must be for its audit to stop early: the protection loop
    (`_protect`) only asks whether each range is at least `width` wide, and the figure's own value
    lies in its range, so one end `width` away from the value settles it. The end with more room is
    solved first (the top for a value in the lower half of 1 to the threshold); a range settled by one
    end has the value as its other end (the true end is no nearer)."""

    values: dict[tuple[Key, str], float]
    width: float
    threshold: float

    def order(self, target: tuple[Key, str]) -> tuple[float, float]:
        """Minimise (1.0) or maximise (-1.0) first."""
        return (-1.0, 1.0) if 2 * self.values[target] <= self.threshold + 1 else (1.0, -1.0)

    def proved(self, target: tuple[Key, str], sign: float, end: float) -> bool:
        return abs(end - self.values[target]) >= self.width - 1e-9


def verified_audit(
    table: Table, complements: set[Key], policy: DisclosurePolicy, enough: float | None = None
) -> Audit:
    """`exact_audit` with one HiGHS model per table re-solved from the previous basis for each
    objective (a tenth of a millisecond a solve instead of milliseconds): what the refresh runs after
    `audit`, so that its final choice is checked by linear programming. With `enough`, each range is
    solved only until it is known to be at least that wide (`Enough`)."""
    cells = sorted(table.cells, key=lambda c: repr(c.key))
    targets = {k: v for k, v in withheld_figures(cells, complements, policy).items() if small(v, policy)}
    if not targets:
        return Audit()
    solver, core, cells, index, unit = _model(table, complements, policy)
    objectives = []
    same_as_total = []
    for key, quantity in sorted(targets, key=lambda t: (repr(t[0]), QUANTITIES.index(t[1]))):
        i = index[key]
        if quantity == "breaches" and cells[i].within == 0 and (key, "total") in targets:
            same_as_total.append(key)  # within is a published 0: the same count
            continue
        coefficients = {
            "total": {2 * i: 1.0},
            "within": {2 * i + 1: 1.0},
            "breaches": {2 * i: 1.0, 2 * i + 1: -1.0},
        }[quantity]
        objectives.append(((key, quantity), coefficients))
    stop = Enough(targets, enough, policy.suppress_up_to) if enough is not None else None
    ranges, solves = _lp_ranges(solver, core, objectives, unit, stop)
    ranges |= {(key, "breaches"): ranges[(key, "total")] for key in same_as_total}
    ordered = sorted(ranges, key=lambda t: (repr(t[0]), QUANTITIES.index(t[1])))
    return Audit({k: ranges[k] for k in ordered}, solves, targets)


# Tables whose rows count the same people at several stages (bowel screening: invited, then screened,
# positive, investigated, and cancers and high-risk adenomas among the investigated). Each count is the
# sum of some of the disjoint groups every row splits into (invited only, screened and negative, ...),
# so the reader's knowledge is a set of sums over non-negative groups: the same network-flow shape as
# a table of totals and withins (Hundepool et al., 2012, section 4.3: linked tables).


@dataclass(frozen=True)
class Row:
    """One row of a `Nested` table: its raw counts (in the order of `Nested.names`) and whether the
    viewer sees it at all."""

    key: Key
    counts: tuple[float, ...]
    shown: bool = True


@dataclass(frozen=True)
class Nested:
    """An independent table of rows with several counts: count j is the sum of the groups
    `groups[j]` (indices of the disjoint groups of people, each at least 0, that every row splits
    into), and each relation holds for every count. When people split in several independent ways
    (lung health checks: by scan result, by smoking, by cancer stage), each of `partitions` is
    another split: its groups add up to the first count too."""

    names: tuple[str, ...]
    groups: tuple[tuple[int, ...], ...]
    rows: tuple[Row, ...]
    relations: tuple[Relation, ...]
    partitions: tuple[tuple[int, ...], ...] = ()

    def __post_init__(self) -> None:
        if len(self.groups) != len(self.names) or any(len(r.counts) != len(self.names) for r in self.rows):
            raise ValueError("each row needs one count per name, each name its groups")
        Table(tuple(Cell(r.key, 0.0, 0.0) for r in self.rows), self.relations)  # keys and relations

    def as_table(self) -> Table:
        """The table of each row's counts, one cell (row key, count name) each, with each relation
        stated per count: the cells `_candidates` chooses complements among."""
        cells = tuple(
            Cell((r.key, name), value, 0.0, r.shown)
            for r in self.rows
            for name, value in zip(self.names, r.counts, strict=True)
        )
        relations = tuple(
            Relation((r.total, name), tuple((p, name) for p in r.parts))
            for r in self.relations
            for name in self.names
        )
        return Table(cells, relations)

    @property
    def width(self) -> int:
        """Variables per row in the bounds audit: its counts, then its groups."""
        return len(self.names) + 1 + max(q for g in (*self.groups, *self.partitions) for q in g)

    @cached_property
    def ordered(self) -> tuple[tuple[Row, ...], dict[Key, int], np.ndarray]:
        """The rows in key order (so every audit is deterministic), their positions and their counts
        (rows x names): what every audit of the table lays out, worked out once."""
        rows = tuple(sorted(self.rows, key=lambda r: repr(r.key)))
        values = np.array([r.counts for r in rows], dtype=float).reshape(len(rows), len(self.names))
        return rows, {r.key: i for i, r in enumerate(rows)}, values

    @cached_property
    def sums(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The bounds audit's sums (`_narrow`'s totals, parts and `of` over the flat variables, `width`
        a row): each count of each row the sum of its groups, and each relation for every variable."""
        _, index, _ = self.ordered
        k, width = len(self.names), self.width
        totals: list[int] = []
        parts: list[int] = []
        of: list[int] = []
        for i in range(len(self.rows)):
            for j, groups in [*enumerate(self.groups), *((0, p) for p in self.partitions)]:
                of += [len(totals)] * len(groups)
                parts += [i * width + k + q for q in groups]
                totals.append(i * width + j)
        for relation in self.relations:
            for v in range(width):
                of += [len(totals)] * len(relation.parts)
                parts += [index[p] * width + v for p in relation.parts]
                totals.append(index[relation.total] * width + v)
        return np.array(totals, dtype=int), np.array(parts, dtype=int), np.array(of, dtype=int)


def holding(candidates: Iterable[Relation], sums: dict[Key, np.ndarray]) -> list[Relation]:
    """The distinct relations of `candidates` whose total is the sum of its parts in `sums` (each row's
    counts): one that does not add up is no relation a reader can use either."""
    return [
        r
        for r in dict.fromkeys(candidates)
        if r.parts and np.array_equal(sums[r.total], np.sum([sums[p] for p in r.parts], axis=0))
    ]


def components(
    rows: list[Row], relations: list[Relation]
) -> list[tuple[tuple[Row, ...], tuple[Relation, ...]]]:
    """The rows and relations of each set of rows linked by relations, in the order of `rows`: the
    independent tables a set of rows splits into (audited apart; Hundepool et al., 2012, chapter 4)."""
    parent = {row.key: row.key for row in rows}

    def root(key: Key) -> Key:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for relation in relations:
        for part in relation.parts:
            parent[root(part)] = root(relation.total)
    found: dict[Key, tuple[list[Row], list[Relation]]] = {}
    for row in rows:
        found.setdefault(root(row.key), ([], []))[0].append(row)
    for relation in relations:
        found[root(relation.total)][1].append(relation)
    return [(tuple(part), tuple(linked)) for part, linked in found.values()]


def nested_withheld(
    table: Nested, complements: set[Key], policy: DisclosurePolicy
) -> dict[tuple[Key, str], float]:
    """Each shown count the viewer sees as withheld, by (row key, count name): small, or a complement
    (`complements` holds (row key, count name) pairs; only counts above the threshold are chosen)."""
    return {
        (row.key, name): value
        for row in table.rows
        if row.shown
        for name, value in zip(table.names, row.counts, strict=True)
        if small(value, policy) or ((row.key, name) in complements and value != 0)
    }


def _nested_layout(table: Nested, complements: set[Key], policy: DisclosurePolicy):
    """(rows in key order, their positions, the unit, lower and upper bounds of each row's counts)."""
    rows, index, values = table.ordered
    unit = 1.0 if np.all(values == np.floor(values)) else 0.5
    chosen = np.zeros(values.shape, dtype=bool)
    for key, name in complements:
        if key in index and name in table.names:
            chosen[index[key], table.names.index(name)] = True
    low, high = figure_ranges(values, chosen & (values != 0), policy, unit)
    shown = np.array([r.shown for r in rows], dtype=bool)[:, None]
    low, high = np.where(shown, low / unit, 0.0), np.where(shown, high / unit, np.inf)
    return list(rows), index, unit, low, high


def _ordered(targets: dict[tuple[Key, str], float], names: Sequence[str]) -> list[tuple[Key, str]]:
    return sorted(targets, key=lambda t: (repr(t[0]), names.index(t[1])))


def nested_audit(table: Nested, complements: set[Key], policy: DisclosurePolicy) -> Audit:
    """The range of every withheld count of `table` by bounds consistency (`_narrow`): each count the
    sum of its groups, each relation for every count and every group."""
    targets = nested_withheld(table, complements, policy)
    if not targets:
        return Audit()
    rows, index, unit, count_low, count_high = _nested_layout(table, complements, policy)
    k, width = len(table.names), table.width
    low = np.zeros((len(rows), width))
    high = np.full((len(rows), width), np.inf)
    low[:, :k], high[:, :k] = count_low, count_high
    low, high = low.ravel(), high.ravel()
    _narrow(low, high, *table.sums, _no_split)
    column = {name: j for j, name in enumerate(table.names)}
    ranges = {
        (key, name): (
            float(low[index[key] * width + column[name]] * unit),
            float(high[index[key] * width + column[name]] * unit),
        )
        for key, name in _ordered(targets, table.names)
    }
    return Audit(ranges, 0, targets)


def _no_split(low: np.ndarray, high: np.ndarray) -> bool:
    """`_narrow` without CWT's total = within + breaches (a `Nested` table states its sums as relations)."""
    return False


def nested_verified_audit(
    table: Nested, complements: set[Key], policy: DisclosurePolicy, enough: float | None = None
) -> Audit:
    """The range of every withheld small count of `table` by linear programming (HiGHS, warm-started):
    variables are the groups of each row (at least 0), rows each shown count's published bounds and
    each relation for every group. Like `verified_audit`, what the refresh runs after `nested_audit`
    (`enough` as there)."""
    from scipy.sparse import csc_array

    targets = {k: v for k, v in nested_withheld(table, complements, policy).items() if small(v, policy)}
    if not targets:
        return Audit()
    rows, index, unit, count_low, count_high = _nested_layout(table, complements, policy)
    g = table.width - len(table.names)
    entries: list[tuple[int, int, float]] = []
    row_low: list[float] = []
    row_high: list[float] = []
    for i, row in enumerate(rows):
        if not row.shown:
            continue
        for j, groups in enumerate(table.groups):
            entries += [(len(row_low), i * g + q, 1.0) for q in groups]
            row_low.append(count_low[i, j])
            row_high.append(count_high[i, j])
    for i in range(len(rows)):  # each other split of the people adds up to the first count
        for partition in table.partitions:
            r = len(row_low)
            entries += [(r, i * g + q, 1.0) for q in partition]
            entries += [(r, i * g + q, -1.0) for q in table.groups[0]]
            row_low.append(0.0)
            row_high.append(0.0)
    for relation in table.relations:
        for q in range(g):
            r = len(row_low)
            entries += [(r, index[relation.total] * g + q, 1.0)]
            entries += [(r, index[p] * g + q, -1.0) for p in relation.parts]
            row_low.append(0.0)
            row_high.append(0.0)
    r_index, c_index, values = zip(*entries, strict=True)
    matrix = csc_array((values, (r_index, c_index)), shape=(len(row_low), len(rows) * g))
    n_vars = len(rows) * g
    solver, core = _highs(
        matrix, np.zeros(n_vars), np.full(n_vars, np.inf), np.array(row_low), np.array(row_high)
    )
    column = {name: j for j, name in enumerate(table.names)}
    objectives = [
        ((key, name), {index[key] * g + q: 1.0 for q in table.groups[column[name]]})
        for key, name in _ordered(targets, table.names)
    ]
    stop = Enough(targets, enough, policy.suppress_up_to) if enough is not None else None
    ranges, solves = _lp_ranges(solver, core, objectives, unit, stop)
    return Audit(ranges, solves, targets)


def protect_nested(
    table: Nested,
    policy: DisclosurePolicy | None = None,
    min_range: float | None = None,
    *,
    own_row: bool = False,
    already: frozenset[Key] = frozenset(),
) -> Protection:
    """`protect` for a `Nested` table: complements are single counts, (row key, count name), chosen
    among the same count of the rows related to the exposed one (`_candidates`); with `own_row`, else
    among the other counts of its own row, smallest first, for tables whose counts narrow each other
    within a row (early diagnosis: stageable less staged leaves missing plus unstageable; bowel
    screening's remaining exposed counts are sums of withheld parts, which no other count widens).
    `already`: counts withheld as complements of another table (as `_protect`)."""
    policy = policy or DisclosurePolicy()
    counts = {row.key: dict(zip(table.names, row.counts, strict=True)) for row in table.rows if row.shown}

    def siblings(figure: Key, chosen: set[Key]) -> list[Key]:
        key, name = figure
        found = [(value, table.names.index(other)) for other, value in counts[key].items() if other != name]
        usable = [
            (value, j)
            for value, j in found
            if value > policy.suppress_up_to and (key, table.names[j]) not in chosen
        ]
        return [(key, table.names[j]) for _, j in sorted(usable)]

    return _protect(
        table.as_table(),
        lambda chosen: nested_audit(table, chosen, policy),
        lambda chosen, needed: nested_verified_audit(table, chosen, policy, needed),
        policy,
        min_range,
        cell_of=lambda figure: figure,
        siblings=siblings if own_row else None,
        already=already,
    )
