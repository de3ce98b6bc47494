"""Programme reads shared by the `/programme` and `/library` pages and `/api/programme/...`: which month
and alliance a request is about, and the page size of the case-study library."""

from __future__ import annotations

import datetime as dt

from fastapi import HTTPException

from cancer_alliance.errors import InputError
from cancer_alliance.programme.board import check_month
from cancer_alliance.results.reader import ResultsMissing
from cancer_alliance.store import Role
from cancer_alliance.web.presenters import programme as present
from cancer_alliance.web.scope import Viewer

#: Case studies on one page of search results (newest first); narrow the search to see others.
PAGE_ROWS = 100


def current_month(ctx) -> str:
    """The latest month with waiting-times results, else the demo's reference month, else last month."""
    try:
        months = ctx.results.months()
        if months:
            return str(months[-1])
    except ResultsMissing:
        pass
    try:
        return ctx.results.reference_date().strftime("%Y-%m")
    except (ResultsMissing, FileNotFoundError):
        return (dt.date.today().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")


def home_alliance(viewer: Viewer, ctx) -> str | None:
    """The viewer's own alliance: theirs (alliance users), their trust's (trust users), none (national)."""
    if viewer.role == Role.alliance:
        return viewer.organisation_code
    if viewer.role == Role.trust:
        return ctx.provider_alliance.get(viewer.organisation_code or "")
    return None


def chosen_month(value: str, ctx) -> str:
    """The month asked for (YYYY-MM; 400 otherwise), else the current one."""
    if not value:
        return current_month(ctx)
    try:
        return check_month(value)
    except InputError:
        raise HTTPException(status_code=400, detail="Month must be YYYY-MM, for example 2019-03.") from None


def chosen_alliance(value: str, viewer: Viewer, ctx) -> str:
    """The alliance asked for (404 if unknown), else the viewer's own, else "" (all)."""
    code = value or home_alliance(viewer, ctx) or ""
    if not code:
        return ""
    if code not in present.alliance_names():
        raise HTTPException(status_code=404, detail="Unknown alliance.")
    return code
