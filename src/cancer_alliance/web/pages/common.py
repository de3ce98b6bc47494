"""Rendering helpers shared by the pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

NAVIGATION = (
    ("home", "Map of alliances", False),
    ("explorer", "Performance explorer", False),
    ("ptl_list", "Patient tracking list", True),
    ("import_form", "Import", True),
    ("about", "About the data", False),
)


def render(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    """A page: the template with the viewer, the CSRF token and the navigation filled in."""
    viewer = request.state.viewer
    nav = [
        {
            "href": str(request.url_for(name)),
            "text": text,
            "current": request.url.path == request.url_for(name).path,
        }
        for name, text, signed_in_only in NAVIGATION
        if viewer.signed_in or not signed_in_only
    ]
    ctx = request.app.state.context
    return ctx.templates.TemplateResponse(
        request,
        template,
        {
            "viewer": viewer,
            "csrf_token": request.state.session.csrf,
            "navigation": nav,
            "blank": "none" if viewer.signed_in else "withheld",
            **values,
        },
        status_code=status_code,
    )


def render_error(
    request: Request, status_code: int, title: str, detail: str, headers: Mapping[str, str] | None = None
) -> HTMLResponse:
    response = render(request, "error.jinja", status_code=status_code, title=title, detail=detail)
    if headers:
        response.headers.update(headers)
    return response
