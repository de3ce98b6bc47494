"""CSRF protection for every state-changing request (synchroniser token, decision record 0010).

Each session carries a random token; every form posts it back as `csrf_token` and API clients send it
in the `X-CSRF-Token` header. A POST without the session's token is refused with 403 before any work
is done. SameSite=Lax cookies are a second line, not the defence.
"""

from __future__ import annotations

import secrets

from fastapi import HTTPException, Request

FORM_FIELD = "csrf_token"
HEADER = "x-csrf-token"


async def require_csrf(request: Request) -> None:
    """FastAPI dependency on every POST route: the request must carry the session's token."""
    expected = request.state.session.csrf
    supplied = request.headers.get(HEADER)
    if supplied is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(FORM_FIELD)
        supplied = value if isinstance(value, str) else None
    if not supplied or not secrets.compare_digest(supplied, expected):
        raise HTTPException(status_code=403, detail="The form has expired or did not come from this site.")
