"""The differencing property of `test_published_everywhere.py` on a real demo (generated, ingested and
refreshed at scale 0.01, where nearly every count is small; docs/decisions/0051).

Every public table the explorer's API serves (England, each alliance, each trust, each cancer type in
England) is read for two standards, month by month, as a signed-out visitor. A withheld count is small
(1 to 7) or a complement; the reader is granted which, from the exact results. For each standard and
month, linear programming over every figure read (`exact_audit`: HiGHS through SciPy's `linprog`, the
ranges of a network flow are whole numbers) finds each withheld count's range, which must be at least
4 wide for a small count and more than one value for any other, except where the refresh reports that
nothing more could be withheld. The same for bowel screening (each alliance, its CCGs, its months) and
lung health checks (each alliance, its CCGs; docs/decisions/0054), read through the API and audited by
linear programming over the reader's groups of people.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from scipy.optimize import LinearConstraint
from tests.integer_ranges import integer_range
from typer.testing import CliRunner

from cancer_alliance.cli import app as cli_app
from cancer_alliance.cli import commands  # noqa: F401  (registers the commands)
from cancer_alliance.cwt.published import FINE, PUBLIC_TABLES, complements, public_tables
from cancer_alliance.early_diagnosis import published as early
from cancer_alliance.early_diagnosis.counts import COUNT_COLUMNS as EARLY_COUNTS
from cancer_alliance.radiotherapy import published as radio
from cancer_alliance.radiotherapy.results_files import RESULTS as RADIOTHERAPY_RESULTS
from cancer_alliance.reference import provider_alliance
from cancer_alliance.reference.radiotherapy_networks import memberships
from cancer_alliance.results import catalogue
from cancer_alliance.results.reader import Results
from cancer_alliance.stats.disclosure import DisclosurePolicy
from cancer_alliance.stats.secondary_suppression import (
    exact_audit,
    figure_range,
    protect,
    shown_value,
    small,
)
from cancer_alliance.web import WebSettings, create_app
from cancer_alliance.web.queries import lake_early_diagnosis
from cancer_alliance.web.scope import Viewer
from cancer_alliance.web.settings import find_node_modules

pytestmark = pytest.mark.web

POLICY = DisclosurePolicy()
STANDARDS = ("62d_usc", "31d_sub_surgery")
#: The months whose waiting-times tables the linear-programming audit reads: the first and the latest
#: quarter, which the pages open on (a month's table takes about 5 s; every month's published figures
#: and complements are still checked against the refresh's).
AUDITED_MONTHS = ("2017-12", "2019-01", "2019-02", "2019-03")


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("published-demo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ALLIANCE_HOME", str(home))
        patch.delenv("ALLIANCE_DATABASE_URL", raising=False)
        result = CliRunner().invoke(cli_app, ["demo", "--no-serve", "--scale", "0.01", "--seed", "7"])
        assert result.exit_code == 0, result.output
        yield home


def public_figures(client: TestClient, exact: dict[str, pd.DataFrame]) -> dict[tuple, tuple]:
    """(standard, month, level, code) -> (total, within) as the API gives a signed-out visitor."""
    found = {}
    for standard in STANDARDS:
        queries = [("england", "", {})]
        for level, (grouping, column) in PUBLIC_TABLES.items():
            if column:
                codes = sorted(exact[grouping][column].dropna().unique())
                param = "provider" if level == "provider" else column
                queries += [(level, code, {param: code}) for code in codes]
        for level, code, params in queries:
            response = client.get("/api/performance", params={"standard": standard, **params})
            assert response.status_code == 200, response.text
            for row in response.json()["rows"]:
                found[(standard, row["reporting_month"], level, code)] = (row["total"], row["within"])
    return found


def test_no_withheld_count_of_the_public_tables_can_be_narrowed_by_differencing(demo_home):
    results = (demo_home / "results").resolve()
    groupings = [*(g for g, _ in PUBLIC_TABLES.values()), FINE]
    exact = {g: pd.read_parquet(catalogue.path(results, f"performance_{g}")) for g in groupings}
    client = TestClient(
        create_app(WebSettings(home=demo_home, secret_key="test-secret", node_modules=find_node_modules()))
    )
    shown = public_figures(client, exact)
    refresh = pd.read_parquet(catalogue.path(results, "performance_withheld"))
    # the refresh audits the tables in several processes: one process decides the same complements
    alone = complements(exact, provider_alliance("2018/19"), workers=1)
    pd.testing.assert_frame_equal(alone, refresh, check_dtype=False)
    checked = narrowed = 0
    for (standard, month), table in public_tables(exact, provider_alliance("2018/19")):
        if standard not in STANDARDS:
            continue
        # the complements as a visitor sees them: withheld, though not small
        seen = {
            cell.key
            for cell in table.cells
            if cell.shown
            and shown.get((standard, month, *cell.key), (None, None))[0] is None
            and not small(cell.total, POLICY)
        }
        for cell in table.cells:  # every other figure is the primary control's
            if cell.shown and cell.key not in seen:
                total, within = shown.get((standard, month, *cell.key), (None, None))
                assert total == shown_value(cell.total, False, POLICY), (standard, month, cell)
        decided = refresh[(refresh["standard_id"] == standard) & (refresh["reporting_month"] == month)]
        assert seen == set(zip(decided["level"], decided["code"], strict=True)), (standard, month)
        if month not in AUDITED_MONTHS:
            continue
        found = exact_audit(table, seen, POLICY)
        left = set(protect(table, POLICY).exposed)  # nothing more could be withheld around these
        for figure, (low, high) in found.ranges.items():
            checked += 1
            value = found.values[figure]
            needed = POLICY.round_to - 1 if small(value, POLICY) else 1
            if figure in left:
                narrowed += 1
                continue
            assert high - low >= needed, (standard, month, figure, value, (low, high))
    assert checked > 100  # the demo has many small counts
    assert narrowed < checked  # at this scale many totals have every part withheld already


def test_no_withheld_bowel_screening_count_can_be_narrowed_by_differencing(demo_home):
    """Each alliance's public bowel screening tables (its row, its CCGs, its months; docs/decisions/0054)
    read through the API as a signed-out visitor: every count is the primary control's figure or
    withheld, the counts withheld though not small are the refresh's complements, and linear
    programming over the figures read leaves every withheld count a range (at least 4 wide when small)."""
    from tests.stats.test_nested_suppression import milp_ranges

    from cancer_alliance.fit import published as fit_published
    from cancer_alliance.fit.rules import COUNT_COLUMNS
    from cancer_alliance.stats.secondary_suppression import nested_withheld, protect_nested

    results = (demo_home / "results").resolve()
    exact = {
        name: pd.read_parquet(catalogue.path(results, name))
        for name, _ in fit_published.PUBLIC_TABLES.values()
    }
    refresh = pd.read_parquet(catalogue.path(results, "fit_withheld"))
    pd.testing.assert_frame_equal(fit_published.complements(exact), refresh, check_dtype=False)
    client = TestClient(
        create_app(WebSettings(home=demo_home, secret_key="test-secret", node_modules=find_node_modules()))
    )
    checked = 0
    for alliance, table in fit_published.public_tables(exact):
        shown = {}
        for level, path, column in (
            ("alliance", "", None),
            ("ccg", "/ccgs", "ccg_code"),
            ("month", "/months", "invitation_month"),
        ):
            response = client.get(f"/api/bowel-screening/alliances/{alliance}{path}")
            assert response.status_code == 200, response.text
            for row in response.json()["rows"]:
                shown |= {((level, row[column] if column else ""), n): row[n] for n in COUNT_COLUMNS}
        seen = set()
        for row in table.rows:
            for name, value in zip(COUNT_COLUMNS, row.counts, strict=True):
                if not row.shown:
                    continue
                figure = shown[(row.key, name)]
                if figure is None and not small(value, POLICY):
                    seen.add((row.key, name))
                elif figure is not None:
                    assert figure == shown_value(value, False, POLICY), (alliance, row.key, name)
        mine = refresh[refresh["alliance_code"] == alliance]
        assert seen == {
            ((lv, c), n) for lv, c, n in zip(mine["level"], mine["code"], mine["count"], strict=True)
        }
        left = set(protect_nested(table, POLICY).exposed)  # nothing more could be withheld around these
        withheld = {f: v for f, v in nested_withheld(table, seen, POLICY).items() if f not in left}
        for (key, name), (low, high) in milp_ranges(table, seen, withheld, integral=False).items():
            checked += 1
            needed = POLICY.round_to - 1 if small(withheld[(key, name)], POLICY) else 1
            assert high - low >= needed, (alliance, key, name, low, high)


def test_no_early_diagnosis_count_from_the_lake_can_be_narrowed_by_differencing(demo_home):
    """The lake's early diagnosis on the same demo (docs/decisions/0056): every alliance's and trust's
    counts as the alliance and trust pages give a signed-out visitor, who knows that each alliance is the
    sum of its trusts (synthetic patients live in their trust's alliance; England follows) and that each
    count is a sum of stage-by-route groups; `milp` over each alliance's trusts' groups finds every
    withheld count's range."""
    results = (demo_home / "results").resolve()
    exact = {name: pd.read_parquet(catalogue.path(results, name)) for name, _ in early.PUBLIC_TABLES.values()}
    refresh = pd.read_parquet(catalogue.path(results, "early_diagnosis_withheld"))
    alone = early.complements(exact, early.trust_mappings())
    pd.testing.assert_frame_equal(alone, refresh, check_dtype=False)
    reader = Results(demo_home)
    truth, shown = {}, {}
    for level, (name, column) in early.PUBLIC_TABLES.items():
        for _, row in exact[name].iterrows():
            seen = lake_early_diagnosis(reader, Viewer(None), level, row[column])
            for count in EARLY_COUNTS:
                truth[(level, row[column], count)] = int(row[count])
                shown[(level, row[column], count)] = None if seen[f"{count}_suppressed"] else seen[count]
    left = {
        (*key, name)
        for table in early.public_tables(exact, early.trust_mappings())
        for key, name in early.protection(table, POLICY).exposed
    }
    home = provider_alliance("2018/19")
    checked = 0
    for alliance in exact["early_diagnosis_alliance"]["alliance"]:
        trusts = [t for t in exact["early_diagnosis_trust"]["trust"] if home.get(t) == alliance]
        figures = [("alliance", alliance, c) for c in EARLY_COUNTS] + [
            ("trust", t, c) for t in trusts for c in EARLY_COUNTS
        ]
        for count in EARLY_COUNTS:  # the relation the visitor is granted holds in the demo
            assert truth[("alliance", alliance, count)] == sum(truth[("trust", t, count)] for t in trusts)
        n = len(trusts) * 15
        matrix, low, high = [], [], []
        for level, code, count in figures:
            a = np.zeros(n)
            cells = range(len(trusts)) if level == "alliance" else [trusts.index(code)]
            a[[i * 15 + q for i in cells for q in early.GROUPS[EARLY_COUNTS.index(count)]]] = 1
            value, withheld = truth[(level, code, count)], shown[(level, code, count)] is None
            lo, hi = figure_range(value, withheld and not small(value, POLICY), POLICY, 1.0)
            assert lo <= value <= hi, (level, code, count)
            matrix.append(a)
            low.append(lo)
            high.append(hi)
        constraint = LinearConstraint(np.array(matrix), low, high)
        for figure, a in zip(figures, matrix, strict=True):
            if shown[figure] is not None or figure in left:
                continue
            ends = integer_range(a, constraint)
            needed = POLICY.round_to - 1 if small(truth[figure], POLICY) else 1
            assert ends[1] - ends[0] >= needed, (figure, truth[figure], ends)
            checked += 1
    assert checked > 100  # the demo has many small counts


def test_no_withheld_lung_health_check_count_can_be_narrowed_by_differencing(demo_home):
    """Each alliance's public lung health check tables (its row and its CCGs' rows, the journey counts
    as six splits of the attended and the invitations apart; docs/decisions/0054) read through the API
    as a signed-out visitor, audited as the bowel screening tables are. Both use the linear programme
    over the reader's groups of people (tests/stats/test_nested_suppression.py finds it equal to the
    integer programme on these shapes)."""
    from tests.stats.test_nested_suppression import milp_ranges

    from cancer_alliance.lung import published as lung_published
    from cancer_alliance.stats.secondary_suppression import nested_withheld, protect_nested

    results = (demo_home / "results").resolve()
    exact = {
        name: pd.read_parquet(catalogue.path(results, name))
        for name, _ in lung_published.PUBLIC_TABLES.values()
    }
    refresh = pd.read_parquet(catalogue.path(results, "lung_withheld"))
    pd.testing.assert_frame_equal(lung_published.complements(exact), refresh, check_dtype=False)
    client = TestClient(
        create_app(WebSettings(home=demo_home, secret_key="test-secret", node_modules=find_node_modules()))
    )
    shown = {}
    for level in ("alliance", "ccg"):
        response = client.get("/api/lung/programme", params={"by": level})
        assert response.status_code == 200, response.text
        for row in response.json()["rows"]:
            shown |= {((level, row[level]), name): value for name, value in row.items()}
    chosen = set(zip(refresh["level"], refresh["code"], refresh["count"], strict=True))
    checked = 0
    for _, table in lung_published.public_tables(exact):
        seen = set()
        for row in table.rows:
            for name, value in zip(table.names, row.counts, strict=True):
                figure = shown[(row.key, name)]
                if figure is None and not small(value, POLICY):
                    seen.add((row.key, name))
                    assert (*row.key, name) in chosen
                elif figure is not None:
                    assert figure == shown_value(value, False, POLICY), (row.key, name)
        left = set(protect_nested(table, POLICY).exposed)  # nothing more could be withheld around these
        withheld = {f: v for f, v in nested_withheld(table, seen, POLICY).items() if f not in left}
        for (key, name), (low, high) in milp_ranges(table, seen, withheld, integral=False).items():
            checked += 1
            needed = POLICY.round_to - 1 if small(withheld[(key, name)], POLICY) else 1
            assert high - low >= needed, (key, name, low, high)
    assert checked > 100  # the demo has many small counts


def test_no_withheld_radiotherapy_count_can_be_narrowed_by_differencing(demo_home):
    """Radiotherapy compliance on the same demo (docs/decisions/0058): each network's and provider's
    patient counts as the public API gives them, to a visitor who knows a network is the sum of its
    providers and a numerator within its denominator; `milp` over each provider's numerator and the
    rest of its denominator finds every withheld count's range."""
    results = (demo_home / "results").resolve()
    exact = pd.read_parquet(catalogue.path(results, RADIOTHERAPY_RESULTS["compliance"]))
    refresh = pd.read_parquet(catalogue.path(results, "radiotherapy_withheld"))
    decided = radio.complements(exact, radio.read_mixes(results), radio.as_of_day(results))
    pd.testing.assert_frame_equal(decided.compliance, refresh, check_dtype=False)
    client = TestClient(
        create_app(WebSettings(home=demo_home, secret_key="test-secret", node_modules=find_node_modules()))
    )
    checked = 0
    for requirement, table in radio.public_tables(exact, memberships()).items():
        truth = {key: counts for key, counts in ((r.key, r.counts) for r in table.rows)}
        left = {((k[2], k[3]), k[4]) for k in decided.exposed if k[:2] == ("compliance", requirement)}
        for relation in table.relations:
            keys = [relation.total, *relation.parts]
            shown = {}
            for level, code in keys:
                kind = "networks" if level == "network" else "providers"
                rows = client.get(f"/api/radiotherapy/{kind}/{code}/compliance").json()["rows"]
                [row] = [r for r in rows if r["requirement_id"] == requirement]
                shown |= {((level, code), name): row[name] for name in radio.COUNTS}
            n = 2 * len(relation.parts)
            matrix, low, high = [], [], []
            for (key, name), value in shown.items():
                a = np.zeros(n)
                for i, part in enumerate(relation.parts):
                    if key in (part, relation.total):
                        a[2 * i] = 1
                        a[2 * i + 1] = name == "denominator"
                exact_value = truth[key][radio.COUNTS.index(name)]
                lo, hi = figure_range(
                    exact_value, value is None and not small(exact_value, POLICY), POLICY, 1.0
                )
                matrix.append(a)
                low.append(lo)
                high.append(hi)
            constraint = LinearConstraint(np.array(matrix), low, high)
            for (figure, value), a in zip(shown.items(), matrix, strict=True):
                if value is not None or figure in left:
                    continue
                ends = integer_range(a, constraint)
                exact_value = truth[figure[0]][radio.COUNTS.index(figure[1])]
                needed = POLICY.round_to - 1 if small(exact_value, POLICY) else 1
                assert ends[1] - ends[0] >= needed, (requirement, figure, exact_value, ends)
                checked += 1
    assert checked > 0  # the demo has small counts
