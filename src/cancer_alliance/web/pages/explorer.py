"""Performance explorer: period, standard, tumour type, route and provider filters; table, chart, CSV."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request

from cancer_alliance.web.context import ContextDep, ViewerDep
from cancer_alliance.web.domain_queries.cwt import FiltersDep
from cancer_alliance.web.pages.common import render
from cancer_alliance.web.presenters.charts import performance_trend
from cancer_alliance.web.presenters.performance import month_rows
from cancer_alliance.web.queries import explore, explorer_options, standard_infos

router = APIRouter()


@router.get("/performance", name="explorer")
def explorer(request: Request, ctx: ContextDep, viewer: ViewerDep, filters: FiltersDep):
    series = explore(ctx.results, viewer, filters)
    title = next(i.title for i in standard_infos() if i.standard_id == filters.standard)
    return render(
        request,
        "explorer.jinja",
        filters=filters,
        choices=explorer_options(ctx.results),
        standard_choices={i.standard_id: i.title for i in standard_infos()},
        rows=month_rows(series),
        spec=json.dumps(performance_trend(series, title)),
        title=title,
        csv_query=filters.as_query(),
    )
