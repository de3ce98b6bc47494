"""Bowel screening (FIT) figures as a viewer may see them (docs/decisions/0035), for the pages, the API
and the board pack: programme metrics with every rate and interval from the published counts
(`as_seen`), the threshold plan and colonoscopy demand (`published_plan`, `published_demand`), and the
monthly SPC of uptake and positivity, worked out over exact counts only. Under a disclosure policy the
monthly counts are rounded or withheld, so there is no SPC and `cwt.published.SPC_WITHHELD` says why."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np
import pandas as pd

from cancer_alliance.cwt.published import SPC_WITHHELD
from cancer_alliance.fit.metrics import metrics, publish_metrics
from cancer_alliance.fit.rules import COUNT_COLUMNS
from cancer_alliance.results.complements import ComplementsFile, read_tables
from cancer_alliance.stats.disclosure import DisclosurePolicy, Rate, marked_counts, publish
from cancer_alliance.stats.periods import complete_months
from cancer_alliance.stats.secondary_suppression import (
    Nested,
    Relation,
    Row,
    code_text,
    protect_nested,
    small,
)
from cancer_alliance.stats.spc.assurance import ImprovementDirection
from cancer_alliance.stats.spc.spc import POINT_COLUMNS, SpcOptions, spc, summary


def complete_invitation_months(
    months: pd.DataFrame, as_of: dt.date | None, window_days: int
) -> tuple[pd.DataFrame, list[str]]:
    """(the months whose invitations had all had the uptake window to be screened by `as_of`, the
    months left out): an invitation month still inside its window shows low uptake and early
    positivity, which a trend reads as a change (`stats.periods`, issue 23)."""
    kept = complete_months(months["invitation_month"], as_of, window_days)
    mask = months["invitation_month"].isin(kept)
    return months[mask].reset_index(drop=True), sorted(months.loc[~mask, "invitation_month"])


def monthly_spc(
    months: pd.DataFrame, rate: str, target: float | None, policy: DisclosurePolicy | None
) -> tuple[pd.DataFrame, dict, str | None]:
    """(points, summary, withheld reason): the XmR points of a monthly rate (months without a rate
    left out) and its summary; none, with the reason, when `months` are published figures."""
    if policy is not None and policy.enabled:
        empty = pd.DataFrame(columns=["invitation_month", "x", "y", *POINT_COLUMNS])
        return empty, {}, SPC_WITHHELD
    table = months.loc[months[rate].notna(), ["invitation_month", rate]].copy()
    table["x"] = pd.to_datetime(table["invitation_month"], format="%Y-%m")
    table["y"] = table[rate].astype(float)
    options = (
        SpcOptions(improvement_direction=ImprovementDirection.neutral)
        if target is None  # positivity: neither direction is better
        else SpcOptions(improvement_direction=ImprovementDirection.increase, target=target)
    )
    points = spc(table, options)
    found = summary(points, options).iloc[0].to_dict() if len(points) else {}
    return points, found, None


def _applies(policy: DisclosurePolicy | None) -> bool:
    return policy is not None and policy.enabled


def as_seen(counts: pd.DataFrame, policy: DisclosurePolicy | None) -> pd.DataFrame:
    """Counts with rates and intervals: exact (None or disabled), else published (`publish_metrics`)."""
    return publish_metrics(counts, policy) if _applies(policy) else metrics(counts)


#: Plan columns that give away each count of the alliance's public row (`plan` adds up the alliance's
#: bands: its screened, its positive at the threshold in use, colonoscopies from positive and
#: investigated, and observed cancers and high-risk adenomas).
PLAN_REVEALS = {
    "screened": ("screened", "positivity"),
    "positive": ("positive", "positivity", "colonoscopies"),
    "investigated": ("colonoscopies",),
    "cancers": ("cancers",),
    "high_risk_adenomas": ("high_risk_adenomas",),
}


def published_plan(
    plan: pd.DataFrame,
    policy: DisclosurePolicy | None,
    withheld: frozenset[str] = frozenset(),
    positives_withheld: frozenset[float] = frozenset(),
) -> pd.DataFrame:
    """The threshold plan: screened and positive counts controlled and positivity from them; the
    estimates (colonoscopies, cancers, high-risk adenomas; observed yields are counts of people)
    controlled like counts, and withheld where the positive count is (estimates from a withheld positive
    count would reveal it). `withheld` names the alliance's counts withheld as complements of the
    public tables: the plan columns that would give them away (`PLAN_REVEALS`) are withheld too;
    `positives_withheld` the thresholds whose positives the demand's audit withholds as complements
    (`demand_withheld`): those rows' positive-count columns too."""
    if not _applies(policy):
        return plan
    estimates = ["colonoscopies", "cancers", "high_risk_adenomas"]
    out = publish(plan, ["screened", "positive"], [Rate("positivity", "positive", "screened")], policy)
    controlled = publish(plan[estimates], estimates, policy=policy)
    for name in estimates:
        out[name] = controlled[name].where(~out["positive_suppressed"])
    for name in sorted({column for count in withheld for column in PLAN_REVEALS.get(count, ())}):
        out[name] = np.nan
        if f"{name}_suppressed" in out:
            out[f"{name}_suppressed"] = True
    rows = out["threshold"].isin(positives_withheld)
    for name in PLAN_REVEALS["positive"]:
        out[name] = out[name].where(~rows)
        if f"{name}_suppressed" in out:
            out[f"{name}_suppressed"] |= rows
    return out


# The planner's demand by month of result (docs/decisions/0054). For each threshold the planner offers
# and each month of result, the demand is the alliance's positives at the threshold that month times its
# conversion (`planning.demand`): an estimate, but of a count of people. The months add up to the
# plan's positives at the threshold (published), and the thresholds nest (the positives at a lower
# threshold include those at a higher one; the difference, a band of results, no page shows). A reader
# who knows the conversion is at most 1 knows a month's positives from its rounded demand at least as
# well as from a rounded count of them, so the months' positives are audited as a table of counts with
# the plan's: withheld where small or chosen as complements, the plan's positives withheld where the
# public tables' complements withhold them (`PLAN_REVEALS`), every threshold the planner offers at once
# (a visitor may ask for each). Hundepool et al., 2012, chapter 4; GSS *Statistical Disclosure Control*
# guidance; NHS Digital, *Disclosure control methodology for HES and ECDS*, 2018.


def demand_table(plan: pd.DataFrame, demand: pd.DataFrame) -> Nested:
    """The positives of the plan (`planning.plan`) and of the demand by month (`planning.demand`, any
    centres: summed here) at every threshold of the plan as one table: ("plan", threshold) the sum of
    ("month", threshold, month), and each month's positives at a threshold those at the next higher one
    plus a hidden ("band", threshold, month). A month without a row at a threshold has none."""
    thresholds = sorted(float(t) for t in plan["threshold"])
    by_month = demand.groupby(["threshold", "month"])["positive"].sum()
    months = sorted({code_text(m) for m in demand["month"]})
    positive = {(float(t), code_text(m)): float(v) for (t, m), v in by_month.items()}
    rows = [
        Row(("plan", float(t)), (float(v),)) for t, v in zip(plan["threshold"], plan["positive"], strict=True)
    ]
    relations = []
    for i, t in enumerate(thresholds):
        rows += [Row(("month", t, m), (positive.get((t, m), 0.0),)) for m in months]
        relations.append(Relation(("plan", t), tuple(("month", t, m) for m in months)))
        if i + 1 < len(thresholds):
            higher = thresholds[i + 1]
            for m in months:
                band = positive.get((t, m), 0.0) - positive.get((higher, m), 0.0)
                rows.append(Row(("band", t, m), (band,), shown=False))
                relations.append(Relation(("month", t, m), (("month", higher, m), ("band", t, m))))
    return Nested(("positive",), ((0,),), tuple(rows), tuple(relations))


def demand_withheld(
    plan: pd.DataFrame, demand: pd.DataFrame, policy: DisclosurePolicy, withheld: frozenset[str] = frozenset()
) -> tuple[frozenset[tuple[float, str]], frozenset[float]]:
    """(the (threshold, month) of each month's demand withheld, the thresholds whose plan positives are
    withheld as complements) by `demand_table`'s audit; `withheld` names the alliance's counts the
    public tables withhold as complements (a withheld positive count withholds the plan's positives)."""
    table = demand_table(plan, demand)
    forced = frozenset(
        (row.key, "positive") for row in table.rows if row.key[0] == "plan" and "positive" in withheld
    )
    chosen = {key for key, _ in protect_nested(table, policy, already=forced).complements}
    months = frozenset(
        (row.key[1], row.key[2])
        for row in table.rows
        if row.key[0] == "month" and (small(row.counts[0], policy) or row.key in chosen)
    )
    return months, frozenset(key[1] for key in chosen if key[0] == "plan")


def published_demand(
    table: pd.DataFrame,
    policy: DisclosurePolicy | None,
    months_withheld: frozenset[tuple[float, str]] = frozenset(),
    every_month: bool = False,
) -> pd.DataFrame:
    """Demand by month (threshold, month, positive, colonoscopies, slots, shortfall) as the viewer sees
    it: for the public each month's expected colonoscopies rounded to 5, withheld where its positives
    are (`months_withheld`, `demand_withheld`) or, `every_month`, everywhere (the alliance's investigated
    count is a complement: the months add up to the plan's colonoscopies, withheld then); the shortfall
    from the published figure; the positives themselves never shown."""
    if not _applies(policy):
        return table
    out = table.drop(columns=["positive"])
    held = pd.Series(
        [
            every_month or (float(t), code_text(m)) in months_withheld
            for t, m in zip(out["threshold"], out["month"], strict=True)
        ],
        index=out.index,
        dtype=bool,
    )
    rounded = np.floor(out["colonoscopies"].astype(float) / policy.round_to + 0.5) * policy.round_to
    out["colonoscopies"] = rounded.where(~held)
    out["colonoscopies_suppressed"] = held
    out["shortfall"] = out["colonoscopies"] - out["slots"]
    return out


# The public tables and their secondary suppression (docs/decisions/0054). A signed-out viewer gets, per
# alliance, three fixed tables over the whole of the results: the alliance, each of its CCGs, and each
# month of invitation; the alliance is the sum of its CCGs and of its months. Primary control
# (`publish_metrics`) withholds small counts one by one; the refresh (`fit_disclosure`) then withholds
# further counts as complements until no withheld count can be narrowed by differencing. The
# alliances are independent tables: no public figure adds alliances up (England's funnel positivity is
# worked out from the published CCG counts).

#: Public table level -> the results file it is read from and its code column (None: the alliance).
PUBLIC_TABLES: dict[str, tuple[str, str | None]] = {
    "alliance": ("fit_alliance", None),
    "ccg": ("fit_ccg", "ccg_code"),
    "month": ("fit_month", "invitation_month"),
}
#: How each count splits into disjoint groups of people (invited only, screened negative, positive not
#: investigated, investigated with another outcome, cancer, high-risk adenoma): `fit.rules` counts
#: each episode at one level with one outcome, so the reader knows every count is a sum of these.
GROUPS = ((0, 1, 2, 3, 4, 5), (1, 2, 3, 4, 5), (2, 3, 4, 5), (3, 4, 5), (4,), (5,))
#: Columns of the complements file (`fit_withheld` in the results catalogue).
WITHHELD_COLUMNS = ("alliance_code", "level", "code", "count")


def public_tables(tables: dict[str, pd.DataFrame]) -> Iterator[tuple[str, Nested]]:
    """One `stats.secondary_suppression.Nested` table per alliance (`tables`: the results files of
    `PUBLIC_TABLES` by name): its row, its CCGs' and its months' rows, each part of the alliance's. A
    row without a code (episodes with no CCG) is a part no page shows. A relation whose counts do not
    add up (results from an older grouping) is left out: a reader cannot difference it either."""
    frames = {}
    for level, (name, column) in PUBLIC_TABLES.items():
        frame = tables[name]
        codes = frame[column].map(code_text) if column else pd.Series("", index=frame.index)
        frames[level] = dict(tuple(frame.assign(_code=codes).groupby("alliance_code", sort=True)))
    for alliance in sorted(frames["alliance"]):
        rows: list[Row] = []
        parts: dict[str, tuple] = {}
        for level, by_alliance in frames.items():
            found = by_alliance.get(alliance)
            if found is None:
                continue
            counts = found[list(COUNT_COLUMNS)].to_numpy(dtype=float)
            rows += [
                Row((level, code), tuple(values), shown=level == "alliance" or code != "")
                for code, values in zip(found["_code"], counts, strict=True)
            ]
            parts[level] = tuple((level, code) for code in found["_code"])
        sums = {r.key: np.array(r.counts) for r in rows}
        relations = tuple(
            Relation(("alliance", ""), parts[level])
            for level in ("ccg", "month")
            if parts.get(level)
            and ("alliance", "") in sums
            and np.allclose(sums[("alliance", "")], sum(sums[k] for k in parts[level]))
        )
        yield alliance, Nested(COUNT_COLUMNS, GROUPS, tuple(rows), relations)


def complements(tables: dict[str, pd.DataFrame], policy: DisclosurePolicy | None = None) -> pd.DataFrame:
    """The counts of the public tables withheld as complements (`WITHHELD_COLUMNS`), decided once per
    refresh; empty when disclosure control is off."""
    policy = policy or DisclosurePolicy()
    rows = [
        (alliance, level, code, count)
        for alliance, table in public_tables(tables)
        for (level, code), count in protect_nested(table, policy).complements
    ]
    return pd.DataFrame(rows, columns=list(WITHHELD_COLUMNS)).sort_values(
        list(WITHHELD_COLUMNS), ignore_index=True
    )


def withheld_counts(frame: pd.DataFrame, withheld: pd.DataFrame, level: str) -> pd.DataFrame:
    """Which counts of `frame` (rows of the public table `level`, with `alliance_code`) are
    complements: one boolean column per count."""
    column = PUBLIC_TABLES[level][1]
    chosen = withheld[withheld["level"] == level]
    codes = frame[column].map(code_text) if column else pd.Series("", index=frame.index)
    keys = list(zip(frame["alliance_code"], codes, strict=True))
    marked = set(zip(chosen["alliance_code"], chosen["code"], chosen["count"], strict=True))
    return marked_counts(keys, marked, COUNT_COLUMNS, frame.index)


def public_metrics(
    counts: pd.DataFrame, policy: DisclosurePolicy | None, withheld: pd.DataFrame, level: str
) -> pd.DataFrame:
    """Rows of the public table `level` as the viewer may see them: `as_seen`, and for the public the
    refresh's complements withheld too (with every rate and interval that needs them)."""
    if not _applies(policy):
        return metrics(counts)
    return publish_metrics(counts, policy, complements=withheld_counts(counts, withheld, level))


#: The results files of the public tables.
_SOURCES = tuple(name for name, _ in PUBLIC_TABLES.values())


#: The refresh's `fit_disclosure` step writes it; the public pages, the API, the board pack and the
#: deliverables read it.
COMPLEMENTS = ComplementsFile(
    "fit_withheld", _SOURCES, lambda folder: complements(read_tables(folder, _SOURCES))
)
