"""The Priorities page: every priority explained, with the pages the viewer may use for it (the header
reaches the same pages, `web/navigation.py`)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from cancer_alliance.web.context import ViewerDep
from cancer_alliance.web.pages.common import render
from cancer_alliance.web.presenters.priorities import priorities

router = APIRouter()


@router.get("/priorities", name="priorities")
async def priorities_page(request: Request, viewer: ViewerDep):
    entries = [
        (
            priority,
            [
                (link.text, request.app.url_path_for(link.route, **dict(link.params)))
                for link in priority.links
            ],
        )
        for priority in priorities(viewer.role, viewer.organisation_code, viewer.clinical)
    ]
    return render(request, "priorities.jinja", entries=entries)
