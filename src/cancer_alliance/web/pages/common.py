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
from cancer_alliance.web.navigation import IMPORTERS, Place, header_items, place_of
from cancer_alliance.web.presenters.formatting import WITHHELD
from cancer_alliance.web.queries import organisation_name
from cancer_alliance.web.sample import sample_notice
from cancer_alliance.web.scope import Viewer

__all__ = ["IMPORTERS", "SIGNED_IN", "render", "render_error"]

SIGNED_IN = frozenset(Role)


def render(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    """A page: the template with the viewer, the CSRF token, the header and the footer filled in."""
    viewer = request.state.viewer
    ctx = request.app.state.context
    environment = ctx.templates.env
    csrf = request.state.session.csrf
    place = place_of(viewer, ctx.provider_alliance)
    nav = _navigation(request.app, request.url.path, place)
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
    """The header's account text naming the organisation, e.g. "Trust cancer manager (demo), Barts
    Health" or "National analyst (demo), England"; None for the public."""
    if not viewer.signed_in:
        return None
    if viewer.role is Role.national:
        return f"{viewer.display_name}, England"
    if not viewer.organisation_code:
        return viewer.display_name
    return f"{viewer.display_name}, {organisation_name(viewer.organisation_code, short=True)}"


@lru_cache(maxsize=256)
def _navigation(app: Any, path: str, place: Place) -> tuple[tuple[str, str, bool], ...]:
    """(href, text, current) of each header item for `place` (`navigation.header_items`)."""
    items = []
    for item in header_items(place):
        href = str(app.url_path_for(item.route, **dict(item.params)))
        items.append((href, item.text, path == href))
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
