"""Rendering helpers shared by the pages."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment
from markupsafe import Markup, escape

from cancer_alliance.store import Role
from cancer_alliance.web.presenters.formatting import WITHHELD
from cancer_alliance.web.sample import sample_notice
from cancer_alliance.web.scope import Viewer

#: Who may import files (pages/imports.py checks it; the navigation shows the link only to them).
IMPORTERS = (Role.national, Role.alliance, Role.trust)

SIGNED_IN = frozenset(Role)
#: Header navigation: route name, text, and the roles that may use it (None: everyone, the public too).
#: Kept to a few items (NHS.UK's header hides what does not fit behind "More"); every priority's pages,
#: import and the audit log are reached from the Priorities page (`pages/priorities.py`).
NAVIGATION: tuple[tuple[str, str, frozenset[Role] | None], ...] = (
    ("home", "Map of alliances", None),
    ("explorer", "Performance explorer", None),
    ("ptl_list", "Patient tracking list", SIGNED_IN),
    ("followup_worklist", "Follow-up", frozenset({Role.trust})),  # the clinical role is checked on the page
    ("priorities", "Priorities", None),
    ("about", "About the data", None),
)


def render(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    """A page: the template with the viewer, the CSRF token, the header and the footer filled in."""
    viewer = request.state.viewer
    ctx = request.app.state.context
    environment = ctx.templates.env
    csrf = request.state.session.csrf
    nav = _navigation(request.app, request.url.path, viewer.role)
    header = _page_header(environment, _account_label(viewer), nav)
    return ctx.templates.TemplateResponse(
        request,
        template,
        {
            "viewer": viewer,
            "csrf_token": csrf,
            "page_header": Markup(header.replace(CSRF_PLACEHOLDER, str(escape(csrf)))),
            "page_footer": _page_footer(environment),
            "data_status": ctx.results.data_status(),
            "sample_notice": sample_notice(ctx.settings.home),
            "blank": "none" if viewer.signed_in else WITHHELD,
            **values,
        },
        status_code=status_code,
    )


#: Stands for the session's CSRF token in a cached header (the sign-out form); never a real token.
CSRF_PLACEHOLDER = "csrf-token-placeholder-0000"


def _account_label(viewer: Viewer) -> str | None:
    """The header's account text, e.g. "Demo Trust (trust RX1)"; None for the public."""
    if not viewer.signed_in:
        return None
    organisation = f" {viewer.organisation_code}" if viewer.organisation_code else ""
    return f"{viewer.display_name} ({viewer.role}{organisation})"


@lru_cache(maxsize=64)
def _navigation(app: Any, path: str, role: Role | None) -> tuple[tuple[str, str, bool], ...]:
    """(href, text, current) of each navigation item the viewer's role may use (None: the public)."""
    items = []
    for name, text, roles in NAVIGATION:
        if roles is None or role in roles:
            href = app.url_path_for(name)
            items.append((str(href), text, path == href))
    return tuple(items)


@lru_cache(maxsize=1024)
def _page_header(
    environment: Environment, account_label: str | None, nav: tuple[tuple[str, str, bool], ...]
) -> str:
    """The NHS.UK skip link and header, rendered once per account label and navigation: the header
    macros cost more than most page bodies (web/README.md, "Speed")."""
    return environment.get_template("page_header.jinja").render(
        signed_in=account_label is not None,
        account_label=account_label,
        navigation=[{"href": href, "text": text, "current": current} for href, text, current in nav],
        csrf_placeholder=CSRF_PLACEHOLDER,
    )


@lru_cache(maxsize=4)
def _page_footer(environment: Environment) -> Markup:
    """The NHS.UK footer, the same on every page."""
    return Markup(environment.get_template("page_footer.jinja").render())


def render_error(
    request: Request, status_code: int, title: str, detail: str, headers: Mapping[str, str] | None = None
) -> HTMLResponse:
    response = render(request, "error.jinja", status_code=status_code, title=title, detail=detail)
    if headers:
        response.headers.update(headers)
    return response
