"""The funnel plot comparing trusts on alliance and trust pages and its API twins (issue 5: "Funnel plots
for proportions (95% and 99.8% limits around the overall rate) ... with outliers flagged").

Expected values are worked out here from the fixture's counts (tests/web/conftest.py: per month RGT
37 of 40, RGN 4 of 5, RTX 9 of 12, over three months), independently of the code under test: England's
rate as sum within / sum total, limits by the normal approximation p0 +/- z sqrt(p0 (1 - p0) / n) clipped
to [0, 1] (Spiegelhalter, Stat Med 2005;24:1185; as `stats.funnel`), z from `statistics.NormalDist`; the
public's counts rounded to the nearest 5 (docs/decisions/0006).
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import re
from statistics import NormalDist

import pytest
from tests.web.conftest import EAST

from cancer_alliance.web import queries

pytestmark = pytest.mark.web

#: Three months summed: (within, total).
EXACT = {"RGT": (111.0, 120.0), "RGN": (12.0, 15.0), "RTX": (27.0, 36.0)}
NAMES = {
    "RGT": "Cambridge University Hospitals NHS Foundation Trust",
    "RGN": "North West Anglia NHS Foundation Trust",
    "RTX": "University Hospitals of Morecambe Bay NHS Foundation Trust",
}
Z_95 = NormalDist().inv_cdf(0.975)
Z_998 = NormalDist().inv_cdf(0.999)
WORDS = {
    "above_99.8": "Above the 99.8% limit",
    "above_95": "Above the 95% limit",
    "within_95": "Within the limits",
    "below_95": "Below the 95% limit",
    "below_99.8": "Below the 99.8% limit",
}


def _rounded(counts: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """The public's counts: none of the fixture's sums is 7 or fewer, so each is rounded to 5."""
    assert all(value > 7 for pair in counts.values() for value in pair)
    return {code: tuple(5.0 * math.floor(v / 5 + 0.5) for v in pair) for code, pair in counts.items()}


PUBLIC = _rounded(EXACT)


def _expected(counts: dict[str, tuple[float, float]]) -> tuple[float, dict[str, dict]]:
    p0 = sum(w for w, _ in counts.values()) / sum(t for _, t in counts.values())
    rows = {}
    for code, (within, total) in counts.items():
        half_95 = Z_95 * math.sqrt(p0 * (1 - p0) / total)
        half_998 = Z_998 * math.sqrt(p0 * (1 - p0) / total)
        lower_95, upper_95 = max(p0 - half_95, 0.0), min(p0 + half_95, 1.0)
        lower_998, upper_998 = max(p0 - half_998, 0.0), min(p0 + half_998, 1.0)
        p = within / total
        if p > upper_998:
            flag = "above_99.8"
        elif p > upper_95:
            flag = "above_95"
        elif p < lower_998:
            flag = "below_99.8"
        elif p < lower_95:
            flag = "below_95"
        else:
            flag = "within_95"
        rows[code] = {
            "within": within,
            "total": total,
            "proportion": p,
            "lower_95": lower_95,
            "upper_95": upper_95,
            "lower_998": lower_998,
            "upper_998": upper_998,
            "funnel_flag": flag,
        }
    return p0, rows


def _check_rows(rows: list[dict], counts: dict[str, tuple[float, float]]) -> None:
    p0, expected = _expected(counts)
    for row in rows:
        want = expected[row["provider"]]
        assert row["name"] == NAMES[row["provider"]]
        assert (row["first_month"], row["last_month"]) == ("2019-01", "2019-03")
        assert row["overall_rate"] == pytest.approx(p0)
        for key in ("within", "total", "proportion", "lower_95", "upper_95", "lower_998", "upper_998"):
            assert row[key] == pytest.approx(want[key]), key
        assert row["funnel_flag"] == want["funnel_flag"]


def _spec(page: str, index: int) -> dict:
    return json.loads(html.unescape(re.findall(r'data-vega-spec="([^"]*)"', page)[index]))


def _funnel_spec(page: str) -> dict:
    specs = [_spec(page, i) for i in range(page.count("data-vega-spec="))]
    found = [s for s in specs if "every trust in England" in str(s.get("title", ""))]
    assert len(found) == 1
    return found[0]


def _points(spec: dict) -> dict[str, dict]:
    return {row["trust"]: row for row in spec["layer"][1]["data"]["values"]}


def _table(page: str) -> list[list[str]]:
    body = page.split('id="funnel-table"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<tr class="nhsuk-table__row">(.*?)</tr>', body, flags=re.S)
    return [
        [
            html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)
        ]
        for r in rows
    ]


def _as_table(rows: list[dict]) -> list[list[str]]:
    """API rows as the page shows them: name, patients, % within (one decimal), flag in words."""
    return [
        [row["name"], f"{row['total']:,.0f}", f"{row['proportion']:.1%}", WORDS[row["funnel_flag"]]]
        for row in rows
    ]


def test_signed_in_funnel_matches_an_independent_computation_and_highlights_the_alliance(signed_in):
    client = signed_in("nat")
    rows = client.get(f"/api/alliances/{EAST}/funnel").json()["rows"]
    assert [r["provider"] for r in rows] == ["RGT", "RGN"]  # the alliance's trusts, best rate first
    _check_rows(rows, EXACT)
    # 111/120 = 92.5% is within the limits around 150/171 = 87.7%; RTX's 75% is below the 95% limit
    assert [r["funnel_flag"] for r in rows] == ["within_95", "within_95"]
    (rtx,) = client.get("/api/trusts/RTX/funnel").json()["rows"]
    _check_rows([rtx], EXACT)
    assert rtx["funnel_flag"] == "below_95"

    page = client.get(f"/alliances/{EAST}").text
    assert page.index('id="trusts"') < page.index('id="funnel"')  # after the ranked trusts
    assert "How the trusts compare" in page and "87.7%" in page
    spec = _funnel_spec(page)
    assert spec["$schema"].endswith("vega-lite/v6.json")
    points = _points(spec)
    assert {name: p["highlight"] for name, p in points.items()} == {
        NAMES["RGT"]: True,
        NAMES["RGN"]: True,
        NAMES["RTX"]: False,
    }
    assert points[NAMES["RGN"]]["proportion"] == pytest.approx(12 / 15)
    assert points[NAMES["RTX"]]["against_limits"] == "Below the 95% limit"
    assert _table(page) == _as_table(rows)


def test_trust_page_highlights_the_trust_after_its_trend(signed_in):
    client = signed_in("rtx")
    page = client.get("/trusts/RTX").text
    assert page.index('id="trend"') < page.index('id="funnel"') < page.index('id="early-diagnosis"')
    points = _points(_funnel_spec(page))
    assert [name for name, p in points.items() if p["highlight"]] == [NAMES["RTX"]]
    assert len(points) == 3  # every trust in England, not only the viewer's own
    rows = client.get("/api/trusts/RTX/funnel").json()["rows"]
    assert _table(page) == _as_table(rows) == [[NAMES["RTX"], "36", "75.0%", "Below the 95% limit"]]


def test_the_public_gets_published_counts_of_the_latest_month_only(client):
    """The public tables are monthly (docs/decisions/0051): the public funnel is of the latest month,
    March (RGT 37 of 40, RGN 4 of 5, RTX 9 of 12), with the published counts; RGN's are withheld, so
    it has no rate and no flag."""
    rows = client.get(f"/api/alliances/{EAST}/funnel").json()["rows"]
    by_code = {row["provider"]: row for row in rows}
    assert {(r["first_month"], r["last_month"]) for r in rows} == {("2019-03", "2019-03")}
    assert (by_code["RGT"]["within"], by_code["RGT"]["total"]) == (35.0, 40.0)
    rgn = by_code["RGN"]
    assert rgn["total"] is None and rgn["total_suppressed"] and rgn["proportion"] is None
    assert rgn["funnel_flag"] is None
    page = client.get(f"/alliances/{EAST}").text
    shown = [row for row in rows if row["proportion"] is not None]
    assert [r for r in _table(page) if r[0] != NAMES["RGN"]] == _as_table(shown)
    assert [r[1:3] for r in _table(page) if r[0] == NAMES["RGN"]] == [["[c]", "[c]"]]
    assert "latest month: without signing in the published tables are monthly" in page
    points = _points(_funnel_spec(page))
    assert NAMES["RGN"] not in points  # a trust with a withheld count is left out
    assert points[NAMES["RGT"]]["proportion"] == pytest.approx(35 / 40)
    for row in rows:
        for key in ("within", "total"):
            assert row[key] is None or row[key] % 5 == 0


def test_csv_matches_the_json(signed_in, client):
    for who, path in (
        (signed_in("east"), f"/api/alliances/{EAST}/funnel"),
        (client, "/api/trusts/RGN/funnel"),
    ):
        rows = who.get(path).json()["rows"]
        response = who.get(f"{path}?format=csv")
        assert response.headers["content-type"].startswith("text/csv")
        table = list(csv.DictReader(io.StringIO(response.text)))
        assert [r["provider"] for r in table] == [r["provider"] for r in rows]
        for got, want in zip(table, rows, strict=True):
            if want["proportion"] is None:  # withheld for the public
                assert got["proportion"] == ""
                continue
            assert float(got["proportion"]) == pytest.approx(want["proportion"])
            assert got["funnel_flag"] == want["funnel_flag"]
            assert float(got["total"]) == want["total"]


def test_unknown_codes_and_standards_are_404(client):
    assert client.get("/api/alliances/E56999999/funnel").status_code == 404
    assert client.get("/api/trusts/ZZZ/funnel").status_code == 404
    assert client.get("/api/trusts/RTX/funnel?standard=nonsense").status_code == 404


def test_the_funnel_is_worked_out_once_per_results_file_and_audience(client, signed_in, monkeypatch):
    calls = []
    original = queries.funnel

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(queries, "funnel", counting)
    national = signed_in("nat")
    for who in (client, national):
        for path in (f"/alliances/{EAST}", "/trusts/RTX", "/trusts/RGT", f"/api/alliances/{EAST}/funnel"):
            assert who.get(path).status_code == 200
            assert who.get(path).status_code == 200
    assert len(calls) == 2  # once for the public, once for signed-in users
