"""The audit log in a real browser (issue 6: "An audit record for every patient-level page view, note
and export (who, what, when)"): a national user opens a pathway, then finds that view in the audit
log through the navigation and the filter form; axe-core on the page. Generated records only."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from tests.browser.conftest import ARTIFACTS
from tests.browser.journeys import check_page, follow_priority_link, sign_in

pytestmark = pytest.mark.browser


def test_a_national_user_finds_a_pathway_view_in_the_audit_log(page):
    sign_in(page, "nat")
    page.goto("/ptl/P-RTX-1")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pathway P-RTX-1")
    follow_priority_link(page, "Audit log")
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    page.get_by_label("What was acted on").select_option(label="Pathway")
    page.get_by_label("Object id").fill("P-RTX-1")
    page.locator("#apply-audit-filters").click()
    expect(page).to_have_url(re.compile(r"object_type=cwt_pathway&object_id=P-RTX-1"))
    rows = page.locator("#audit-table tbody tr")
    expect(rows.first.locator("td").nth(1)).to_have_accessible_name("nat")
    expect(rows.first.locator("td").nth(2)).to_have_accessible_name("Viewed")
    expect(rows.first.locator("td").nth(3)).to_have_accessible_name("Pathway P-RTX-1")
    expect(page.locator("#audit-csv")).to_have_attribute("href", re.compile(r"object_type=cwt_pathway"))
    check_page(page, "audit-log")
    page.goto("/audit")  # every event: details folded, nothing wider than a phone
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"audit-log-all-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
