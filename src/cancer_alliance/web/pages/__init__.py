"""HTML pages: one router per page family, each a thin shell over queries, Scope and presenters."""

from fastapi import APIRouter

from cancer_alliance.web.pages import about, audit, auth, explorer, home, imports, organisations, ptl
from cancer_alliance.web.pages import fit as fit_pages
from cancer_alliance.web.pages import radiotherapy as radiotherapy_pages
from cancer_alliance.web.pages import (
    about,
    audit,
    auth,
    explorer,
    home,
    imports,
    lung,  # lung health checks (issue #10)
    organisations,
    ptl,
)

router = APIRouter(tags=["pages"])
for module in (home, organisations, explorer, ptl, imports, audit, about, auth):
    router.include_router(module.router)
router.include_router(fit_pages.router)  # bowel screening (issue #13)
router.include_router(radiotherapy_pages.router)
router.include_router(lung.router)
