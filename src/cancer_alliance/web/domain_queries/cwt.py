"""Waiting-times request handling shared by the explorer page (`/performance`) and `/api/performance`:
the explorer's filters from the query. The reads themselves are in `web.queries` (`explore`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException

from cancer_alliance.web.queries import ExplorerFilters, alliance_names, standard_infos


def explorer_filters(
    standard: str = "62d_usc",
    start: str = "",
    end: str = "",
    tumour_type: str = "",
    route: str = "",
    provider: str = "",
    alliance: str = "",
) -> ExplorerFilters:
    known = {info.standard_id for info in standard_infos()}
    if standard not in known:
        raise HTTPException(status_code=404, detail="Unknown standard.")
    if alliance and alliance not in alliance_names():
        raise HTTPException(status_code=404, detail="Unknown alliance.")
    return ExplorerFilters(standard, start, end, tumour_type, route, provider, alliance)


FiltersDep = Annotated[ExplorerFilters, Depends(explorer_filters)]
