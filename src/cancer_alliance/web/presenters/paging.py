"""Previous and next links for the NHS.UK pagination component (long lists: the PTL, the audit log)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode


def pagination(path: str, query: Mapping[str, str], page: int, page_rows: int, total: int) -> dict[str, Any]:
    """Links to the pages either side of `page` of `total` rows shown `page_rows` at a time, keeping
    the filters in `query`; past the last page, "previous" goes to the last page."""
    pages = max(1, -(-total // page_rows))

    def link(number: int) -> dict[str, str]:
        return {
            "href": f"{path}?" + urlencode({**query, "page": str(number)}),
            "labelText": f"Page {number} of {pages}",
        }

    return {
        "previous": link(min(page - 1, pages)) if page > 1 else None,
        "next": link(page + 1) if page < pages else None,
    }
