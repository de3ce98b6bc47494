"""Timed-pathway results as a viewer may see them (docs/decisions/0035): compliance, steps, the
bottleneck and the monthly trend after disclosure control, every rate and Wilson interval from the
same published counts, and no SPC over rounded or withheld counts (`cwt.published.SPC_WITHHELD`
gives the reason pages and the board pack show)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from cancer_alliance.early_diagnosis.published import trust_mappings
from cancer_alliance.stats.disclosure import DisclosurePolicy, Rate, marked_counts, publish, withhold
from cancer_alliance.stats.intervals import wilson
from cancer_alliance.stats.secondary_suppression import (
    Nested,
    Relation,
    Row,
    code_text,
    components,
    holding,
    protect_nested,
)

COMPLIANCE_COUNTS = ("met", "breached", "overdue", "open", "decided")
COMPLIANCE = Rate(name="compliance", numerator="met", denominator="decided")
#: The SPC columns of `pathway_trend`, worked out over exact counts by the pipeline.
SPC_COLUMNS = ("mean", "lpl", "upl", "point_type")
#: Day figures of a step: shown only beside a published count of its pathways.
STEP_DAYS = ("median_days", "p90_days", "mean_days_lost", "share_over")


def published(
    table: pd.DataFrame, policy: DisclosurePolicy | None, counts: tuple[str, ...], rates: tuple[Rate, ...]
) -> pd.DataFrame:
    """The table as the viewer under `policy` may see it (None: as computed). Published, its SPC
    columns are null: limits over exact counts beside rounded ones would contradict them, and the
    exact mean pins down withheld months."""
    if policy is None or not policy.enabled or table.empty:
        return table
    out = publish(table, [c for c in counts if c in table], list(rates), policy)
    for column in SPC_COLUMNS:
        if column in out:
            out[column] = None
    return out


def with_intervals(table: pd.DataFrame) -> pd.DataFrame:
    """Wilson intervals from the same (possibly published) met and decided as the compliance."""
    lower, upper = wilson(table["met"], table["decided"])
    return table.assign(compliance_lower_95=lower, compliance_upper_95=upper)


def published_steps(table: pd.DataFrame, policy: DisclosurePolicy | None) -> pd.DataFrame:
    """Steps with `pathways` published; the day figures of a withheld group hidden with it."""
    out = published(table, policy, ("pathways",), ())
    if out is not table and not out.empty:
        hidden = out["pathways"].isna()
        for column in STEP_DAYS:
            out[column] = out[column].where(~hidden, np.nan)
    return out


# The public tables and their secondary suppression (docs/decisions/0057). A signed-out visitor reads
# the compliance counts of each alliance and of each trust (the timed-pathways pages, the API, the
# board pack) by tumour and milestone, and knows that an alliance's counts are the sum of its trusts'
# where the milestones say so (each milestone carries its trust's alliance), and that decided = met +
# breached + overdue. The refresh (`pathways_disclosure`) withholds further counts as complements until
# no withheld count can be narrowed by differencing (Hundepool et al., *Statistical Disclosure
# Control*, 2012, chapter 4; GSS, *Statistical Disclosure Control* guidance; NHS Digital, *Disclosure
# control methodology for HES and ECDS*, 2018).

#: The public compliance counts as sums of disjoint groups of milestones: 0 met, 1 breached,
#: 2 overdue, 3 open (`metrics.compliance`; `not_applicable` is never shown).
GROUPS = ((0,), (1,), (2,), (3,), (0, 1, 2))
#: The key of a public row beyond its level and code.
ROW_KEYS = ("tumour", "milestone")
#: Columns of the complements file (`pathways_withheld` in the results catalogue).
WITHHELD_COLUMNS = ("level", "code", *ROW_KEYS, "count")


def public_tables(compliance: pd.DataFrame, mappings: Sequence[dict[str, str]]) -> list[Nested]:
    """The independent `Nested` tables of the public compliance counts (`compliance`: the
    `pathway_compliance` file; `mappings`: trust ODS code -> alliance code): per tumour and milestone,
    an alliance with the trusts a mapping assigns to it, stated only where their counts add up."""
    tables: list[Nested] = []
    for (tumour, milestone), part in compliance.groupby(list(ROW_KEYS), sort=True):
        rows = [
            Row((level, code_text(code), tumour, milestone), tuple(counts))
            for level, code, counts in zip(
                part["level"], part["code"], part[list(COMPLIANCE_COUNTS)].to_numpy(dtype=float), strict=True
            )
        ]
        sums = {row.key: np.asarray(row.counts) for row in rows}
        trusts = [row.key for row in rows if row.key[0] == "trust"]
        candidates = [
            Relation(row.key, tuple(t for t in trusts if mapping.get(t[1]) == row.key[1]))
            for mapping in mappings
            for row in rows
            if row.key[0] == "alliance"
        ]
        relations = holding(candidates, sums)
        tables += [
            Nested(COMPLIANCE_COUNTS, GROUPS, rows, linked) for rows, linked in components(rows, relations)
        ]
    return tables


def complements(
    compliance: pd.DataFrame, mappings: Sequence[dict[str, str]], policy: DisclosurePolicy | None = None
) -> pd.DataFrame:
    """The public counts withheld as complements (`WITHHELD_COLUMNS`), decided once per refresh; a
    row's counts narrow each other (decided less met leaves breached plus overdue), so another count of
    the exposed row is withheld where no related row's helps (`protect_nested(..., own_row=True)`)."""
    policy = policy or DisclosurePolicy()
    found = [
        (*key, count)
        for table in public_tables(compliance, mappings)
        for key, count in protect_nested(table, policy, own_row=True).complements
    ]
    return pd.DataFrame(found, columns=list(WITHHELD_COLUMNS)).sort_values(
        list(WITHHELD_COLUMNS), ignore_index=True
    )


def published_compliance(
    table: pd.DataFrame, policy: DisclosurePolicy | None, withheld: pd.DataFrame | None
) -> pd.DataFrame:
    """Compliance rows as the viewer may see them: `published`, and for the public the refresh's
    complements (`withheld`, None: the viewer sees exact counts) withheld too; the compliance and its
    interval from what is left."""
    out = published(table, policy, COMPLIANCE_COUNTS, (COMPLIANCE,))
    if out is not table and withheld is not None:
        keys = list(
            zip(
                table["level"], table["code"].map(code_text), table["tumour"], table["milestone"], strict=True
            )
        )
        chosen = set(withheld.itertuples(index=False, name=None))
        out = withhold(out, table, marked_counts(keys, chosen, COMPLIANCE_COUNTS, table.index))
        met, decided = out["met"].to_numpy(dtype=float), out["decided"].to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[COMPLIANCE.name] = np.where(decided > 0, met / decided, np.nan)
    return with_intervals(out)


def write_complements(folder: Path) -> pd.DataFrame:
    """Decide the complements of the public compliance counts in `folder` and write them as its
    `pathways_withheld` file (the refresh's `pathways_disclosure` step)."""
    from cancer_alliance.results import catalogue  # the catalogue imports this package

    chosen = complements(pd.read_parquet(catalogue.path(folder, "pathway_compliance")), trust_mappings())
    chosen.to_parquet(catalogue.path(folder, "pathways_withheld"), index=False)
    return chosen


def read_complements(folder: Path) -> pd.DataFrame:
    """The refresh's `pathways_withheld`; for results written before the step existed, decided now."""
    from cancer_alliance.results import catalogue

    path = catalogue.path(folder, "pathways_withheld")
    if path.exists():
        return pd.read_parquet(path)
    return complements(pd.read_parquet(catalogue.path(folder, "pathway_compliance")), trust_mappings())
