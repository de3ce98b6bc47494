"""Aggregates for pages and the API alike: one function per thing shown, so a page and its JSON and
CSV twins always agree. The public gets every output through disclosure control (`disclosure.py`);
signed-in users see exact counts. Patient-level rows are not here: they go through `Scope`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from cancer_alliance import reference
from cancer_alliance.web.disclosure import publish_performance
from cancer_alliance.web.presenters.performance import (
    DEFAULT_STANDARD,
    HEADLINE_STANDARDS,
    StandardInfo,
    by_standard,
    monthly,
    period_totals,
)
from cancer_alliance.web.results import Results
from cancer_alliance.web.scope import Viewer

ALLIANCE_VERSION = "2018/19"


@lru_cache(maxsize=1)
def standard_infos() -> tuple[StandardInfo, ...]:
    """Standards in reference order, the most recent threshold for each id."""
    latest: dict[str, StandardInfo] = {}
    for row in reference.standards():
        latest[row.standard_id] = StandardInfo(row.standard_id, row.title, row.threshold)
    return tuple(latest.values())


@lru_cache(maxsize=1)
def alliance_names() -> dict[str, str]:
    return {a.code: a.name for a in reference.alliances(ALLIANCE_VERSION)}


@lru_cache(maxsize=1)
def trust_names() -> dict[str, str]:
    return {t.ods_code: t.name for t in reference.trusts(ALLIANCE_VERSION)}


def visible(frame: pd.DataFrame, viewer: Viewer) -> pd.DataFrame:
    """Aggregates as this viewer may see them: exact when signed in, published otherwise."""
    return frame if viewer.signed_in else publish_performance(frame)


def check_standard(standard_id: str) -> str:
    known = {info.standard_id for info in standard_infos()}
    if standard_id not in known:
        raise ValueError(f"unknown standard {standard_id!r}")
    return standard_id


def alliance_overview(results: Results, viewer: Viewer, standard_id: str = DEFAULT_STANDARD) -> pd.DataFrame:
    """Each 2018/19 alliance with its performance on a standard over the whole results period."""
    check_standard(standard_id)
    return results.derived(
        "month_alliance",
        f"overview:{standard_id}:{viewer.signed_in}",
        lambda _: _alliance_overview(results, viewer, standard_id),
    )


def _alliance_overview(results: Results, viewer: Viewer, standard_id: str) -> pd.DataFrame:
    totals = period_totals(results.performance("month_alliance"), ["alliance"], standard_id)
    names = pd.DataFrame(
        [
            {"alliance": a.code, "name": a.name, "map_number": a.map_number}
            for a in reference.alliances(ALLIANCE_VERSION)
        ]
    )
    table = names.merge(totals, on="alliance", how="left").sort_values("map_number")
    table["standard_id"] = standard_id
    return visible(table, viewer).reset_index(drop=True)


@dataclass(frozen=True)
class OrganisationSummary:
    """The numbers on an alliance or trust page."""

    code: str
    name: str
    month: str
    per_standard: pd.DataFrame
    trend: pd.DataFrame
    trend_standard: str
    trusts: pd.DataFrame | None


def _months_of(frame: pd.DataFrame) -> list[str]:
    return sorted(frame["reporting_month"].dropna().unique())


def alliance_summary(
    results: Results, viewer: Viewer, code: str, standard_id: str = DEFAULT_STANDARD
) -> OrganisationSummary | None:
    """Scorecard for the latest month, monthly trend and trusts ranked, for one alliance (None if unknown)."""
    check_standard(standard_id)
    return results.derived(
        "month_alliance",
        f"alliance:{code}:{standard_id}:{viewer.signed_in}",
        lambda _: _alliance_summary(results, viewer, code, standard_id),
    )


def _alliance_summary(
    results: Results, viewer: Viewer, code: str, standard_id: str
) -> OrganisationSummary | None:
    name = alliance_names().get(code)
    if name is None:
        return None
    rows = results.performance("month_alliance")
    rows = rows[rows["alliance"] == code]
    month = results.months()[-1]
    providers = results.performance("month_provider")
    members = [p for p, a in reference.provider_alliance(ALLIANCE_VERSION).items() if a == code]
    trusts = period_totals(providers[providers["provider"].isin(members)], ["provider"], standard_id)
    return OrganisationSummary(
        code=code,
        name=name,
        month=month,
        per_standard=visible(by_standard(rows, month), viewer),
        trend=visible(monthly(rows, standard_id), viewer),
        trend_standard=standard_id,
        trusts=visible(trusts, viewer),
    )


def trust_summary(
    results: Results, viewer: Viewer, code: str, standard_id: str = DEFAULT_STANDARD
) -> OrganisationSummary | None:
    """Scorecard for the latest month and monthly trend for one trust (None if unknown)."""
    check_standard(standard_id)
    return results.derived(
        "month_provider",
        f"trust:{code}:{standard_id}:{viewer.signed_in}",
        lambda _: _trust_summary(results, viewer, code, standard_id),
    )


def _trust_summary(
    results: Results, viewer: Viewer, code: str, standard_id: str
) -> OrganisationSummary | None:
    name = trust_names().get(code)
    if name is None:
        return None
    rows = results.performance("month_provider")
    rows = rows[rows["provider"] == code]
    month = results.months()[-1]
    return OrganisationSummary(
        code=code,
        name=name,
        month=month,
        per_standard=visible(by_standard(rows, month), viewer),
        trend=visible(monthly(rows, standard_id), viewer),
        trend_standard=standard_id,
        trusts=None,
    )


@dataclass(frozen=True)
class ExplorerFilters:
    """Performance explorer selection; blank means all."""

    standard: str = DEFAULT_STANDARD
    start: str = ""
    end: str = ""
    tumour_type: str = ""
    route: str = ""
    provider: str = ""

    def as_query(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


def explore(results: Results, viewer: Viewer, filters: ExplorerFilters) -> pd.DataFrame:
    """Monthly performance for the selection (from the month x provider x tumour type x route table)."""
    check_standard(filters.standard)
    return results.derived(
        "month_provider_tumour_type_route",
        f"explore:{sorted(filters.as_query().items())}:{viewer.signed_in}",
        lambda _: _explore(results, viewer, filters),
    )


def _explore(results: Results, viewer: Viewer, filters: ExplorerFilters) -> pd.DataFrame:
    rows = results.performance("month_provider_tumour_type_route")
    mask = rows["standard_id"] == filters.standard
    if filters.start:
        mask &= rows["reporting_month"] >= filters.start
    if filters.end:
        mask &= rows["reporting_month"] <= filters.end
    for column in ("tumour_type", "route", "provider"):
        value = getattr(filters, column)
        if value:
            mask &= rows[column] == value
    return visible(monthly(rows[mask], filters.standard), viewer)


@dataclass(frozen=True)
class ExplorerOptions:
    months: list[str]
    tumour_types: list[str]
    routes: list[str]
    providers: list[tuple[str, str]]


def explorer_options(results: Results) -> ExplorerOptions:
    """The choices offered by the explorer's filters (computed once per results file)."""
    return results.derived("month_provider_tumour_type_route", "explorer_options", _options)


def _options(rows: pd.DataFrame) -> ExplorerOptions:
    names = trust_names()
    providers = sorted(rows["provider"].dropna().unique())
    return ExplorerOptions(
        months=_months_of(rows),
        tumour_types=sorted(rows["tumour_type"].dropna().unique()),
        routes=sorted(rows["route"].dropna().unique()),
        providers=[(p, names.get(p, p)) for p in providers],
    )


def headline_choices() -> dict[str, str]:
    return dict(HEADLINE_STANDARDS)
