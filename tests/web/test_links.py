"""Every link a page shows leads somewhere that works (issue 6 item 2, "find what they need in a few
clicks"): starting from the home page, each role follows every internal link and submits every GET
form with the values the page put in it. No link or form shown to a user may answer an error."""

from __future__ import annotations

import re
from collections import deque
from html import unescape
from urllib.parse import urlencode, urljoin, urlsplit

import pytest

pytestmark = pytest.mark.web

LINK = re.compile(r'<a\b[^>]*\bhref="([^"#]*)(?:#[^"]*)?"', re.IGNORECASE)
FORM = re.compile(
    r'<form\b[^>]*\bmethod="get"[^>]*\baction="([^"]+)"[^>]*>(.*?)</form>', re.IGNORECASE | re.S
)
FIELD = re.compile(r'<(select|input)\b[^>]*\bname="([^"]+)"[^>]*>', re.IGNORECASE)
SELECTED = re.compile(r'<option value="([^"]*)"[^>]*\bselected', re.IGNORECASE)
VALUE = re.compile(r'\bvalue="([^"]*)"', re.IGNORECASE)
#: Links that leave the pages on purpose: sign-out is a POST form, downloads are checked elsewhere.
SKIP = ("/logout", "/static/", "/assets/")
MAX_PAGES = 400


def form_urls(html: str) -> list[str]:
    """Each GET form submitted as the page filled it: selects with their selected option (or the
    first), inputs with their value."""
    urls = []
    for action, body in FORM.findall(html):
        fields = {}
        for match in FIELD.finditer(body):
            kind, name = match.group(1).lower(), match.group(2)
            if kind == "select":
                rest = body[match.end() : body.find("</select>", match.end())]
                chosen = SELECTED.findall(rest) or VALUE.findall(rest)[:1]
                fields[name] = unescape(chosen[0]) if chosen else ""
            else:
                value = VALUE.search(match.group(0))
                fields[name] = unescape(value.group(1)) if value else ""
        urls.append(f"{unescape(action)}?{urlencode(fields)}")
    return urls


def crawl(client) -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = deque(["/"])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url, follow_redirects=False)
        seen[url] = response.status_code
        if response.status_code != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        found = [unescape(href) for href in LINK.findall(response.text)] + form_urls(response.text)
        for href in found:
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.netloc not in ("", "testserver") or not parts.path.startswith("/"):
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if not local.startswith(SKIP) and local not in seen:
                queue.append(local)
    return seen


@pytest.mark.parametrize("user", ["public", "nat", "east", "rgt"])
def test_every_link_and_form_a_role_sees_works(client, signed_in, user):
    visitor = client if user == "public" else signed_in(user)
    seen = crawl(visitor)
    broken = {url: status for url, status in seen.items() if status not in (200, 303)}
    assert broken == {}
    assert len(seen) > 30  # the crawl really went somewhere: pages, API tables, downloads
    assert any("?" in url and "standard=" in url for url in seen)  # a form was submitted
