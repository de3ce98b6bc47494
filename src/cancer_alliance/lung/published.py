"""Lung health check programme metrics as a viewer may see them (docs/decisions/0035): the one place
that turns the journey counts (`programme_files.counts_table`) into published figures for
`/lung/programme`, its API, `alliance lung programme --public` (the public tables only, as the pages
publish them: `public_file`) and the board pack.

Counts pass `stats.disclosure.publish` (1 to 7 withheld, the rest rounded to 5); every rate and its
Wilson 95% interval are then worked out from the published counts (`programme_files.metrics`), so no
rate lies outside its own interval and none gives a withheld count away. The invitations count is
controlled only where there is one (a missing denominator stays "no data").
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd

from cancer_alliance.errors import AllianceError
from cancer_alliance.lung.programme import COUNT_COLUMNS, WITHHELD_COLUMNS
from cancer_alliance.lung.programme_files import metrics
from cancer_alliance.results.complements import ComplementsFile, read_tables
from cancer_alliance.stats.disclosure import DisclosurePolicy, Rate, marked_counts, publish, withhold
from cancer_alliance.stats.secondary_suppression import Nested, Relation, Row, protect_nested


def publish_programme_metrics(counts: pd.DataFrame, policy: DisclosurePolicy | None = None) -> pd.DataFrame:
    """Disclosure-controlled counts (null + `<count>_suppressed`) and the rates recomputed from them."""
    present = [name for name in (*COUNT_COLUMNS, "invited") if counts[name].notna().any()]
    return metrics(publish(counts, present, policy=policy))


def as_seen(counts: pd.DataFrame, policy: DisclosurePolicy | None) -> pd.DataFrame:
    """The programme metrics as a viewer under `policy` sees them (None or disabled: exact)."""
    if policy is None or not policy.enabled:
        return metrics(counts)
    return publish_programme_metrics(counts, policy)


def published_targeting(targeting: pd.DataFrame, policy: DisclosurePolicy | None) -> pd.DataFrame:
    """The CCG targeting as a viewer under `policy` sees it. Ranked by the early-stage proxy, the share
    is worked out from the published stage counts (withheld where one is): the exact share of a few
    registrations gives its counts away (1 of 3 is 33.3%). Survival is a published statistic already."""
    if policy is None or not policy.enabled or "stage_staged" not in targeting:
        return targeting
    share = Rate("lung_early_stage_share", "stage_early", "stage_staged")
    return publish(targeting, ["stage_early", "stage_staged"], [share], policy)


# The public tables and their secondary suppression (docs/decisions/0054). A signed-out viewer gets two
# fixed tables, programme to date: each alliance and each CCG; an alliance is the sum of its CCGs. The
# journey counts split the same attended people in six independent ways (`lung.programme`,
# `lung.eligibility`): assessment (not assessed, assessed and not eligible, eligible) crossed with the
# scan (none, another result, indeterminate, positive), smoking, nodule follow-up, referral, cancer
# (none, unstaged, late, early) and cessation referral. `invited` comes from another table: a table of
# its own. The refresh (`lung_disclosure`) withholds counts as complements until no withheld count can
# be narrowed by differencing an alliance and its CCGs.

#: Public table level -> the results file it is read from and its code column.
PUBLIC_TABLES: dict[str, tuple[str, str]] = {
    "alliance": ("lung_programme_alliance", "alliance"),
    "ccg": ("lung_programme_ccg", "ccg"),
}
_SCANNED = tuple(4 * a + s for a in range(3) for s in (1, 2, 3))
#: The groups of people each count adds up (groups 0-11: assessment x scan, 4 x assessment + scan).
GROUPS: dict[str, tuple[int, ...]] = {
    "attended": tuple(range(12)),
    "assessed": tuple(range(4, 12)),
    "eligible": (8, 9, 10, 11),
    "current_smokers": (12,),
    "ldct_scans": _SCANNED,
    "eligible_scanned": (9, 10, 11),
    "findings": tuple(4 * a + s for a in range(3) for s in (2, 3)),
    "indeterminate": (2, 6, 10),
    "positive": (3, 7, 11),
    "nodule_followups": (14,),
    "referrals": (16,),
    "cancers": (19, 20, 21),
    "cancers_staged": (20, 21),
    "cancers_early": (21,),
    "cessation_referrals": (22,),
}
#: The other splits of the attended: smoking, nodule follow-up, referral, cancer, cessation referral.
PARTITIONS = ((12, 13), (14, 15), (16, 17), (18, 19, 20, 21), (22, 23))


def public_tables(tables: dict[str, pd.DataFrame]) -> Iterator[tuple[str, Nested]]:
    """Per alliance, the journey table and the invitations table (`stats.secondary_suppression.Nested`):
    the alliance's row and its CCGs' rows, the alliance the sum of its CCGs where the counts add up."""
    alliances = tables["lung_programme_alliance"]
    ccgs = tables["lung_programme_ccg"]
    by_alliance = dict(tuple(ccgs.groupby("alliance_code", sort=True)))
    for alliance, row in alliances.set_index("alliance").sort_index().iterrows():
        members = by_alliance.get(alliance, ccgs.iloc[:0])
        for names, groups, partitions in (
            (COUNT_COLUMNS, tuple(GROUPS[n] for n in COUNT_COLUMNS), PARTITIONS),
            (("invited",), ((0,),), ()),
        ):
            if names == ("invited",) and (pd.isna(row["invited"]) or members["invited"].isna().any()):
                continue  # no invitations: "no data", nothing to difference
            top = Row(("alliance", alliance), tuple(float(row[n]) for n in names))
            parts = tuple(
                Row(("ccg", code), tuple(float(v) for v in values))
                for code, values in zip(members["ccg"], members[list(names)].to_numpy(), strict=True)
            )
            adds_up = np.allclose(top.counts, np.sum([p.counts for p in parts], axis=0)) if parts else False
            relations = (Relation(top.key, tuple(p.key for p in parts)),) if adds_up else ()
            yield alliance, Nested(tuple(names), groups, (top, *parts), relations, partitions)


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


def public_programme_metrics(
    counts: pd.DataFrame, policy: DisclosurePolicy | None, withheld: pd.DataFrame | None, level: str
) -> pd.DataFrame:
    """Rows of the public table `level` as the viewer may see them: `as_seen`, and for the public the
    refresh's complements withheld too, with every rate and interval that needs them."""
    if policy is None or not policy.enabled or withheld is None:
        return as_seen(counts, policy)
    column = PUBLIC_TABLES[level][1]
    chosen = withheld[withheld["level"] == level]
    marked = marked_counts(
        [(c,) for c in counts[column]],
        set(zip(chosen["code"], chosen["count"], strict=True)),
        [*COUNT_COLUMNS, "invited"],
        counts.index,
    )
    present = [name for name in (*COUNT_COLUMNS, "invited") if counts[name].notna().any()]
    return metrics(withhold(publish(counts, present, policy=policy), counts, marked[present]))


#: The results files of the public tables.
_SOURCES = tuple(name for name, _ in PUBLIC_TABLES.values())


#: The refresh's `lung_disclosure` step writes it; the public pages, the API, the board pack and
#: `alliance lung programme --public` read it.
COMPLEMENTS = ComplementsFile(
    "lung_withheld", _SOURCES, lambda folder: complements(read_tables(folder, _SOURCES))
)


class NotPublished(AllianceError):
    """A public table was asked for by a grouping the public pages do not publish."""


def check_public(by: Sequence[str]) -> None:
    """Refuse (`NotPublished`) a public table by anything but one of `PUBLIC_TABLES`: those are audited
    together by the refresh so that no withheld count can be worked out by differencing them
    (docs/decisions/0054); a table by trust, month or a combination is not audited with them, and its
    counts with the pages' could give a withheld count away (Hundepool et al., *Statistical Disclosure
    Control*, 2012, chapter 4: linked tables)."""
    if len(by) == 1 and by[0] in PUBLIC_TABLES:
        return
    grouping = ",".join(by) or "(none)"
    raise NotPublished(
        f"--public --by {grouping}: the public pages publish the lung programme by alliance and by CCG only, "
        "audited together so that no withheld count can be worked out by differencing them "
        "(docs/decisions/0054); a public table by another grouping is not audited with them and could "
        "give a withheld count away. Use --public --by alliance or --public --by ccg (the pages' figures), "
        "or leave out --public for exact figures, not for publication."
    )


def public_file(
    tables: dict[str, pd.DataFrame], level: str, policy: DisclosurePolicy | None = None
) -> pd.DataFrame:
    """The public table `level` (alliance or CCG) exactly as the public pages publish it, from `tables`
    (the journey counts by alliance and by CCG, keyed by results file name, as the refresh writes them):
    primary control, then the complements decided for both tables together (`complements`, what the
    refresh's `lung_disclosure` step decides from the same counts)."""
    check_public([level])
    policy = policy or DisclosurePolicy()
    counts = tables[PUBLIC_TABLES[level][0]]
    return public_programme_metrics(counts, policy, complements(tables, policy), level)
