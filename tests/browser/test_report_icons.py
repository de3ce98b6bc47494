"""The early diagnosis report (`alliance report early-diagnosis`) opened from disk in Chromium: vega-embed
draws the SPC chart with the Making Data Count variation and assurance icons as <image> elements in the
plot's top right corner (NHSRplotthedots, `R/geom_ptd_icon.R`), and the icons above the chart load as
<img> with alt text."""

from __future__ import annotations

import base64

import pytest
from playwright.sync_api import expect
from tests.browser.conftest import ARTIFACTS
from tests.browser.journeys import accessibility_violations

from cancer_alliance.reports.early_diagnosis import early_diagnosis_report
from cancer_alliance.stats.icons import ICON_LABELS, icon_svg
from cancer_alliance.web.settings import find_node_modules

pytestmark = pytest.mark.browser

PREFIX = "data:image/svg+xml;base64,"


def test_the_report_draws_the_spc_icons_in_the_chart(browser, tmp_path, monkeypatch):
    monkeypatch.setenv("ALLIANCE_NODE_MODULES", str(find_node_modules()))
    out = tmp_path / "report.html"
    summary = early_diagnosis_report("E56000005", out)  # Cheshire and Merseyside
    assert summary.scripts_inlined
    context = browser.new_context(viewport={"width": 1000, "height": 900}, locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(out.as_uri())

    images = page.locator("#spc svg image")
    expect(images).to_have_count(2)  # common cause variation; the 75% target consistently missed
    drawn = [base64.b64decode(images.nth(i).get_attribute("href")[len(PREFIX) :]).decode() for i in range(2)]
    assert drawn == [icon_svg("common_cause"), icon_svg("consistent_fail")]

    # both in the top right corner of the plot, the variation icon outermost
    plot = page.locator("#spc svg .mark-rule").first.bounding_box()  # the target line spans the plot
    variation, assurance = (images.nth(i).bounding_box() for i in range(2))
    assert variation["width"] == assurance["width"] == 36
    assert plot["x"] + plot["width"] - 10 < variation["x"] + variation["width"] <= plot["x"] + plot["width"]
    assert assurance["x"] + assurance["width"] <= variation["x"]
    assert abs(variation["y"] - assurance["y"]) < 1 and variation["y"] < plot["y"] + 20

    # the same icons above the chart as images with alt text, loaded (a broken image has no width)
    shown = page.locator(".spc-icons img")
    expect(shown).to_have_count(2)
    assert [shown.nth(i).get_attribute("alt") for i in range(2)] == [
        ICON_LABELS["common_cause"],
        ICON_LABELS["consistent_fail"],
    ]
    assert page.evaluate("[...document.querySelectorAll('.spc-icons img')].every(i => i.naturalWidth > 0)")
    assert errors == []
    assert accessibility_violations(page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#spc").screenshot(path=str(ARTIFACTS / "report-spc-icons.png"))
    context.close()
