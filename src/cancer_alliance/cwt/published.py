"""CWT performance as a viewer may see it: the one place that turns performance tables into published
figures (docs/decisions/0035). Pages, the API and the board pack read these and never control or
compute a published figure themselves.

- Counts (`total`, `within`, `breaches`) pass `stats.disclosure.publish`; the rate and
  `meets_threshold` follow the published counts, so a rate is shown exactly when its counts are.
- SPC (Making Data Count XmR) is worked out only over exact counts. Published counts are rounded to 5
  or withheld, and limits over rounded points show signals that are not in the data (a series of
  82.4% rounds to 15 of 15, 100%, every month: mean = limits, "special cause improvement"). NHS
  England's Making Data Count guidance reads SPC as a statement about the process, so for a viewer
  who gets published counts the SPC and assurance icons are withheld, with `SPC_WITHHELD` as the
  reason. Showing SPC only when every rounded count happened to be exact would itself tell the viewer
  the counts are exact, so the rule does not look at the values.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cancer_alliance.results.complements import ComplementsFile
from cancer_alliance.stats.disclosure import DisclosurePolicy, Rate, publish
from cancer_alliance.stats.secondary_suppression import Cell, Relation, Table, code_text, protect
from cancer_alliance.stats.spc import small_numbers
from cancer_alliance.stats.spc.cwt import cwt_spc

PERFORMANCE = Rate(name="performance", numerator="within", denominator="total")
SPC_COLUMNS = ["mean", "lpl", "upl", "point_type"]

#: Why a viewer who gets published counts sees no SPC (shown on pages and in the board pack).
SPC_WITHHELD = (
    "Statistical process control is not shown on published figures: the monthly counts are rounded to "
    "the nearest 5 or withheld, and process limits worked out from rounded counts would show signals "
    "that are not in the data. Signed-in NHS users see it over the exact counts."
)


def publish_performance(frame: pd.DataFrame, policy: DisclosurePolicy | None = None) -> pd.DataFrame:
    """Performance rows safe to publish; `performance` and `meets_threshold` follow the published
    counts (null where a count is withheld).

    `breaches` is not controlled as a count of its own but derived from the published `total` and
    `within` (withheld unless their difference is above the threshold): rounded on its own, its
    withheld range (1 to 7) together with a period total pins other withheld counts (a month of 1
    patient, 0 within, beside a month of 13 with 7 within, gives the 1 away;
    tests/stats/test_published_rules.py found it)."""
    policy = policy or DisclosurePolicy()
    out = publish(frame, [c for c in ("total", "within") if c in frame], [PERFORMANCE], policy)
    if "breaches" in frame:
        difference = out["total"] - out["within"]
        shown = (difference > policy.suppress_up_to) | (out["total"] == 0) | (not policy.enabled)
        out["breaches"] = difference.where(shown)
        out.insert(out.columns.get_loc("breaches") + 1, "breaches_suppressed", ~shown)
    if {"meets_threshold", "threshold"} <= set(out.columns):
        known = out["performance"].notna() & out["threshold"].notna()
        out["meets_threshold"] = (out["performance"] >= out["threshold"]).where(known)
    return out


def as_seen(frame: pd.DataFrame, policy: DisclosurePolicy | None) -> pd.DataFrame:
    """A performance table as a viewer sees it: exact when `policy` is None, published otherwise."""
    return frame if policy is None else publish_performance(frame, policy)


#: Counts summed over months or groups; rates over several months come from summed counts, never
#: averaged, as NHS England publishes quarterly and annual figures.
SUMMED = ["total", "within", "breaches"]


def period_totals(frame: pd.DataFrame, by: Sequence[str], standard_id: str) -> pd.DataFrame:
    """One row per group: summed counts over all months in `frame` and the rate they give."""
    rows = frame[frame["standard_id"] == standard_id]
    grouped = rows.groupby(list(by), dropna=False)[SUMMED].sum().reset_index()
    grouped["performance"] = grouped["within"] / grouped["total"].where(grouped["total"] > 0)
    threshold = rows["threshold"].dropna()
    grouped["threshold"] = threshold.iloc[-1] if not threshold.empty else None
    return grouped


def monthly(frame: pd.DataFrame, standard_id: str) -> pd.DataFrame:
    """One row per reporting month for a standard (counts summed over any other groups)."""
    rows = frame[frame["standard_id"] == standard_id]
    grouped = rows.groupby("reporting_month")[SUMMED].sum().reset_index().sort_values("reporting_month")
    grouped["performance"] = grouped["within"] / grouped["total"].where(grouped["total"] > 0)
    thresholds = rows.groupby("reporting_month")["threshold"].max()
    grouped["threshold"] = grouped["reporting_month"].map(thresholds)
    return grouped.reset_index(drop=True)


def by_standard(frame: pd.DataFrame, month: str) -> pd.DataFrame:
    """One row per standard for one month (`frame` already narrowed to one organisation)."""
    rows = frame[frame["reporting_month"] == month]
    grouped = rows.groupby("standard_id")[SUMMED].sum()
    grouped["performance"] = grouped["within"] / grouped["total"].where(grouped["total"] > 0)
    grouped["threshold"] = rows.groupby("standard_id")["threshold"].max()
    return grouped.reset_index()


@dataclass(frozen=True)
class TrendSpc:
    """A monthly series with its Making Data Count XmR figures (`stats.spc.cwt.cwt_spc`: higher is
    better, the standard's latest threshold as the target). `table` is the series as the viewer sees it
    with the SPC columns (null where not computed); `withheld_reason` says why there is no SPC at all."""

    table: pd.DataFrame
    points: pd.DataFrame
    variation_type: str | None
    variation_icon: str | None
    assurance_type: str | None
    threshold: float | None
    withheld_reason: str | None = None
    #: The small-number caution (`stats.spc.small_numbers.caution`), None when no month is small.
    caution: str | None = None


def trend_spc(
    trend: pd.DataFrame, standard_id: str, level: str, code: str, policy: DisclosurePolicy | None
) -> TrendSpc:
    """SPC of one organisation's exact monthly series `trend` (from `presenters.performance.monthly`),
    as the viewer under `policy` may see it (None: exact, with SPC)."""
    thresholds = trend["threshold"].dropna()
    threshold = float(thresholds.iloc[-1]) if not thresholds.empty else None
    if policy is not None and policy.enabled:
        table = publish_performance(trend, policy).assign(**{c: None for c in SPC_COLUMNS})
        return TrendSpc(table, pd.DataFrame(columns=SPC_COLUMNS), None, None, None, threshold, SPC_WITHHELD)
    series = trend.assign(standard_id=standard_id, **{level: code})
    minimum = small_numbers.min_patients()
    points, summaries = cwt_spc(series, level, min_patients=minimum)
    points = points.assign(point_type=points["point_type"].astype(str))
    table = trend.merge(points[["reporting_month", *SPC_COLUMNS]], on="reporting_month", how="left")
    first = summaries.iloc[0] if len(summaries) else None
    return TrendSpc(
        table=table,
        points=points,
        variation_type=None if first is None else first["variation_type"],
        variation_icon=None if first is None else first["variation_icon"],
        assurance_type=None if first is None else first["assurance_type"],
        threshold=threshold,
        caution=small_numbers.caution(trend.loc[trend["performance"].notna(), "total"], minimum),
    )


# The public tables and their secondary suppression (docs/decisions/0051). A signed-out viewer gets
# the fixed monthly tables NHS England publishes for waiting times: England, each alliance, each
# provider and England by cancer type, per standard. Primary control (above) withholds small counts
# cell by cell; England is the sum of its alliances, an alliance of its trusts and England of its
# cancer types, so the refresh also chooses complementary suppressions (`stats.secondary_suppression`)
# until no withheld count can be narrowed by differencing a total and its parts. Standards and months
# are independent tables: no public figure adds up several standards or months.

#: Public table level -> the performance grouping it is read from and its code column (None: England).
PUBLIC_TABLES: dict[str, tuple[str, str | None]] = {
    "england": ("month", None),
    "alliance": ("month_alliance", "alliance"),
    "provider": ("month_provider", "provider"),
    "tumour_type": ("month_tumour_type", "tumour_type"),
}
_GROUPINGS = tuple(grouping for grouping, _ in PUBLIC_TABLES.values())
#: The grouping whose provider x cancer type cells tie the trusts to the cancer types (never public).
FINE = "month_provider_tumour_type_route"
#: Columns of the complements file (`performance_withheld` in the results catalogue).
WITHHELD_COLUMNS = ("standard_id", "reporting_month", "level", "code")
_KEYS = ["standard_id", "reporting_month"]


def public_tables(
    tables: dict[str, pd.DataFrame], provider_alliance: dict[str, str]
) -> Iterator[tuple[tuple[str, str], Table]]:
    """One `stats.secondary_suppression.Table` per standard and month of the public tables (`tables`:
    the performance groupings of `PUBLIC_TABLES` by name, and `FINE`), with its additive relations. A
    row without a code (trusts outside every alliance) is a part no page shows. The trusts' counts by
    cancer type are never shown but tie the two trees together: the audit treats each as a hidden
    part of its trust and of its cancer type, and one with no patients as known to be 0 (a reader may
    know that a specialist trust treats one kind of cancer only)."""
    fine = tables[FINE]
    fine = (
        fine.assign(provider=fine["provider"].map(code_text), tumour_type=fine["tumour_type"].map(code_text))
        .groupby([*_KEYS, "provider", "tumour_type"], sort=True)[["total", "within"]]
        .sum()
        .reset_index()
    )
    fine = fine[fine["total"] > 0]
    interior = dict(tuple(fine.groupby(_KEYS, sort=True)))
    frames = {}
    for level, (grouping, column) in PUBLIC_TABLES.items():
        frame = tables[grouping]
        codes = frame[column].map(code_text) if column else pd.Series("", index=frame.index)
        frames[level] = frame.assign(_code=codes)[[*_KEYS, "_code", "total", "within"]]
    groups = {level: dict(tuple(frame.groupby(_KEYS, sort=True))) for level, frame in frames.items()}
    for key in sorted(groups["england"]):
        cells: list[Cell] = []
        present: dict[str, list[str]] = {}
        for level, by_key in groups.items():
            rows = by_key.get(key)
            codes = [] if rows is None else list(rows["_code"])
            present[level] = codes
            if rows is not None:
                cells += [
                    Cell((level, code), float(total), float(within), shown=level == "england" or code != "")
                    for code, total, within in zip(rows["_code"], rows["total"], rows["within"], strict=True)
                ]
        england = ("england", "")
        relations = [
            Relation(england, tuple(("alliance", a) for a in present["alliance"])),
            Relation(england, tuple(("tumour_type", t) for t in present["tumour_type"])),
        ]
        members: dict[str, list[tuple[str, str]]] = {}
        for provider in present["provider"]:
            members.setdefault(provider_alliance.get(provider, "") if provider else "", []).append(
                ("provider", provider)
            )
        relations += [
            Relation(("alliance", alliance), tuple(parts))
            for alliance, parts in sorted(members.items())
            if alliance in present["alliance"]
        ]
        hidden = interior.get(key)
        if hidden is not None:
            by_provider: dict[str, list] = {}
            by_tumour: dict[str, list] = {}
            for provider, tumour, total, within in zip(
                hidden["provider"], hidden["tumour_type"], hidden["total"], hidden["within"], strict=True
            ):
                cell = ("provider_tumour_type", (provider, tumour))
                cells.append(Cell(cell, float(total), float(within), shown=False))
                by_provider.setdefault(provider, []).append(cell)
                by_tumour.setdefault(tumour, []).append(cell)
            relations += [
                Relation(("provider", p), tuple(parts))
                for p, parts in sorted(by_provider.items())
                if p in present["provider"]
            ]
            relations += [
                Relation(("tumour_type", t), tuple(parts))
                for t, parts in sorted(by_tumour.items())
                if t in present["tumour_type"]
            ]
        by_key = {c.key: c for c in cells}
        yield key, Table(tuple(cells), tuple(r for r in relations if r.parts and _holds(r, by_key)))


def _holds(relation: Relation, by_key: dict) -> bool:
    """Whether the counts add up (the refresh's tables always do; a table written by hand, or results
    from an older grouping, may not, and then a reader cannot difference them either)."""
    total = by_key[relation.total]
    parts = [by_key[p] for p in relation.parts]
    return (
        abs(total.total - sum(p.total for p in parts)) < 1e-6
        and abs(total.within - sum(p.within for p in parts)) < 1e-6
    )


def complements(
    tables: dict[str, pd.DataFrame],
    provider_alliance: dict[str, str],
    policy: DisclosurePolicy | None = None,
    *,
    workers: int = 1,
) -> pd.DataFrame:
    """The cells of the public tables withheld as complements (`WITHHELD_COLUMNS`), decided once per
    refresh; empty when disclosure control is off. The tables are independent, so `workers` > 1 audits
    them in that many fresh processes (the same result, in the same order)."""
    policy = policy or DisclosurePolicy()
    keyed = list(public_tables(tables, provider_alliance))
    if workers > 1 and len(keyed) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("spawn")  # never fork a process holding engine threads
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            chosen = list(pool.map(_complements_of_table, [t for _, t in keyed], [policy] * len(keyed)))
    else:
        chosen = [_complements_of_table(table, policy) for _, table in keyed]
    rows = [
        (standard_id, month, level, code)
        for ((standard_id, month), _), found in zip(keyed, chosen, strict=True)
        for level, code in found
    ]
    return pd.DataFrame(rows, columns=list(WITHHELD_COLUMNS)).sort_values(
        list(WITHHELD_COLUMNS), ignore_index=True
    )


def _complements_of_table(table: Table, policy: DisclosurePolicy) -> tuple:
    return protect(table, policy).complements


def withhold_complements(
    published: pd.DataFrame,
    withheld: pd.DataFrame,
    level: str,
    code: str | None = None,
    *,
    standard_id: str | None = None,
    month: str | None = None,
) -> pd.DataFrame:
    """`published` (rows of one public table after `publish_performance`) with the complements of
    `withheld` withheld too: total, within (unless 0), breaches, the rate and `meets_threshold`. The
    rows' code is `code` or the table's code column; standard and month are the rows' own columns or
    the values given."""
    column = PUBLIC_TABLES[level][1]
    chosen = withheld[withheld["level"] == level]
    if chosen.empty or published.empty:
        return published
    keys = pd.DataFrame(
        {
            "standard_id": published["standard_id"] if standard_id is None else standard_id,
            "reporting_month": published["reporting_month"] if month is None else month,
            "code": published[column].map(code_text) if code is None and column else code_text(code),
        },
        index=published.index,
    )
    marked = set(zip(chosen["standard_id"], chosen["reporting_month"], chosen["code"], strict=True))
    hit = np.array([tuple(k) in marked for k in keys.itertuples(index=False)], dtype=bool)
    if not hit.any():
        return published
    out = published.copy()
    within_hidden = hit & (out["within"].fillna(-1) != 0)
    out.loc[hit, "total"] = np.nan
    out.loc[hit, "total_suppressed"] = True
    out.loc[within_hidden, "within"] = np.nan
    out.loc[within_hidden, "within_suppressed"] = True
    if "breaches" in out:
        out.loc[hit, "breaches"] = np.nan
        out.loc[hit, "breaches_suppressed"] = True
    for column_name in ("performance", "meets_threshold"):
        if column_name in out:
            out[column_name] = out[column_name].astype(object).where(~hit, None)
            if column_name == "performance":
                out[column_name] = out[column_name].astype(float)
    return out


def _decide(folder: Path, *, workers: int = 1) -> pd.DataFrame:
    """The complements of the public tables in `folder`, over the 2018/19 alliances the pages show."""
    from cancer_alliance.reference import provider_alliance
    from cancer_alliance.results import catalogue  # the catalogue imports this module

    tables = {
        grouping: pd.read_parquet(catalogue.path(folder, f"performance_{grouping}")) for grouping in _SOURCES
    }
    return complements(tables, provider_alliance("2018/19"), workers=workers)


#: The public tables and the finest one their complements are decided from.
_SOURCES = (*_GROUPINGS, FINE)
#: The refresh's `cwt_disclosure` step writes it; pages, the API, the board pack and the deliverables
#: read it (`withhold_complements`).
COMPLEMENTS = ComplementsFile("performance_withheld", tuple(f"performance_{g}" for g in _SOURCES), _decide)
