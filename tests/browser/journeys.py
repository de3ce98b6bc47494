"""Given/when/then steps shared by the browser journeys (style.md §2, "Browser journeys")."""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout
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


#: Visible tables cut off by a box that scrolls or clips sideways (its scrollWidth beyond its clientWidth,
#: overflow-x auto, scroll, hidden or clip) with a cell's right edge past the box's visible edge: each
#: table's name (id, caption or the heading before it), how many pixels of columns are out of sight and
#: the box's tag and class. Measuring the cells ignores a visually hidden caption's pixel or two.
HIDDEN_COLUMNS_JS = """() => {
  const clips = el => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(el).overflowX);
  const heading = table => {
    for (let el = table; el && el !== document.body; el = el.parentElement) {
      for (let prev = el.previousElementSibling; prev; prev = prev.previousElementSibling) {
        const h = prev.matches('h1,h2,h3,h4') ? prev : prev.querySelector('h1,h2,h3,h4');
        if (h) return h.textContent.trim();
      }
    }
    return '';
  };
  const named = table => (table.id ? '#' + table.id + ' ' : '')
    + JSON.stringify((table.caption ? table.caption.textContent : heading(table)).trim().slice(0, 80));
  const found = [];
  for (const table of document.querySelectorAll('table')) {
    if (!table.getClientRects().length) continue;
    const cells = [...table.querySelectorAll('th, td')].filter(cell => cell.getClientRects().length);
    const right = Math.max(...cells.map(cell => cell.getBoundingClientRect().right));
    for (let box = table.parentElement; box && box !== document.body; box = box.parentElement) {
      if (box.scrollWidth <= box.clientWidth || !clips(box)) continue;
      const edge = box.getBoundingClientRect().left + box.clientLeft + box.clientWidth;
      const hidden = Math.round(right - edge);
      if (hidden > 1) {
        found.push(`table ${named(table)}: ${hidden} px of columns hidden in <${box.tagName.toLowerCase()}`
          + ` class="${box.className}">`);
        break;
      }
    }
  }
  return found;
}"""


def hidden_columns(page: Page) -> list[str]:
    """Tables whose columns are out of sight inside a box that scrolls or clips sideways (such as
    `app-table-scroll`): the page itself fits, but a reader on that width cannot see every column."""
    return page.evaluate(HIDDEN_COLUMNS_JS)


def resize(page: Page, width: int, height: int = 900) -> None:
    """Set the viewport and give the page's resize handlers time to settle: NHS.UK's header moves the
    items that no longer fit into its "More" menu after a resize, later on a loaded machine. Waits up
    to 5 s for the page to fit; a page that still does not fit is left for the caller's check."""
    page.set_viewport_size({"width": width, "height": height})
    try:
        page.wait_for_function(
            "width => document.documentElement.scrollWidth <= width", arg=width, timeout=5000
        )
    except PlaywrightTimeout:
        pass


def check_widths(page: Page, name: str) -> None:
    """At each of `WIDTHS`: nothing wider than the viewport (no sideways scrolling of the page), no table
    column hidden in a sideways-scrolling box (`hidden_columns`), the accessibility baseline, and a
    full-page screenshot `<name>-<width>.png` (`check_page`)."""
    for width in WIDTHS:
        resize(page, width)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        problems = [f"{overflow} px wider than the viewport"] if overflow > 0 else []
        problems += hidden_columns(page)
        if problems:  # the screenshot shows what failed
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        assert problems == [], f"{name} at {width} px: " + "; ".join(problems)
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
