"""The Priorities page: one place that leads to every priority's pages, so the header keeps a few items
(NHS.UK's header moves what does not fit into a "More" menu)."""

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
        for priority in priorities(viewer.role, viewer.organisation_code)
    ]
    return render(request, "priorities.jinja", entries=entries)
