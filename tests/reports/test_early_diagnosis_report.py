"""`alliance report early-diagnosis`: a self-contained page (no external loads), built from
disclosure-controlled counts, with or without the local Vega scripts."""

import base64
import json
import re

import pytest
from typer.testing import CliRunner

from cancer_alliance.cli import _register, app
from cancer_alliance.stats.icons import ICON_LABELS, icon_svg

pytestmark = pytest.mark.cli
_register()
runner = CliRunner()

#: Anything that would make a browser fetch: script/img/iframe src, stylesheet links, CSS url() or @import.
#: A data: URI (the SPC icons) is inside the page, so it is allowed.
EXTERNAL = re.compile(
    r"""(<(script|img|iframe|link|source)\b[^>]*\b(src|href)=(?!["']?data:))|url\(|@import""", re.IGNORECASE
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


def test_an_image_with_an_outside_source_would_be_caught():
    """The check above, tested: an http(s) or relative src is external, a data: URI is not."""
    assert EXTERNAL.search('<img src="https://example.org/x.svg" alt="">')
    assert EXTERNAL.search("<img alt='' src='icons/x.svg'>")
    assert not EXTERNAL.search('<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="">')


def test_the_spc_icons_are_shown_above_the_chart_with_alt_text(tmp_path, monkeypatch):
    """Making Data Count icons (NHSRplotthedots, `R/geom_ptd_icon.R`) as <img> with their labels as alt
    text, the same icons the chart draws, whether or not Vega is installed."""
    for node_modules in (None, tmp_path / "empty"):
        _, out = report(tmp_path, monkeypatch, node_modules=node_modules)
        page = out.read_text()
        spec = specs(page)["spc"]
        icons = [spec["usermeta"]["variation_icon"], spec["usermeta"]["assurance_type"]]
        images = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)"', page)
        assert [alt for _, alt in images] == [ICON_LABELS[name] for name in icons]
        assert [base64.b64decode(body).decode() for body, _ in images] == [icon_svg(name) for name in icons]
        drawn = [layer["mark"]["url"] for layer in spec["layer"] if layer["mark"]["type"] == "image"]
        assert drawn == [f"data:image/svg+xml;base64,{body}" for body, _ in images]
        assert page.index('class="spc-icons"') < page.index('id="spc-spec"')


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("X1", "not a known alliance code"),
        ("E57000002", "was later split into North Central London and North East London"),
    ],
)
def test_an_alliance_without_one_ndrs_geography_is_refused(tmp_path, monkeypatch, code, message):
    result, _ = report(tmp_path, monkeypatch, alliance=code)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_a_2018_19_alliance_reports_its_successor_and_says_so(tmp_path, monkeypatch):
    """West Yorkshire (E56000003, 2018/19) is reported by NDRS as West Yorkshire and Harrogate
    (early_diagnosis/data/alliance_ndrs_geographies.csv)."""
    result, out = report(tmp_path, monkeypatch, alliance="E56000003")
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert "<h1>Early diagnosis: West Yorkshire and Harrogate</h1>" in page
    assert 'id="successor-note"' in page
    assert "Figures for the successor alliance West Yorkshire and Harrogate" in page


def test_an_alliance_reported_under_its_own_code_has_no_successor_note(tmp_path, monkeypatch):
    result, out = report(tmp_path, monkeypatch, alliance="E56000005")
    assert result.exit_code == 0, result.output
    assert 'id="successor-note"' not in out.read_text()
