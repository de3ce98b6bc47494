"""`alliance lung programme --public` gives the public pages' tables and nothing else (issue 22,
docs/decisions/0054): by alliance and by CCG with the complements the refresh's audit decides for both
together, so its two files differenced give no withheld count away; any other grouping is refused
(exit 2), since a table by trust or month is not audited with the pages' and could give one away.
Sources: GSS *Statistical Disclosure Control* guidance; Hundepool et al., *Statistical Disclosure
Control*, 2012, chapter 4 (linked tables, the audit by integer programming)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import LinearConstraint
from tests.integer_ranges import integer_range
from typer.testing import CliRunner

from cancer_alliance.cli import (
    app,
    commands,  # noqa: F401  (registers the commands)
)
from cancer_alliance.stats.disclosure import DisclosurePolicy
from cancer_alliance.stats.secondary_suppression import figure_range, small

from .spec.test_programme import ELIGIBLE
from .test_programme_cli import write_rows

pytestmark = pytest.mark.cli

POLICY = DisclosurePolicy()
ALLIANCE = "E56000003"
#: Three of the alliance's CCGs (2018/19 mapping) and their attendances: 13, 8 and 1. By CCG, primary
#: control alone publishes 15 (13 to 17), 10 (8 to 12) and a withheld count; by alliance 20 (18 to
#: 22): the third CCG's withheld 1 is at most 22 - 13 - 8 = 1, pinned.
LEAK = {"E38000001": 13, "E38000018": 8, "E38000019": 1}


def public_csv(runner: CliRunner, by: str, out: Path) -> list[dict[str, str]]:
    result = runner.invoke(app, ["lung", "programme", "--public", "--by", by, "-o", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def attended_ranges(alliance: dict[str, str], ccgs: list[dict[str, str]]) -> dict[str, tuple[float, float]]:
    """Each withheld CCG attendance count's integer range, given the published attendance counts of the
    alliance and its CCGs and that the alliance is their sum (one variable per CCG)."""
    codes = sorted(LEAK)
    truth = {c: float(LEAK[c]) for c in codes}
    rows, low, high = [], [], []
    for key, shown, exact in [(None, alliance["attended"], sum(truth.values()))] + [
        (c, next(r["attended"] for r in ccgs if r["ccg"] == c), truth[c]) for c in codes
    ]:
        rows.append(np.array([1.0 if key in (None, c) else 0.0 for c in codes]))
        lo, hi = figure_range(exact, shown == "" and not small(exact, POLICY), POLICY, 1.0)
        low.append(lo)
        high.append(hi)
    constraint = LinearConstraint(np.array(rows), low, high)
    withheld = [c for c in codes if next(r["attended"] for r in ccgs if r["ccg"] == c) == ""]
    return {c: integer_range(rows[1 + codes.index(c)], constraint) for c in withheld}


def test_the_public_files_by_alliance_and_ccg_give_no_withheld_count_away(alliance_home, tmp_path):
    people = [
        {**ELIGIBLE, "attendance_id": f"{ccg}-{i}", "alliance_code": ALLIANCE, "ccg_code": ccg}
        for ccg, n in LEAK.items()
        for i in range(n)
    ]
    runner = CliRunner()
    imported = runner.invoke(
        app, ["ingest", "lung_health_check", write_rows(tmp_path / "lhc.csv", "lung_health_check", people)]
    )
    assert imported.exit_code == 0, imported.output
    [alliance] = public_csv(runner, "alliance", tmp_path / "alliance.csv")
    ccgs = public_csv(runner, "ccg", tmp_path / "ccg.csv")
    found = attended_ranges(alliance, ccgs)
    assert "E38000019" in found  # the small count is withheld
    assert all(high - low >= POLICY.round_to - 1 for low, high in found.values()), found


@pytest.mark.parametrize("by", ["trust", "month", "ccg,month", "alliance,ccg"])
def test_a_public_table_the_pages_do_not_publish_is_refused(alliance_home, tmp_path, by):
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(app, ["lung", "programme", "--public", "--by", by, "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert (
        f"--public --by {by}: the public pages publish the lung programme by alliance and by CCG"
        in " ".join(result.output.split())
    )
    assert not out.exists()
