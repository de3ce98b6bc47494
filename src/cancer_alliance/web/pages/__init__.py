"""HTML pages: one router per page family, each a thin shell over queries, Scope and presenters."""

from fastapi import APIRouter

from cancer_alliance.web.pages import (
    about,
    audit,
    auth,
    explorer,
    fit,
    followup,
    followup_metrics,
    home,
    imports,
    lung,
    organisations,
    pathways,
    priorities,
    programme,
    ptl,
    radiotherapy,
)

router = APIRouter(tags=["pages"])
for module in (
    home,
    organisations,
    explorer,
    ptl,
    pathways,
    followup,
    followup_metrics,
    fit,
    lung,
    radiotherapy,
    programme,
    priorities,
    imports,
    audit,
    about,
    auth,
):
    router.include_router(module.router)
