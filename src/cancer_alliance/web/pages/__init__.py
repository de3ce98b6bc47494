"""HTML pages: one router per page family, each a thin shell over queries, Scope and presenters."""

from fastapi import APIRouter

from cancer_alliance.web.pages import about, audit, auth, explorer, home, imports, organisations, ptl
from cancer_alliance.web.pages import programme as programme_pages  # issue 15

router = APIRouter(tags=["pages"])
for module in (home, organisations, explorer, ptl, imports, audit, about, auth):
    router.include_router(module.router)
router.include_router(programme_pages.router)  # issue 15
