"""HTML pages: one router per page family, each a thin shell over queries, Scope and presenters."""

from fastapi import APIRouter

from cancer_alliance.web.pages import about, audit, auth, explorer, home, imports, organisations, ptl

router = APIRouter(tags=["pages"])
for module in (home, organisations, explorer, ptl, imports, audit, about, auth):
    router.include_router(module.router)

from cancer_alliance.web.pages import pathways  # noqa: E402  (issue 12: timed pathways)

router.include_router(pathways.router)
