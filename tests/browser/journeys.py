"""Given/when/then steps shared by the browser journeys (style.md §2, "Browser journeys")."""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import Page, expect
from tests.browser.conftest import ARTIFACTS
from tests.web.conftest import PASSWORD

from cancer_alliance.web.settings import find_node_modules

AXE = find_node_modules() / "axe-core" / "axe.min.js"
#: axe rules left out, each with its reason. Empty: every rule applies.
AXE_EXCLUSIONS: dict[str, str] = {}
BLOCKING = ("serious", "critical")


def sign_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.locator("#sign-in").click()
    expect(page.locator(".nhsuk-header__account")).to_contain_text(username)


def accessibility_violations(page: Page) -> list[dict]:
    """Serious or critical axe-core violations on the current page (axe evaluated through the
    DevTools protocol, so the page's CSP stays in force)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    options = {"rules": {rule: {"enabled": False} for rule in AXE_EXCLUSIONS}}
    result = page.evaluate("options => axe.run(document, options)", options)
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


def check_page(page: Page, name: str) -> None:
    """The accessibility baseline holds, no CSP violation was reported, and a screenshot is saved."""
    page.wait_for_load_state("networkidle")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    violations = accessibility_violations(page)
    assert violations == [], json.dumps(violations, indent=1)
    assert page.csp_violations == [], page.csp_violations


#: The widths every journey page is checked at: a laptop and a phone (iPhone 12 to 15 in CSS pixels).
WIDTHS = (1280, 390)


def check_widths(page: Page, name: str) -> None:
    """At each of `WIDTHS`: nothing wider than the viewport (no sideways scrolling of the page), the
    accessibility baseline, and a full-page screenshot `<name>-<width>.png` (`check_page`)."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(100)  # the header re-flows its "More" menu on resize
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} at {width} px is {overflow} px wider than the viewport"
        check_page(page, f"{name}-{width}")
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def saved_download(download, folder: Path) -> str:
    target = folder / download.suggested_filename
    download.save_as(target)
    return target.read_text(encoding="utf-8")


def open_header_item(page: Page, name: str) -> None:
    """Follow a header link as a person would: shown on the header's line, or under its "More" button
    (the NHS.UK header moves what does not fit there)."""
    header = page.locator("nav.nhsuk-header__navigation")
    link = header.get_by_role("link", name=name, exact=True)
    if not link.count():
        header.get_by_role("button", name="More").click()
    link.click()


def follow_priority_link(page: Page, name: str) -> None:
    """Open a priority's page as a person would: Priorities in the header (its page meets the baseline),
    then the link on that page."""
    open_header_item(page, "Priorities")
    check_page(page, f"priorities-then-{slug(name)}")
    page.locator("#priorities").get_by_role("link", name=name).click()
