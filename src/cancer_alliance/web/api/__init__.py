"""JSON API (documented by the generated OpenAPI at /openapi.json): everything the pages show, each
table also as CSV with `?format=csv`. Patient-level operations carry the tag `patient-level`."""

from fastapi import APIRouter, Request

from cancer_alliance.web.api import (
    aggregates,
    fit,
    followup,
    lung,
    pathways,
    patients,
    programme,
    radiotherapy,
)

router = APIRouter(prefix="/api")
for module in (aggregates, patients, pathways, followup, fit, lung, radiotherapy, programme):
    router.include_router(module.router)


@router.get("/session", tags=["accounts"])
def session_info(request: Request) -> dict:
    """Who the session belongs to and its CSRF token (send it as X-CSRF-Token on POST)."""
    viewer = request.state.viewer
    return {
        "signed_in": viewer.signed_in,
        "username": viewer.username if viewer.signed_in else None,
        "role": str(viewer.role) if viewer.role else None,
        "organisation_code": viewer.organisation_code,
        "csrf_token": request.state.session.csrf,
    }
