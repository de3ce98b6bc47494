"""No combination of the public timed-pathway compliance counts gives a withheld count away (issue 22,
docs/decisions/0057).

A signed-out visitor reads, through the page query of the timed-pathways pages and the API
(`web.domain_queries.pathways.tables`), an alliance's and each of its trusts' met, breached, overdue,
open and decided milestones of one tumour and milestone. They know that each milestone carries its
trust's alliance, so the alliance is the sum of its trusts; that decided = met + breached + overdue;
what each published figure's rounding allows; and that a `[c]` is 1 to 7 when withheld as small and
above 7 when withheld as a complement (the visitor is granted which). For each withheld count, HiGHS as
an integer programme (`scipy.optimize.milp`) over each trust's milestones by status finds its range:
at least 4 wide for a small count, more than one value for a complement, except where the refresh
reports that nothing more could be withheld.

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
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from scipy.optimize import LinearConstraint
from tests.integer_ranges import integer_range

from cancer_alliance.pathways import published
from cancer_alliance.pathways.metrics import compliance
from cancer_alliance.results import catalogue
from cancer_alliance.results.reader import Results
from cancer_alliance.stats.disclosure import DisclosurePolicy
from cancer_alliance.stats.secondary_suppression import figure_range, protect_nested, small
from cancer_alliance.web.domain_queries.pathways import tables
from cancer_alliance.web.scope import Viewer

#: An alliance and the trusts the 2018/19 reference mapping puts in it.
ALLIANCE = "E56000009"
TRUSTS = ("RAJ", "RC1", "RC9")
STATUSES = ("met", "breached", "overdue", "open")
#: The statuses each public count adds up (restated from `metrics.compliance`).
GROUPS = {"met": (0,), "breached": (1,), "overdue": (2,), "open": (3,), "decided": (0, 1, 2)}
POLICY = DisclosurePolicy()
Raw = dict[str, tuple[int, ...]]


def truth_of(raw: Raw) -> dict[tuple[str, str, str], int]:
    """(level, code, count) -> the exact count."""
    found = {}
    for level, code, members in [("alliance", ALLIANCE, TRUSTS), *(("trust", t, (t,)) for t in TRUSTS)]:
        for name, statuses in GROUPS.items():
            found[(level, code, name)] = int(sum(raw[t][q] for t in members for q in statuses))
    return found


def compliance_file(raw: Raw) -> pd.DataFrame:
    """`pathway_compliance` as the refresh writes it for lung CT milestones with these statuses."""
    rows = [
        {
            "provider_code": t,
            "alliance_code": ALLIANCE,
            "tumour": "lung",
            "milestone": "ct",
            "status": s,
            "sequence": 1,
        }
        for t in TRUSTS
        for s, n in zip(STATUSES, raw[t], strict=True)
        for _ in range(n)
    ]
    frame = pd.DataFrame(
        rows, columns=["provider_code", "alliance_code", "tumour", "milestone", "status", "sequence"]
    )
    parts = []
    for level, column in (("alliance", "alliance_code"), ("trust", "provider_code")):
        part = compliance(frame, [column]).rename(columns={column: "code"})
        part.insert(0, "level", level)
        parts.append(part)
    return published.with_intervals(pd.concat(parts, ignore_index=True))


def write_results(results: Path, raw: Raw, *, complements: bool) -> None:
    """The page's results files, with the complements (`complements=False`: none, to show the leak
    they stop)."""
    compliance_file(raw).to_parquet(catalogue.path(results, "pathway_compliance"), index=False)
    for name in ("pathway_steps", "pathway_trend", "pathway_bottleneck"):
        columns = list(catalogue.entry(name).columns)
        pd.DataFrame(columns=columns).to_parquet(catalogue.path(results, name), index=False)
    if complements:
        published.write_complements(results)
    else:
        none = pd.DataFrame(columns=list(published.WITHHELD_COLUMNS))
        none.to_parquet(catalogue.path(results, "pathways_withheld"), index=False)


def read_public(
    home: Path, truth: dict[tuple[str, str, str], int]
) -> dict[tuple[str, str, str], float | None]:
    """(level, code, count) -> the figure a signed-out visitor reads (None: `[c]`; no row: 0)."""
    results = Results(home)
    found: dict[tuple[str, str, str], float | None] = {}
    for level, code, name in truth:
        rows = tables(results, Viewer(None), level, code)["compliance"]
        if rows.empty:
            found[(level, code, name)] = 0.0
        else:
            row = rows.iloc[0]
            found[(level, code, name)] = None if row[f"{name}_suppressed"] else float(row[name])
    return found


def withheld_ranges(
    shown: dict[tuple[str, str, str], float | None], truth: dict[tuple[str, str, str], int]
) -> dict[tuple[str, str, str], tuple[float, float]]:
    """Each withheld figure's integer range given every figure read (variables: each trust's milestones
    of each status, at least 0)."""
    g = len(STATUSES)
    rows, low, high = [], [], []
    for figure, value in shown.items():
        level, code, name = figure
        a = np.zeros(len(TRUSTS) * g)
        members = TRUSTS if level == "alliance" else (code,)
        a[[TRUSTS.index(t) * g + q for t in members for q in GROUPS[name]]] = 1
        withheld = value is None
        lo, hi = figure_range(truth[figure], withheld and not small(truth[figure], POLICY), POLICY, 1.0)
        if not withheld:
            assert value == math.floor(truth[figure] / POLICY.round_to + 0.5) * POLICY.round_to, figure
        rows.append(a)
        low.append(lo)
        high.append(hi)
    constraint = LinearConstraint(np.array(rows), low, high)
    return {
        figure: integer_range(a, constraint)
        for (figure, value), a in zip(shown.items(), rows, strict=True)
        if value is None
    }


def narrowed(raw: Raw, *, complements: bool) -> list[str]:
    """The withheld figures a visitor can narrow below the rule, other than those the refresh reports
    it could not widen."""
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        (home / "results").mkdir()
        write_results(home / "results", raw, complements=complements)
        truth = truth_of(raw)
        shown = read_public(home, truth)
        frame = pd.read_parquet(catalogue.path(home / "results", "pathway_compliance"))
    left = {
        (key[0], key[1], name)
        for table in published.public_tables(frame, published.trust_mappings())
        for key, name in protect_nested(table, POLICY, own_row=True).exposed
    }
    found = []
    for figure, (low, high) in withheld_ranges(shown, truth).items():
        needed = POLICY.round_to - 1 if small(truth[figure], POLICY) else 1
        if high - low < needed and figure not in left:
            found.append(f"{figure} = {truth[figure]}: {low:g} to {high:g}")
    return found


#: The hand-worked leak: breached milestones of 13, 8 and 1 at the alliance's three trusts. The
#: alliance's 22 is published as 20 (a raw 18 to 22), the trusts' as 15 (13 to 17) and 10 (8 to 12):
#: the third trust's withheld count is at most 22 - 13 - 8 = 1, so it is 1.
HAND_WORKED: Raw = {"RAJ": (50, 13, 0, 0), "RC1": (50, 8, 0, 0), "RC9": (50, 1, 0, 0)}


def test_the_hand_worked_leak_is_there_without_complements() -> None:
    assert "('trust', 'RC9', 'breached') = 1: 1 to 1" in narrowed(HAND_WORKED, complements=False)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.fixed_dictionaries(
        {t: st.tuples(*(st.integers(0, 12) for _ in STATUSES)) for t in TRUSTS},
    )
)
@example(HAND_WORKED)
def test_no_withheld_count_is_narrowed_by_differencing(raw: Raw) -> None:
    assert narrowed(raw, complements=True) == []


def test_the_alliance_relation_is_stated_only_where_the_trusts_add_up() -> None:
    frame = compliance_file(HAND_WORKED)
    (table,) = published.public_tables(frame, published.trust_mappings())
    assert table.relations and {r.key[:2] for r in table.rows} == {("alliance", ALLIANCE)} | {
        ("trust", t) for t in TRUSTS
    }
    frame.loc[frame["level"] == "alliance", "met"] += 1  # no longer the sum of its trusts
    assert all(not t.relations for t in published.public_tables(frame, published.trust_mappings()))


def test_signed_in_users_keep_exact_counts_and_the_public_sees_the_complements_withheld() -> None:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        (home / "results").mkdir()
        write_results(home / "results", HAND_WORKED, complements=True)
        results = Results(home)
        public = tables(results, Viewer(None), "trust", "RAJ")["compliance"].iloc[0]
        withheld = pd.read_parquet(catalogue.path(home / "results", "pathways_withheld"))
        exact = tables(results, Viewer(1), "trust", "RAJ")["compliance"].iloc[0]
    assert not withheld.empty
    chosen = set(withheld.loc[withheld["code"] == "RAJ", "count"])
    for name in published.COMPLIANCE_COUNTS:
        assert bool(public[f"{name}_suppressed"]) == (name in chosen), name
    if {"met", "decided"} & chosen:
        assert pd.isna(public["compliance"])
    assert exact["breached"] == 13 and exact["decided"] == 63
