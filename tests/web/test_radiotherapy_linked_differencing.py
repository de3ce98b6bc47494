"""No combination of the public radiotherapy compliance figures and course mix gives a withheld count
away (issue 22, docs/decisions/0058): the two tables are linked.

A hypofractionation requirement's denominator counts a provider's radical prostate courses of the
window (adults, external beam), its numerator those at 60 Gy in 20 fractions, and the course mix on the
same provider's page counts radical prostate courses by month and schedule: every course a compliance
count counts is in a mix cell of the window's months, and the mix also counts courses compliance leaves
out (children, brachytherapy). A signed-out visitor reads, through the real API, the network's and its
three providers' compliance (`/api/radiotherapy/{networks,providers}/<code>/compliance`) and, through
the real page query (`web.pages.radiotherapy.page_values`), their schedules by month (a provider with
no row has no courses). They know each count's rounding, that the network sums its providers, that a
numerator is within its denominator, that each compliance count is within its mix cells, and, where it
is true, that no course was left out (granted: a reader may know a provider treats no children). For
each withheld count HiGHS as an integer programme (`scipy.optimize.milp`) over each provider's courses
counted and left out in each cell finds its range: at least 4 wide for a small count, more than one
value for a complement, except where the refresh reports nothing more could be withheld. Sources: GSS
*Statistical Disclosure Control* guidance; Hundepool et al., *Handbook on Statistical Disclosure
Control*, 2012, chapter 4 (linked tables, the audit by linear programming); NHS Digital, *Disclosure
control methodology for HES and ECDS*, 2018.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from scipy.optimize import LinearConstraint
from tests.integer_ranges import integer_range

from cancer_alliance.radiotherapy import published
from cancer_alliance.radiotherapy.files import COLUMNS
from cancer_alliance.radiotherapy.results_files import META, RESULTS
from cancer_alliance.results import catalogue
from cancer_alliance.results.reader import Results
from cancer_alliance.stats.disclosure import DisclosurePolicy
from cancer_alliance.stats.secondary_suppression import figure_range, small
from cancer_alliance.web import WebSettings, create_app
from cancer_alliance.web.pages.radiotherapy import page_values
from cancer_alliance.web.presenters.formatting import format_month
from cancer_alliance.web.scope import Viewer
from cancer_alliance.web.settings import find_node_modules

pytestmark = pytest.mark.web

AS_OF = "2020-04-01"  # the window: April 2019 to March 2020, prostate hypofractionation in force
NETWORK = "RTN01"
PROVIDERS = ("RTD", "RTR", "RNL")  # RTN01's providers on the as-of day (reference data)
REQUIREMENT = "hypofractionation_prostate"
POLICY = DisclosurePolicy()
COUNTS = ("numerator", "denominator")
#: (month, dose in Gy, fractions, on the listed schedule): the mix cells of the test.
CELLS = (
    ("2019-06", 60.0, 20, True),
    ("2019-06", 74.0, 37, False),
    ("2019-07", 60.0, 20, True),
    ("2019-07", 74.0, 37, False),
)
#: Per provider and cell: (courses compliance counts, courses it leaves out).
Raw = dict[str, tuple[tuple[int, int], ...]]
LEVELS = [("network", NETWORK)] + [("provider", p) for p in PROVIDERS]


def of(level: str, code: str) -> list[str]:
    return list(PROVIDERS) if level == "network" else [code]


def truth_of(raw: Raw) -> dict[tuple, float]:
    """Each figure's exact count: (level, code, count name) for compliance, (level, code, cell index)
    for the mix."""
    found: dict[tuple, float] = {}
    for level, code in LEVELS:
        mine = [raw[p] for p in of(level, code)]
        found[(level, code, "numerator")] = sum(
            c[i][0] for c in mine for i, cell in enumerate(CELLS) if cell[3]
        )
        found[(level, code, "denominator")] = sum(c[i][0] for c in mine for i in range(len(CELLS)))
        for i in range(len(CELLS)):
            found[(level, code, i)] = sum(sum(c[i]) for c in mine)
    return found


def write_results(results: Path, raw: Raw, *, complements: bool) -> None:
    """The compliance and fractionation mix results as the refresh writes them (a provider with no
    courses in a cell has no row), with the complements (`complements=False`: none)."""
    truth = truth_of(raw)
    rows = []
    for level, code in LEVELS:
        numerator, denominator = truth[(level, code, "numerator")], truth[(level, code, "denominator")]
        value = numerator / denominator if denominator else None
        rows.append(
            {"level": level, "code": code, "requirement_id": REQUIREMENT, "numerator": numerator,
             "denominator": denominator, "value": value, "threshold": 0.5,
             "status": "no_data" if value is None else "met" if value >= 0.5 else "not_met",
             "ci_lower": 0.0 if value is not None else None, "ci_upper": 1.0 if value is not None else None}
        )  # fmt: skip
    pd.DataFrame(rows, columns=list(COLUMNS)).to_parquet(
        catalogue.path(results, RESULTS["compliance"]), index=False
    )
    mix = [
        {"month": month, "provider_code": p, "site": "C61", "prescribed_dose_gy": dose,
         "fractions": fractions, "courses": sum(raw[p][i])}
        for p in PROVIDERS
        for i, (month, dose, fractions, _) in enumerate(CELLS)
        if sum(raw[p][i])
    ]  # fmt: skip
    columns = ["month", "provider_code", "site", "prescribed_dose_gy", "fractions", "courses"]
    pd.DataFrame(mix, columns=columns).astype({"fractions": "int32", "courses": "int64"}).to_parquet(
        catalogue.path(results, RESULTS["fractionation"]), index=False
    )
    pd.DataFrame(columns=["month", "provider_code", "technique", "courses"]).to_parquet(
        catalogue.path(results, RESULTS["techniques"]), index=False
    )
    (results / META).write_text(json.dumps({"as_of": AS_OF}) + "\n", encoding="utf-8")
    if complements:
        published.write_complements(results)
    else:
        for name, columns in (
            ("radiotherapy_withheld", published.WITHHELD_COLUMNS),
            ("radiotherapy_courses_withheld", published.COURSES_WITHHELD_COLUMNS),
        ):
            pd.DataFrame(columns=list(columns)).to_parquet(catalogue.path(results, name), index=False)


def read_public(home: Path) -> dict[tuple, float | None]:
    """Each figure a signed-out visitor reads (None: `[c]`; a mix cell with no row: 0)."""
    client = TestClient(
        create_app(WebSettings(home=home, secret_key="test-secret", node_modules=find_node_modules()))
    )
    reader = Results(home)
    found: dict[tuple, float | None] = {}
    for level, code in LEVELS:
        response = client.get(f"/api/radiotherapy/{level}s/{code}/compliance")
        assert response.status_code == 200, response.text
        for row in response.json()["rows"]:
            if row["requirement_id"] == REQUIREMENT:
                for name in COUNTS:
                    found[(level, code, name)] = row[name]
        values = page_values(reader, Viewer(user_id=None), level, code)
        assert values is not None
        shown = {(r["month"], r["category"]): r["courses"] for r in values["fractionation"]}
        for i, (month, dose, fractions, _) in enumerate(CELLS):
            text = shown.get((format_month(month), f"Prostate {dose:g} Gy in {fractions}"), "0")
            found[(level, code, i)] = float(text.replace(",", "")) if text else None
    return found


def ranges(shown: dict, truth: dict, raw: Raw) -> dict:
    """Each withheld figure's integer range given every figure read. Variables: each provider's courses
    counted and left out in each cell; those left out are known to be none where that is true of a
    compliance count's cells (the refresh states that link as an equality)."""
    n = len(CELLS)
    width = 2 * n * len(PROVIDERS)
    upper = np.full(width, np.inf)
    for level, code in LEVELS:
        for ons in ((True,), (True, False)):  # numerator's cells, denominator's cells
            cells = [i for i, cell in enumerate(CELLS) if cell[3] in ons]
            if sum(raw[p][i][1] for p in of(level, code) for i in cells) == 0:
                for p in of(level, code):
                    for i in cells:
                        upper[2 * (PROVIDERS.index(p) * n + i) + 1] = 0
    rows, low, high = [], [], []
    for level, code, name in shown:
        a = np.zeros(width)
        for p in of(level, code):
            for i, cell in enumerate(CELLS):
                at = 2 * (PROVIDERS.index(p) * n + i)
                if name == i:
                    a[at] = a[at + 1] = 1
                elif name == "denominator" or (name == "numerator" and cell[3]):
                    a[at] = 1
        value, exact = shown[(level, code, name)], truth[(level, code, name)]
        lo, hi = figure_range(exact, value is None and not small(exact, POLICY), POLICY, 1.0)
        rows.append(a)
        low.append(lo)
        high.append(hi)
    constraint = LinearConstraint(np.array(rows), low, high)
    return {
        figure: integer_range(objective, constraint, upper)
        for figure, objective in zip(shown, rows, strict=True)
        if shown[figure] is None
    }


def leaks(home: Path, raw: Raw, *, complements: bool) -> list[str]:
    results = (home / "results").resolve()
    write_results(results, raw, complements=complements)
    truth = truth_of(raw)
    shown = read_public(home)
    assert shown.keys() == truth.keys()
    decided = published.complements(
        pd.read_parquet(catalogue.path(results, RESULTS["compliance"])),
        published.read_mixes(results),
        published.as_of_day(results),
    )
    categories = [f"C61|{dose}|{fractions}" for _, dose, fractions, _ in CELLS]
    left = {key[2:] for key in decided.exposed if key[:2] == ("compliance", REQUIREMENT)} | {
        (level, code, i)
        for *_, month, category, level, code in (k for k in decided.exposed if k[0] == "mix")
        for i, cell in enumerate(CELLS)
        if (cell[0], categories[i]) == (month, category)
    }
    found = []
    for figure, (low, high) in ranges(shown, truth, raw).items():
        needed = POLICY.round_to - 1 if small(truth[figure], POLICY) else 1
        if high - low < needed and figure not in left:
            found.append(f"{figure} = {truth[figure]:g}: {low:g} to {high:g}")
    return found


#: RNL: 13 and 8 prostate courses off the schedule in June and July, 1 on it in July, none left out.
#: Its denominator 22 is published as 20 (18 to 22), the cells 13 and 8 as 15 (13 to 17) and 10 (8 to
#: 12): the withheld numerator, and the withheld July cell on the schedule, are at most 22 - 13 - 8 = 1.
#: The other providers' 20 courses on the schedule in June leave the compliance table alone safe.
LEAK: Raw = {
    "RTD": ((20, 0), (0, 0), (0, 0), (0, 0)),
    "RTR": ((20, 0), (0, 0), (0, 0), (0, 0)),
    "RNL": ((0, 0), (13, 0), (1, 0), (8, 0)),
}


def test_without_the_link_a_visitor_pins_a_withheld_count_from_the_course_mix(web_home):
    found = leaks(web_home, LEAK, complements=False)
    assert "('provider', 'RNL', 'numerator') = 1: 1 to 1" in found
    assert "('provider', 'RNL', 2) = 1: 1 to 1" in found


CELL = st.tuples(st.integers(0, 12), st.sampled_from((0, 0, 0, 2)))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(raw=LEAK)
@given(raw=st.fixed_dictionaries({p: st.tuples(*[CELL] * len(CELLS)) for p in PROVIDERS}))
def test_no_combination_of_compliance_and_course_mix_gives_a_withheld_count_away(web_home, raw):
    assert leaks(web_home, raw, complements=True) == []
