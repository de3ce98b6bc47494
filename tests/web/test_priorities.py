"""The Priorities page leads every role to the pages it may use, and only those (design.md lists the
priorities; the header's items by role are tested in test_navigation.py). Each link is followed by
the crawl in test_links.py."""

from __future__ import annotations

import re

import pytest
from tests.web.conftest import EAST

pytestmark = pytest.mark.web


def links(html: str) -> set[str]:
    section = html[html.index('id="priorities"') :]
    return set(re.findall(r'<a href="([^"]+)"', section))


# href -> who sees it: p public, n national, a alliance (east), t trust (rgt)
EXPECTED = {
    "/performance": "pnat",
    "/ptl": "nat",
    "/": "pnat",
    f"/alliances/{EAST}/timed-pathways": "a",
    "/trusts/RGT/timed-pathways": "t",
    "/followup": "",  # the worklist needs the clinical grant, which rgt has not (test below)
    "/followup/metrics": "nat",
    "/bowel-screening": "pnat",
    "/lung/calculator": "pnat",
    "/lung/programme": "pnat",
    "/radiotherapy": "pnat",
    "/programme": "nat",
    "/library": "pnat",
    "/import": "nat",
    "/audit": "n",
    "/about#withheld": "p",  # the public pages' note on withheld figures, `[c]` (issue #22)
}


@pytest.mark.parametrize("who, user", [("p", None), ("n", "nat"), ("a", "east"), ("t", "rgt")])
def test_each_role_sees_the_links_it_may_follow(client, signed_in, who, user):
    page = (signed_in(user) if user else client).get("/priorities")
    assert page.status_code == 200
    assert links(page.text) == {href for href, roles in EXPECTED.items() if who in roles}


def test_the_public_is_told_to_sign_in_for_follow_up(client):
    text = client.get("/priorities").text
    follow_up = text[text.index("Breast stratified follow-up") :]
    assert follow_up.index("Sign in to see these pages.") < follow_up.index("Bowel screening")


def test_the_worklist_is_offered_only_with_the_clinical_grant(app, signed_in):
    from tests.followup.web.helpers import grant_clinical

    assert "/followup" not in links(signed_in("rgt").get("/priorities").text)
    grant_clinical(app.state.context.store, "rgt")
    assert "/followup" in links(signed_in("rgt").get("/priorities").text)
