"""`alliance report early-diagnosis`: a self-contained page (no external loads), built from
disclosure-controlled counts, with or without the local Vega scripts."""

import json
import re

import pytest
from typer.testing import CliRunner

from cancer_alliance.cli import _register, app

pytestmark = pytest.mark.cli
_register()
runner = CliRunner()

#: Anything that would make a browser fetch: script/img/iframe src, stylesheet links, CSS url() or @import.
EXTERNAL = re.compile(
    r"""(<(script|img|iframe|link|source)\b[^>]*\b(src|href)=)|url\(|@import""", re.IGNORECASE
)


def report(tmp_path, monkeypatch, node_modules=None, alliance="E56000005"):
    if node_modules is not None:
        monkeypatch.setenv("ALLIANCE_NODE_MODULES", str(node_modules))
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", "early-diagnosis", "--alliance", alliance, "-o", str(out)])
    return result, out


def specs(page: str) -> dict[str, dict]:
    found = re.findall(r'<script type="application/json" id="([a-z]+)-spec">(.*?)</script>', page, re.DOTALL)
    return {name: json.loads(text) for name, text in found}


def test_the_page_loads_nothing_from_outside(tmp_path, monkeypatch):
    result, out = report(tmp_path, monkeypatch)
    assert result.exit_code == 0, result.output
    page = out.read_text()
    markup = re.sub(r"<script>.*?</script>", "", page, flags=re.DOTALL)  # the inlined Vega library code
    assert not EXTERNAL.search(markup)
    assert page.count("<script>") >= 3  # vega, vega-lite, vega-embed inlined (make setup installs them)
    assert set(specs(page)) == {"spc", "sites", "funnel"}


def test_without_vega_the_page_keeps_tables_and_specs(tmp_path, monkeypatch):
    result, out = report(tmp_path, monkeypatch, node_modules=tmp_path / "empty")
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert "vegaEmbed" not in page and "Vega was not installed" in page
    assert set(specs(page)) == {"spc", "sites", "funnel"}
    assert page.count("<table") == 4


def test_published_counts_are_rounded_and_rates_follow_them(tmp_path, monkeypatch):
    _, out = report(tmp_path, monkeypatch, node_modules=tmp_path / "empty")
    rows = specs(out.read_text())["sites"]["data"]["values"]
    assert all(row["stage_staged"] % 5 == 0 for row in rows)
    funnel = specs(out.read_text())["funnel"]["layer"][1]["data"]["values"]
    assert [row["highlight"] for row in funnel].count(True) == 1


def test_the_spc_chart_carries_icons_and_the_75_percent_target(tmp_path, monkeypatch):
    _, out = report(tmp_path, monkeypatch, node_modules=tmp_path / "empty")
    spec = specs(out.read_text())["spc"]
    assert spec["usermeta"]["assurance_type"] in {"consistent_pass", "consistent_fail", "inconsistent"}
    assert {"datum": 0.75} in [layer["encoding"].get("y") for layer in spec["layer"]]
    assert len(spec["data"]["values"]) == 10  # 2013-2022


@pytest.mark.parametrize(
    ("code", "message"),
    [("E56000003", "not one of the 2024/25 alliances"), ("X1", "not a known alliance code")],
)
def test_an_alliance_without_ndrs_figures_is_refused(tmp_path, monkeypatch, code, message):
    result, _ = report(tmp_path, monkeypatch, alliance=code)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
