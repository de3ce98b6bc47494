"""Early diagnosis as a viewer may see it (docs/decisions/0035, 0042): the one place that turns stage
and route counts (NDRS or the lake's registrations) into published figures for the pages, the API, the
board pack and the HTML report.

- Counts pass `stats.disclosure.publish`; every proportion, Wilson interval and completeness is then
  worked out from the published counts (`metrics.metrics`), so no proportion lies outside its own
  interval and none gives a withheld count away.
- The lake's public tables (alliances and trusts) get complements decided once per refresh
  (`complements`, docs/decisions/0056): `public_metrics` withholds them too.
- SPC over the yearly early-stage proportion is worked out only over exact counts. Under a policy the
  counts are rounded to 5, so there is no SPC and `SPC_WITHHELD` says why (the rule of
  `cwt.published`; NHS England, *Making Data Count*, 2019).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from cancer_alliance.early_diagnosis.counts import COUNT_COLUMNS
from cancer_alliance.early_diagnosis.metrics import metrics
from cancer_alliance.reference import provider_alliance, trust_versions
from cancer_alliance.results.complements import ComplementsFile, read_tables
from cancer_alliance.stats.disclosure import DisclosurePolicy, publish
from cancer_alliance.stats.secondary_suppression import (
    Nested,
    Protection,
    Relation,
    Row,
    code_text,
    components,
    holding,
    protect_nested,
)
from cancer_alliance.stats.spc import SpcOptions, spc, summary

#: Why a viewer who gets published counts sees no SPC of the yearly early-stage proportion.
SPC_WITHHELD = (
    "Statistical process control is not shown on published figures: the yearly counts are rounded to "
    "the nearest 5, and process limits worked out from rounded counts would show signals that are not "
    "in the data. Signed-in NHS users see it over the exact counts."
)


def publish_metrics(
    counts: pd.DataFrame, policy: DisclosurePolicy | None = None, *, national: str | None = None
) -> pd.DataFrame:
    """Disclosure-controlled counts (null + `<count>_suppressed`) and the metrics recomputed from them."""
    present = [name for name in COUNT_COLUMNS if name in counts.columns]
    return metrics(publish(counts, present, policy=policy, national=national))


def as_seen(counts: pd.DataFrame, policy: DisclosurePolicy | None) -> pd.DataFrame:
    """Counts with their metrics as a viewer under `policy` sees them (None or disabled: exact)."""
    if policy is None or not policy.enabled:
        return metrics(counts)
    return publish_metrics(counts, policy)


def yearly_spc(
    yearly: pd.DataFrame, target: float, policy: DisclosurePolicy | None
) -> tuple[pd.DataFrame, dict, str | None]:
    """(points, summary, withheld reason) of the XmR chart of `early_stage_proportion` by `year` in
    `yearly` (exact counts with metrics), higher is better, against `target`: none, with the reason,
    when the viewer under `policy` gets published (rounded) counts."""
    if policy is not None and policy.enabled:
        return pd.DataFrame(), {}, SPC_WITHHELD
    series = yearly.loc[yearly["early_stage_proportion"].notna(), ["year", "early_stage_proportion"]]
    series = pd.DataFrame(
        {"x": pd.to_datetime(series["year"].astype(str) + "-01-01"), "y": series["early_stage_proportion"]}
    ).reset_index(drop=True)
    options = SpcOptions(target=target)
    points = spc(series, options)
    return points, (summary(points, options).iloc[0].to_dict() if len(points) else {}), None


# The public tables and their secondary suppression (docs/decisions/0056). A signed-out visitor reads
# the lake's counts of each alliance (the alliance page) and of each trust (the trust page), each table
# under primary control, and knows how they add up: England, never shown, is the sum of every alliance
# and of every trust (a row with no code is a part no page shows), and an alliance is the sum of the
# trusts that reference data assigns to it where the registrations say so (the synthetic lake: the
# patient's alliance is the diagnosing trust's; real registrations give the alliance of residence,
# which no sum of trusts equals). The CCG rows are not public. The refresh
# (`early_diagnosis_disclosure`) withholds further counts as complements until no withheld count can be
# narrowed by differencing (Hundepool et al., *Statistical Disclosure Control*, 2012, chapter 4; GSS,
# *Statistical Disclosure Control* guidance; NHS Digital, *Disclosure control methodology for HES and
# ECDS*, 2018).

#: Public table level -> the results file it is read from and its code column.
PUBLIC_TABLES: dict[str, tuple[str, str]] = {
    "alliance": ("early_diagnosis_alliance", "alliance"),
    "trust": ("early_diagnosis_trust", "trust"),
}
#: The row no page shows that every public table adds up to.
ENGLAND = ("england", "")
#: How each count splits into disjoint groups of registrations: stage category (0 no NDRS stage site
#: group, 1 staged early, 2 staged not early, 3 stage missing, 4 unstageable; the NDRS stage roles of
#: `data/stage_groups.csv` put every stageable registration in exactly one) times route category (0
#: emergency presentation, 1 another known route, 2 unknown or not recorded; Routes to Diagnosis), group
#: 3 * stage + route. The reader knows each count is the sum of its groups (`counts.registration_counts`).
GROUPS = (
    tuple(range(15)),  # registrations
    tuple(range(3, 15)),  # stageable
    (3, 4, 5),  # stage_early
    tuple(range(3, 9)),  # stage_staged
    (9, 10, 11),  # stage_missing
    (12, 13, 14),  # stage_unstageable
    tuple(range(0, 15, 3)),  # emergency
    tuple(q for q in range(15) if q % 3 != 2),  # route_known
)
#: Columns of the complements file (`early_diagnosis_withheld` in the results catalogue).
WITHHELD_COLUMNS = ("level", "code", "count")


def trust_mappings() -> tuple[dict[str, str], ...]:
    """Trust ODS code -> alliance code in every trust mapping version of the reference data (a reader
    may know any of them)."""
    return tuple(provider_alliance(version) for version in trust_versions())


def public_tables(tables: dict[str, pd.DataFrame], mappings: Sequence[dict[str, str]]) -> list[Nested]:
    """The independent `stats.secondary_suppression.Nested` tables of the public counts (`tables`: the
    results files of `PUBLIC_TABLES` by name; `mappings`: trust ODS code -> alliance code,
    `trust_mappings`). Each relation is stated only where the counts add up: one that does not is no
    relation a reader can use either. Where the alliances' relations split the trusts among every
    alliance (the synthetic lake), England's relations follow from them and England is shown nowhere,
    so each alliance with its trusts is a table of its own, audited apart."""
    rows: list[Row] = [Row(ENGLAND, (0.0,) * len(COUNT_COLUMNS), shown=False)]
    codes: dict[str, list[str]] = {}
    sums: dict[tuple[str, str], np.ndarray] = {}
    for level, (name, column) in PUBLIC_TABLES.items():
        frame = tables[name]
        codes[level] = [code_text(c) for c in frame[column]]
        values = frame[list(COUNT_COLUMNS)].to_numpy(dtype=float)
        for code, counts in zip(codes[level], values, strict=True):
            rows.append(Row((level, code), tuple(counts), shown=code != ""))
            sums[(level, code)] = counts
    england = tables[PUBLIC_TABLES["alliance"][0]][list(COUNT_COLUMNS)].to_numpy(dtype=float).sum(axis=0)
    rows[0] = Row(ENGLAND, tuple(england), shown=False)
    candidates = [Relation(ENGLAND, tuple((level, c) for c in codes[level])) for level in PUBLIC_TABLES]
    candidates += [
        Relation(("alliance", a), tuple(("trust", t) for t in codes["trust"] if mapping.get(t) == a))
        for mapping in mappings
        for a in codes["alliance"]
        if a
    ]
    sums[ENGLAND] = england
    relations = holding(candidates, sums)
    local = [r for r in relations if r.total != ENGLAND]
    covered = [p for r in local for p in r.parts]
    alliances = {("alliance", a) for a in codes["alliance"]}
    if (
        sorted(covered) == sorted(("trust", t) for t in codes["trust"])
        and {r.total for r in local} == alliances
    ):
        relations = local
    return [Nested(COUNT_COLUMNS, GROUPS, part, linked) for part, linked in components(rows, relations)]


def protection(table: Nested, policy: DisclosurePolicy | None = None) -> Protection:
    """The complements of one public table (`stats.secondary_suppression.protect_nested`), another count
    of an exposed count's own row withheld where no related row's helps: a row's stage counts narrow
    each other (stageable less staged leaves missing plus unstageable)."""
    return protect_nested(table, policy, own_row=True)


def complements(
    tables: dict[str, pd.DataFrame],
    mappings: Sequence[dict[str, str]],
    policy: DisclosurePolicy | None = None,
) -> pd.DataFrame:
    """The counts of the public tables withheld as complements (`WITHHELD_COLUMNS`), decided once per
    refresh; empty when disclosure control is off."""
    policy = policy or DisclosurePolicy()
    rows = [
        (level, code, count)
        for table in public_tables(tables, mappings)
        for (level, code), count in protection(table, policy).complements
    ]
    return pd.DataFrame(rows, columns=list(WITHHELD_COLUMNS)).sort_values(
        list(WITHHELD_COLUMNS), ignore_index=True
    )


def public_metrics(
    counts: pd.DataFrame, policy: DisclosurePolicy | None, withheld: pd.DataFrame, level: str
) -> pd.DataFrame:
    """Rows of the public table `level` as the viewer may see them: `as_seen`, and for the public the
    refresh's complements withheld too, every share, interval and completeness from what is left."""
    if policy is None or not policy.enabled:
        return metrics(counts)
    column = PUBLIC_TABLES[level][1]
    present = [name for name in COUNT_COLUMNS if name in counts.columns]
    published = publish(counts, present, policy=policy)
    chosen = withheld[withheld["level"] == level]
    marked = set(zip(chosen["code"], chosen["count"], strict=True))
    codes = counts[column].map(code_text)
    for name in present:
        hit = codes.map(lambda code, name=name: (code, name) in marked).to_numpy(dtype=bool)
        hit &= counts[name].to_numpy() != 0
        published[name] = published[name].where(~hit)
        published.loc[hit, f"{name}_suppressed"] = True
    return metrics(published)


#: The results files of the public tables.
_SOURCES = tuple(name for name, _ in PUBLIC_TABLES.values())


#: The refresh's `early_diagnosis_disclosure` step writes it; the alliance and trust pages read it.
COMPLEMENTS = ComplementsFile(
    "early_diagnosis_withheld",
    _SOURCES,
    lambda folder: complements(read_tables(folder, _SOURCES), trust_mappings()),
)
