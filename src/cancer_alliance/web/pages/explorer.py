"""Performance explorer: period, standard, tumour type, route, alliance and trust filters; the monthly
table, chart and CSV, and the selection's trusts compared side by side with England (issue 23)."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request

from cancer_alliance.web.context import ContextDep, ViewerDep
from cancer_alliance.web.domain_queries.cwt import FiltersDep
from cancer_alliance.web.pages.common import render
from cancer_alliance.web.presenters.charts import performance_trend
from cancer_alliance.web.presenters.formatting import format_month, percent, route_name
from cancer_alliance.web.presenters.performance import month_ranking, month_rows
from cancer_alliance.web.queries import (
    ExplorerFilters,
    alliance_names,
    compare_month,
    compare_trusts,
    explore,
    explorer_options,
    public_filters,
    public_view,
    standard_infos,
    trust_names,
)

router = APIRouter()


@router.get("/performance", name="explorer")
def explorer(request: Request, ctx: ContextDep, viewer: ViewerDep, filters: FiltersDep):
    series = explore(ctx.results, viewer, filters)
    title = next(i.title for i in standard_infos() if i.standard_id == filters.standard)
    compared = compare_trusts(ctx.results, viewer, filters)
    england = compared[compared["provider"].isna()]
    england_value = england["performance"].iloc[0] if len(england) else None
    public = public_view(viewer)
    shown = public_filters(filters) if public else filters
    period = _period(shown, explorer_options(ctx.results).months)
    month = compare_month(ctx.results, viewer, filters)
    return render(
        request,
        "explorer.jinja",
        filters=shown,
        public=public,
        narrowed=shown != filters,
        choices=explorer_options(ctx.results),
        routes=[(code, route_name(code)) for code in explorer_options(ctx.results).routes],
        standard_choices={i.standard_id: i.title for i in standard_infos()},
        rows=month_rows(series),
        spec=json.dumps(performance_trend(series, title)),
        title=title,
        csv_query=shown.as_query(),
        alliances=sorted(alliance_names().items(), key=lambda item: item[1]),
        period=period,
        compare_period=format_month(month) if month else period,
        england=percent(england_value),
        compared=month_ranking(compared[compared["provider"].notna()], trust_names(), england_value),
    )


def _period(filters: ExplorerFilters, months: list[str]) -> str:
    """The selection's months in words, e.g. "April 2018 to March 2019"."""
    first = filters.start or (months[0] if months else "")
    last = filters.end or (months[-1] if months else "")
    if not first:
        return ""
    return format_month(first) if first == last else f"{format_month(first)} to {format_month(last)}"
