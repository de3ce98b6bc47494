"""HTML pages: one router per page family, each a thin shell over queries, Scope and presenters."""

from fastapi import APIRouter

from cancer_alliance.web.pages import (
    about,
    audit,
    auth,
    explorer,
    home,
    imports,
    organisations,
    programme,
    ptl,
)

router = APIRouter(tags=["pages"])
for module in (home, organisations, explorer, ptl, imports, audit, about, auth, programme):
    router.include_router(module.router)
