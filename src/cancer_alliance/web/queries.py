"""Aggregates for pages and the API alike: one function per thing shown, so a page and its JSON and
CSV twins always agree. The public gets every output through the published layer (`cwt.published`);
signed-in users see exact counts. Patient-level rows are not here: they go through `Scope`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import lru_cache

import pandas as pd

from cancer_alliance import reference
from cancer_alliance.cwt.published import (
    COMPLEMENTS,
    TrendSpc,
    as_seen,
    by_standard,
    monthly,
    period_totals,
    trend_spc,
    withhold_complements,
)
from cancer_alliance.early_diagnosis import published as early_published
from cancer_alliance.early_diagnosis.metrics import METRIC_COLUMNS, against_ambitions
from cancer_alliance.early_diagnosis.ndrs import ndrs_counts, ndrs_counts_for_2018_19_alliances
from cancer_alliance.early_diagnosis.successors import ndrs_geographies
from cancer_alliance.results.reader import Results, ResultsMissing
from cancer_alliance.stats.disclosure import DisclosurePolicy
from cancer_alliance.stats.funnel import funnel
from cancer_alliance.stats.periods import complete_months
from cancer_alliance.web.presenters.performance import (
    DEFAULT_STANDARD,
    HEADLINE_STANDARDS,
    StandardInfo,
)
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


#: Endings a dense table leaves off a trust's name (the full name is on hover and on the trust's page).
TRUST_NAME_ENDINGS = (" NHS Foundation Trust", " NHS Trust")


def organisation_name(code: str | None, *, short: bool = False) -> str:
    """The name of an alliance (ONS code) or trust (ODS code) of 2018/19, else the code itself;
    `short` leaves off "NHS (Foundation) Trust" for dense tables."""
    if not code:
        return ""
    name = alliance_names().get(code) or trust_names().get(code) or code
    if short:
        for ending in TRUST_NAME_ENDINGS:
            name = name.removesuffix(ending)
    return name


#: The one disclosure policy of the web, the API and the board pack (docs/decisions/0035).
POLICY = DisclosurePolicy()


def policy_for(viewer: Viewer) -> DisclosurePolicy | None:
    """The disclosure policy this viewer's figures pass (None: exact figures)."""
    return _policy(viewer.signed_in)


def _policy(signed_in: bool) -> DisclosurePolicy | None:
    return POLICY if POLICY.applies(signed_in) else None


def visible(frame: pd.DataFrame, viewer: Viewer) -> pd.DataFrame:
    """CWT aggregates as this viewer may see them (`cwt.published.as_seen`)."""
    return as_seen(frame, policy_for(viewer))


def public_view(viewer: Viewer) -> bool:
    """Whether this viewer gets the fixed public tables (docs/decisions/0051): the published figures of
    England, each alliance, each trust and England by cancer type, month by month, never a sum over
    months or a combination of filters."""
    return policy_for(viewer) is not None


def withheld_cells(results: Results) -> pd.DataFrame:
    """The public tables' complements (`cwt.published.COMPLEMENTS`) of the generation served."""
    return COMPLEMENTS.served(results)


def shown(
    results: Results,
    frame: pd.DataFrame,
    viewer: Viewer,
    level: str,
    code: str | None = None,
    *,
    standard_id: str | None = None,
    month: str | None = None,
) -> pd.DataFrame:
    """Rows of one public table (`level`: england, alliance, provider or tumour_type) as this viewer
    may see them: `visible`, then, for the public, the refresh's complements withheld too. `code` is
    the organisation or cancer type when the rows do not carry it; `standard_id` and `month` likewise."""
    out = visible(frame, viewer)
    if not public_view(viewer):
        return out
    return withhold_complements(
        out, withheld_cells(results), level, code, standard_id=standard_id, month=month
    )


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


def map_months(results: Results, viewer: Viewer) -> tuple[str, ...]:
    """The months the map's figures add up: the whole results period, or for the public the latest
    complete month (the public tables are monthly, docs/decisions/0051)."""
    return page_months(results)[-1:] if public_view(viewer) else tuple(results.months())


def _alliance_overview(results: Results, viewer: Viewer, standard_id: str) -> pd.DataFrame:
    rows = results.performance("month_alliance")
    months = map_months(results, viewer)
    if public_view(viewer):
        rows = rows[rows["reporting_month"].isin(months)]
    totals = period_totals(rows, ["alliance"], standard_id)
    names = pd.DataFrame(
        [
            {"alliance": a.code, "name": a.name, "map_number": a.map_number}
            for a in reference.alliances(ALLIANCE_VERSION)
        ]
    )
    table = names.merge(totals, on="alliance", how="left").sort_values("map_number")
    table["standard_id"] = standard_id
    table["first_month"], table["last_month"] = (months[0], months[-1]) if months else (None, None)
    if public_view(viewer):
        return shown(results, table, viewer, "alliance", month=months[-1]).reset_index(drop=True)
    return visible(table, viewer).reset_index(drop=True)


@dataclass(frozen=True)
class OrganisationSummary:
    """The numbers on an alliance or trust page: the scorecard and the trust ranking are for `month`
    (the chosen month, by default the latest complete one), each with England's figure for the same
    month beside it; `trusts` is the ranking over the whole results period (the API's default)."""

    code: str
    name: str
    month: str
    per_standard: pd.DataFrame
    trend: pd.DataFrame
    trend_standard: str
    trusts: pd.DataFrame | None
    england: pd.DataFrame | None = None
    trusts_in_month: pd.DataFrame | None = None
    months: tuple[str, ...] = ()


def results_as_of(results: Results) -> dt.date | None:
    """The results' as-of date, None when unknown (then every month counts as complete)."""
    try:
        return results.reference_date()
    except (ResultsMissing, FileNotFoundError):
        return None


def page_months(results: Results) -> tuple[str, ...]:
    """The months a page offers: complete on the results' as-of date (`stats.periods`), oldest first."""
    return tuple(complete_months(results.months(), results_as_of(results))) or tuple(results.months()[-1:])


def chosen_month(results: Results, month: str | None) -> str:
    """`month` if the results hold it complete, the latest complete month when blank; ValueError else."""
    months = page_months(results)
    if not month:
        return months[-1]
    if month not in months:
        raise ValueError(f"no complete month {month!r} in the results")
    return month


def england_by_standard(results: Results, viewer: Viewer, month: str) -> pd.DataFrame:
    """England's figure on every standard in `month`, as the viewer may see it."""
    return results.derived(
        "month",
        f"england:{month}:{viewer.signed_in}",
        lambda rows: shown(results, by_standard(rows, month), viewer, "england", "", month=month),
    )


def _months_of(frame: pd.DataFrame) -> list[str]:
    return sorted(frame["reporting_month"].dropna().unique())


def alliance_summary(
    results: Results, viewer: Viewer, code: str, standard_id: str = DEFAULT_STANDARD, month: str = ""
) -> OrganisationSummary | None:
    """Scorecard and trusts ranked for `month` (blank: the latest complete month) with England beside
    them, the monthly trend and the ranking over the period, for one alliance (None if unknown);
    ValueError for a month the results do not hold complete."""
    check_standard(standard_id)
    month = chosen_month(results, month)
    return results.derived(
        "month_alliance",
        f"alliance:{code}:{standard_id}:{month}:{viewer.signed_in}",
        lambda _: _alliance_summary(results, viewer, code, standard_id, month),
    )


def _alliance_summary(
    results: Results, viewer: Viewer, code: str, standard_id: str, month: str
) -> OrganisationSummary | None:
    name = alliance_names().get(code)
    if name is None:
        return None
    rows = results.performance("month_alliance")
    rows = rows[rows["alliance"] == code]
    providers = results.performance("month_provider")
    members = [p for p, a in reference.provider_alliance(ALLIANCE_VERSION).items() if a == code]
    providers = providers[providers["provider"].isin(members)]
    in_month = period_totals(providers[providers["reporting_month"] == month], ["provider"], standard_id)
    in_month = shown(results, in_month.assign(standard_id=standard_id), viewer, "provider", month=month)
    if public_view(viewer):  # the public tables are monthly: no sums over months
        trusts = in_month
    else:
        trusts = visible(period_totals(providers, ["provider"], standard_id), viewer)
    return OrganisationSummary(
        code=code,
        name=name,
        month=month,
        per_standard=shown(results, by_standard(rows, month), viewer, "alliance", code, month=month),
        trend=shown(results, monthly(rows, standard_id), viewer, "alliance", code, standard_id=standard_id),
        trend_standard=standard_id,
        trusts=trusts,
        england=england_by_standard(results, viewer, month),
        trusts_in_month=in_month,
        months=page_months(results),
    )


def trust_summary(
    results: Results, viewer: Viewer, code: str, standard_id: str = DEFAULT_STANDARD, month: str = ""
) -> OrganisationSummary | None:
    """Scorecard for `month` (blank: the latest complete month) with England beside it and the
    monthly trend, for one trust (None if unknown); ValueError for a month not held complete."""
    check_standard(standard_id)
    month = chosen_month(results, month)
    return results.derived(
        "month_provider",
        f"trust:{code}:{standard_id}:{month}:{viewer.signed_in}",
        lambda _: _trust_summary(results, viewer, code, standard_id, month),
    )


def _trust_summary(
    results: Results, viewer: Viewer, code: str, standard_id: str, month: str
) -> OrganisationSummary | None:
    name = trust_names().get(code)
    if name is None:
        return None
    rows = results.performance("month_provider")
    rows = rows[rows["provider"] == code]
    return OrganisationSummary(
        code=code,
        name=name,
        month=month,
        per_standard=shown(results, by_standard(rows, month), viewer, "provider", code, month=month),
        trend=shown(results, monthly(rows, standard_id), viewer, "provider", code, standard_id=standard_id),
        trend_standard=standard_id,
        trusts=None,
        england=england_by_standard(results, viewer, month),
        months=page_months(results),
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
    alliance: str = ""

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


def _selected(rows: pd.DataFrame, filters: ExplorerFilters) -> pd.DataFrame:
    """The rows of the month x provider x tumour type x route table the filters select."""
    mask = rows["standard_id"] == filters.standard
    if filters.start:
        mask &= rows["reporting_month"] >= filters.start
    if filters.end:
        mask &= rows["reporting_month"] <= filters.end
    for column in ("tumour_type", "route", "provider"):
        value = getattr(filters, column)
        if value:
            mask &= rows[column] == value
    if filters.alliance:
        members = {
            p for p, a in reference.provider_alliance(ALLIANCE_VERSION).items() if a == filters.alliance
        }
        mask &= rows["provider"].isin(members)
    return rows[mask]


def public_filters(filters: ExplorerFilters) -> ExplorerFilters:
    """The one fixed public table a selection falls in (docs/decisions/0051): a trust, else an alliance,
    else a cancer type in England, else England; never a route, never two of these together."""
    if filters.provider:
        return replace(filters, alliance="", tumour_type="", route="")
    if filters.alliance:
        return replace(filters, tumour_type="", route="")
    return replace(filters, route="")


def _public_table(filters: ExplorerFilters) -> tuple[str, str, str | None]:
    """(level, grouping, code) of the public table for `public_filters(filters)`."""
    if filters.provider:
        return "provider", "month_provider", filters.provider
    if filters.alliance:
        return "alliance", "month_alliance", filters.alliance
    if filters.tumour_type:
        return "tumour_type", "month_tumour_type", filters.tumour_type
    return "england", "month", ""


def _in_period(rows: pd.DataFrame, filters: ExplorerFilters) -> pd.DataFrame:
    mask = rows["standard_id"] == filters.standard
    if filters.start:
        mask &= rows["reporting_month"] >= filters.start
    if filters.end:
        mask &= rows["reporting_month"] <= filters.end
    return rows[mask]


def _explore(results: Results, viewer: Viewer, filters: ExplorerFilters) -> pd.DataFrame:
    if public_view(viewer):
        filters = public_filters(filters)
        level, grouping, code = _public_table(filters)
        rows = _in_period(results.performance(grouping), filters)
        column = {"provider": "provider", "alliance": "alliance", "tumour_type": "tumour_type"}.get(level)
        if column:
            rows = rows[rows[column] == code]
        series = monthly(rows, filters.standard)
        return shown(results, series, viewer, level, code, standard_id=filters.standard)
    rows = _selected(results.performance("month_provider_tumour_type_route"), filters)
    return visible(monthly(rows, filters.standard), viewer)


def compare_trusts(results: Results, viewer: Viewer, filters: ExplorerFilters) -> pd.DataFrame:
    """The explorer's selection trust by trust over its whole period (counts summed over the months,
    the rate from the sums), and England's figure for the same period, tumour types and route
    (`provider` None); for comparing trusts side by side."""
    check_standard(filters.standard)
    if public_view(viewer):
        return results.derived(
            "month_provider",
            f"compare:{sorted(public_filters(filters).as_query().items())}:{viewer.signed_in}",
            lambda _: _compare_public(results, viewer, filters),
        )
    return results.derived(
        "month_provider_tumour_type_route",
        f"compare:{sorted(filters.as_query().items())}:{viewer.signed_in}",
        lambda rows: _compare(rows, viewer, filters),
    )


def compare_month(results: Results, viewer: Viewer, filters: ExplorerFilters) -> str | None:
    """For the public, the one month the trusts are compared in (the selection's latest complete month;
    the public tables are monthly); None for signed-in users, who compare over the whole selection."""
    if not public_view(viewer):
        return None
    months = [m for m in page_months(results) if (not filters.start or m >= filters.start)]
    months = [m for m in months if not filters.end or m <= filters.end]
    return months[-1] if months else None


def _compare_public(results: Results, viewer: Viewer, filters: ExplorerFilters) -> pd.DataFrame:
    filters = public_filters(filters)
    month = compare_month(results, viewer, filters)
    rows = results.performance("month_provider")
    rows = rows[(rows["reporting_month"] == month) & (rows["standard_id"] == filters.standard)]
    rows = rows[rows["provider"].notna()]
    if filters.provider:
        rows = rows[rows["provider"] == filters.provider]
    elif filters.alliance:
        members = {
            p for p, a in reference.provider_alliance(ALLIANCE_VERSION).items() if a == filters.alliance
        }
        rows = rows[rows["provider"].isin(members)]
    trusts = shown(
        results,
        period_totals(rows, ["provider"], filters.standard),
        viewer,
        "provider",
        standard_id=filters.standard,
        month=month,
    )
    national = results.performance("month")
    national = national[
        (national["reporting_month"] == month) & (national["standard_id"] == filters.standard)
    ]
    england = period_totals(national.assign(provider=None), ["provider"], filters.standard)
    england = shown(results, england, viewer, "england", "", standard_id=filters.standard, month=month)
    return pd.concat([trusts, england], ignore_index=True)


def _compare(rows: pd.DataFrame, viewer: Viewer, filters: ExplorerFilters) -> pd.DataFrame:
    trusts = period_totals(_selected(rows, filters), ["provider"], filters.standard)
    trusts = trusts[trusts["provider"].notna()]
    national = replace(filters, provider="", alliance="")
    england = period_totals(_selected(rows, national).assign(provider=None), ["provider"], filters.standard)
    return visible(pd.concat([trusts, england], ignore_index=True), viewer)


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


# Statistical process control of the monthly series on alliance and trust pages (issue 6, "an SPC trend
# and icons"), worked out once per results file, organisation, standard and audience by the published
# layer (`cwt.published.trend_spc`: withheld, with the reason, for viewers who get published counts).

LEVELS = {
    "alliance": ("month_alliance", "alliance", alliance_names),
    "trust": ("month_provider", "provider", trust_names),
}


def organisation_spc(
    results: Results, viewer: Viewer, kind: str, code: str, standard_id: str = DEFAULT_STANDARD
) -> TrendSpc | None:
    """SPC of an alliance's (`kind="alliance"`) or trust's (`kind="trust"`) monthly performance on a
    standard, over complete months only (`stats.periods`); None for an unknown organisation."""
    check_standard(standard_id)
    if kind not in LEVELS:
        raise ValueError(f"unknown kind {kind!r}")
    grouping, level, names = LEVELS[kind]
    if code not in names():
        return None
    as_of = results_as_of(results)

    def compute(rows: pd.DataFrame) -> TrendSpc:
        found = trend_spc(
            monthly(_complete(rows[rows[level] == code], as_of), standard_id),
            standard_id,
            level,
            code,
            policy_for(viewer),
        )
        if not public_view(viewer):
            return found
        table = withhold_complements(
            found.table, withheld_cells(results), level, code, standard_id=standard_id
        )
        return replace(found, table=table)

    return results.derived(grouping, f"spc:{kind}:{code}:{standard_id}:{viewer.signed_in}", compute)


def _complete(rows: pd.DataFrame, as_of: dt.date | None) -> pd.DataFrame:
    """The rows of complete months (`stats.periods`)."""
    return rows[rows["reporting_month"].isin(complete_months(rows["reporting_month"].unique(), as_of))]


def incomplete_months(results: Results) -> list[str]:
    """Months in the results still running on the as-of date: left out of trends and SPC."""
    complete = set(page_months(results))
    return [month for month in results.months() if month not in complete]


# Early diagnosis from the real NDRS stage counts (2013-2022; `early_diagnosis.ndrs`). Reference data,
# not results: worked out once per process. NDRS reports the alliances of 2023/24; each 2018/19 alliance
# gets the counts of the NDRS geographies that stand for it (`early_diagnosis.successors`), summed before
# disclosure control and before the proportions and intervals are worked out.

NDRS_GROUPS = ("geography_name", "year")
NDRS_ENGLAND = "England"
NDRS_COUNTS = ["registrations", "stage_early", "stage_staged", "stage_missing", "stage_unstageable"]


@lru_cache(maxsize=2)
def ndrs_metrics(signed_in: bool) -> pd.DataFrame:
    """NDRS counts by geography name and year with proportions, Wilson 95% intervals and completeness;
    for the public the counts pass disclosure control first (`early_diagnosis.published`)."""
    return early_published.as_seen(ndrs_counts(NDRS_GROUPS), _policy(signed_in))


@lru_cache(maxsize=2)
def ndrs_alliance_metrics(signed_in: bool) -> pd.DataFrame:
    """The same for the 19 alliances of 2018/19 (`alliance`, with `ndrs_name` and `ndrs_relation`): counts
    summed over each alliance's NDRS geographies, then controlled (public) and turned into proportions."""
    counts = ndrs_counts_for_2018_19_alliances(("year",))
    return early_published.as_seen(counts, _policy(signed_in))


@dataclass(frozen=True)
class EarlyDiagnosis:
    """What an alliance page shows on early diagnosis. `ndrs_name` names the NDRS geography (or
    geographies, counts summed) the figures come from; `ndrs_note` says so when they are not the
    alliance's own 2018/19 footprint (None when they are). `ndrs_name` is None (with `reason`) only if
    the mapping has no row for the alliance."""

    code: str
    ndrs_name: str | None
    reason: str | None
    years: pd.DataFrame
    ambitions: pd.DataFrame
    england: pd.DataFrame
    ndrs_note: str | None = None
    ndrs_relation: str | None = None

    @property
    def latest(self) -> dict | None:
        return None if self.years.empty else self.years.iloc[-1].to_dict()

    @property
    def england_latest(self) -> dict | None:
        if self.england.empty:
            return None
        latest = self.latest
        rows = self.england if latest is None else self.england[self.england["year"] == latest["year"]]
        return rows.iloc[-1].to_dict() if not rows.empty else None


def early_diagnosis(viewer: Viewer, code: str) -> EarlyDiagnosis | None:
    """Year-by-year early-stage figures for a 2018/19 alliance (None if the code is unknown)."""
    if code not in alliance_names():
        return None
    return _early_diagnosis(code, viewer.signed_in)


@lru_cache(maxsize=64)
def _early_diagnosis(code: str, signed_in: bool) -> EarlyDiagnosis:
    table = ndrs_metrics(signed_in)
    england = table[table["geography_name"] == NDRS_ENGLAND].sort_values("year").reset_index(drop=True)
    alliances = ndrs_alliance_metrics(signed_in)
    years = alliances[alliances["alliance"] == code].sort_values("year").reset_index(drop=True)
    if years.empty:
        empty = years.drop(columns=["ndrs_relation"])
        reason = f"The 2018/19 alliance {code} has no NDRS geography in the mapping, so there are no figures."
        return EarlyDiagnosis(code, None, reason, empty, against_ambitions(empty), england)
    geographies = ndrs_geographies(code)
    years = years.drop(columns=["ndrs_relation"]).assign(ndrs_note=geographies.note)
    latest = years[years["year"] == years["year"].max()]
    return EarlyDiagnosis(
        code,
        geographies.label,
        None,
        years,
        against_ambitions(latest),
        england,
        ndrs_note=geographies.note,
        ndrs_relation=geographies.relation,
    )


def lake_early_diagnosis(results: Results, viewer: Viewer, kind: str, code: str) -> dict | None:
    """An alliance's or trust's early diagnosis computed from the registrations in the lake
    (`early_diagnosis.results_files`): counts, shares with intervals and the diagnosis period; for the
    public, counts under disclosure control with the shares recomputed from them. None when the lake
    had no registration for it (or the results have not been computed). The public also gets the
    refresh's complements withheld (`early_diagnosis.published.public_metrics`, docs/decisions/0056)."""
    try:
        table = results.table(f"early_diagnosis_{kind}")
    except ResultsMissing:
        return None
    rows = table[table[kind] == code]
    if rows.empty:
        return None
    policy = policy_for(viewer)
    if policy is not None:
        counts = rows.drop(columns=[c for c in METRIC_COLUMNS if c in rows.columns])
        rows = early_published.public_metrics(counts, policy, lake_early_withheld(results), kind)
    return rows.iloc[0].to_dict()


def lake_early_withheld(results: Results) -> pd.DataFrame:
    """The lake's early diagnosis complements (`early_diagnosis.published.COMPLEMENTS`) of the
    generation served."""
    return early_published.COMPLEMENTS.served(results)


def early_stage_overview(viewer: Viewer) -> pd.DataFrame:
    """Each 2018/19 alliance with its latest NDRS year (% stage 1-2 of staged, interval, completeness),
    from the NDRS geographies that stand for it (`ndrs_name`, `ndrs_note`; the map's `early_stage`
    metric)."""
    return _early_stage_overview(viewer.signed_in)


@lru_cache(maxsize=2)
def _early_stage_overview(signed_in: bool) -> pd.DataFrame:
    rows = []
    for alliance in reference.alliances(ALLIANCE_VERSION):
        found = _early_diagnosis(alliance.code, signed_in)
        row = {
            "alliance": alliance.code,
            "name": alliance.name,
            "map_number": alliance.map_number,
            "ndrs_name": found.ndrs_name,
            "ndrs_note": found.ndrs_note,
            "ndrs_relation": found.ndrs_relation,
        }
        latest = found.latest
        if latest is not None:
            row.update({k: v for k, v in latest.items() if k not in row and k != "geography_name"})
        rows.append(row)
    table = pd.DataFrame(rows).sort_values("map_number").reset_index(drop=True)
    return table.astype({"year": "Int64"}) if "year" in table else table


# Funnel plot comparing trusts (issue 5: "Funnel plots for proportions (95% and 99.8% limits around the
# overall rate) ... with outliers flagged"): every trust in England on one standard over the latest
# months, worked out once per results file, standard and audience.

FUNNEL_MONTHS = 3


@dataclass(frozen=True)
class TrustFunnel:
    """Every trust's performance summed over `months` against the funnel around England's rate
    (`stats.funnel.funnel`: within / total, 95% and 99.8% limits at the trust's total, `funnel_flag`).
    For the public the counts are the published ones (rounded, withheld) and the rate and limits are
    worked out from them; a trust with a withheld count has no proportion and no flag."""

    table: pd.DataFrame
    overall_rate: float
    months: tuple[str, ...]
    standard_id: str


def trust_funnel(
    results: Results, viewer: Viewer, standard_id: str = DEFAULT_STANDARD, months: int = FUNNEL_MONTHS
) -> TrustFunnel:
    """The funnel of every trust on a standard over the latest `months` reporting months."""
    check_standard(standard_id)
    return results.derived(
        "month_provider",
        f"funnel:{standard_id}:{months}:{viewer.signed_in}",
        lambda rows: _trust_funnel(results, rows, viewer, standard_id, months),
    )


def _trust_funnel(
    results: Results, rows: pd.DataFrame, viewer: Viewer, standard_id: str, months: int
) -> TrustFunnel:
    if public_view(viewer):  # the public tables are monthly: the latest month only
        months = 1
    latest = tuple(_months_of(rows)[-months:])
    rows = rows[rows["reporting_month"].isin(latest) & rows["provider"].notna()]
    totals = period_totals(rows, ["provider"], standard_id)
    if public_view(viewer):
        month = latest[-1] if latest else None
        totals = shown(results, totals, viewer, "provider", standard_id=standard_id, month=month)
    else:
        totals = visible(totals, viewer)
    totals = totals.reset_index(drop=True)
    usable = totals["within"].notna() & totals["total"].notna() & (totals["total"] > 0)
    flagged, p0 = funnel(totals[usable], "within", "total")
    limits = ["proportion", "lower_95", "upper_95", "lower_998", "upper_998", "funnel_flag"]
    table = totals.join(flagged[limits])
    names = trust_names()
    table.insert(1, "name", table["provider"].map(lambda c: names.get(c, c)))
    table["alliance"] = table["provider"].map(reference.provider_alliance(ALLIANCE_VERSION))
    table = table.assign(
        standard_id=standard_id,
        first_month=latest[0] if latest else None,
        last_month=latest[-1] if latest else None,
        overall_rate=p0,
    )
    return TrustFunnel(table, p0, latest, standard_id)


def funnel_members(found: TrustFunnel, kind: str, code: str) -> pd.DataFrame:
    """The funnel's rows for an alliance's trusts (`kind="alliance"`, 2018/19 mapping) or one trust,
    best rate first (trusts without a rate last, then by name)."""
    if kind == "alliance":
        members = [p for p, a in reference.provider_alliance(ALLIANCE_VERSION).items() if a == code]
    elif kind == "trust":
        members = [code]
    else:
        raise ValueError(f"unknown kind {kind!r}")
    rows = found.table[found.table["provider"].isin(members)]
    return rows.sort_values(["proportion", "name"], ascending=[False, True], na_position="last").reset_index(
        drop=True
    )
