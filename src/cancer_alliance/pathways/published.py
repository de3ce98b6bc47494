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
from cancer_alliance.results.complements import ComplementsFile
from cancer_alliance.stats.disclosure import DisclosurePolicy, Rate, marked_counts, publish, withhold
from cancer_alliance.stats.intervals import wilson
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


# The public tables and their secondary suppression (docs/decisions/0057). A signed-out visitor reads
# the compliance counts of each alliance and of each trust (the timed-pathways pages, the API, the
# board pack) by tumour and milestone, and for the main milestones the same counts by month of day 0
# (the trend). They know that an alliance's counts are the sum of its trusts' where the milestones say
# so (each milestone carries its trust's alliance), in the period and in each month; that the period
# is the sum of its months where the trend shows every month that decided something; that decided =
# met + breached + overdue; and that an alliance's pathways per step are its trusts' (the first step's
# are met + breached of its milestone, so shown as that sum of the published counts). The refresh
# (`pathways_disclosure`) withholds further counts as complements until no withheld count can be
# narrowed by differencing (Hundepool et al., *Statistical Disclosure Control*, 2012, chapter 4; GSS,
# *Statistical Disclosure Control* guidance; NHS Digital, *Disclosure control methodology for HES and
# ECDS*, 2018).

#: The counts of milestones decided, as sums of disjoint groups: 0 met, 1 breached, 2 overdue
#: (`metrics.compliance`). The trend shows the public these only.
DECIDED_COUNTS = ("met", "breached", "overdue", "decided")
DECIDED_GROUPS = ((0,), (1,), (2,), (0, 1, 2))
#: Open milestones: a group no other count shares, so audited as a table of its own (the same
#: ranges, as no relation links it to the others).
OPEN_COUNTS = ("open",)
#: Counts never shown to the public: `not_applicable` anywhere (it would need an audit of its own and
#: says nothing of compliance), and in the trend `open`, which misses the months that decided nothing
#: (the trend keeps only months with a milestone decided, `metrics.compliance_spc`), so that its
#: months would not add up to the period.
HIDDEN = {"compliance": ("not_applicable",), "trend": ("open", "not_applicable")}
#: Pathways per step (`pathway_steps`, and each trust's bottleneck step in `pathway_bottleneck`).
STEP_COUNTS = ("pathways",)
#: The results files the public tables are read from (`pathway_<name>`).
PUBLIC_FILES = ("compliance", "trend", "steps")
#: The key of a public row beyond its level and code; `month` is "" for the period (compliance) rows.
ROW_KEYS = ("tumour", "milestone", "month")
#: Columns of the complements file (`pathways_withheld` in the results catalogue).
WITHHELD_COLUMNS = ("level", "code", *ROW_KEYS, "count")


def _rows(table: pd.DataFrame, names: tuple[str, ...]) -> list[Row]:
    """The public rows of `table` (compliance rows, or trend months) with the counts `names`."""
    months = table["month"] if "month" in table else [""] * len(table)
    return [
        Row((level, code_text(code), tumour, milestone, str(month)), tuple(counts))
        for level, code, tumour, milestone, month, counts in zip(
            table["level"],
            table["code"],
            table["tumour"],
            table["milestone"],
            months,
            table[list(names)].to_numpy(dtype=float),
            strict=True,
        )
    ]


def _candidates(rows: list[Row], mappings: Sequence[dict[str, str]]) -> list[Relation]:
    """The relations a reader may try: each alliance row the same month's rows of the trusts a mapping
    assigns to it, and each period row its organisation's months (`holding` keeps those that add up)."""
    trusts: dict[str, list[tuple]] = {}
    months: dict[tuple[str, str], list[tuple]] = {}
    for row in rows:
        level, code, *_, month = row.key
        if level == "trust":
            trusts.setdefault(month, []).append(row.key)
        if month:
            months.setdefault((level, code), []).append(row.key)
    found = [
        Relation(row.key, tuple(t for t in trusts.get(row.key[-1], []) if mapping.get(t[1]) == row.key[1]))
        for mapping in mappings
        for row in rows
        if row.key[0] == "alliance"
    ]
    return found + [Relation(row.key, tuple(months.get(row.key[:2], []))) for row in rows if not row.key[-1]]


def _linked(
    rows: list[Row],
    names: tuple[str, ...],
    groups: tuple[tuple[int, ...], ...],
    mappings: Sequence[dict[str, str]],
) -> list[Nested]:
    """`rows` as independent `Nested` tables, each relation kept only where its counts add up."""
    sums = {row.key: np.asarray(row.counts) for row in rows}
    relations = holding(_candidates(rows, mappings), sums)
    return [Nested(names, groups, part, linked) for part, linked in components(rows, relations)]


def _step_rows(steps: pd.DataFrame) -> list[Row]:
    """The public step rows after the first (`pathway_steps`), keyed like a compliance row with the
    step in place of the milestone."""
    later = steps[steps["sequence"] > 1]
    return [
        Row((level, code_text(code), tumour, step, ""), (float(pathways),))
        for level, code, tumour, step, pathways in zip(
            later["level"], later["code"], later["tumour"], later["step"], later["pathways"], strict=True
        )
    ]


def public_tables(files: dict[str, pd.DataFrame], mappings: Sequence[dict[str, str]]) -> list[Nested]:
    """The independent `Nested` tables of the public counts (`files`: the `pathway_<name>` results of
    `PUBLIC_FILES`; `mappings`: trust ODS code -> alliance code): per tumour and milestone, the decided
    counts of the alliance and trust rows with their trend months, and apart their open counts; per
    tumour and step after the first, the alliance's and trusts' pathways."""
    trend = files["trend"]
    months = dict(tuple(trend.groupby(["tumour", "milestone"], sort=False))) if not trend.empty else {}
    tables: list[Nested] = []
    for (tumour, milestone), part in files["compliance"].groupby(["tumour", "milestone"], sort=True):
        monthly = months.get((tumour, milestone))
        decided = _rows(part, DECIDED_COUNTS) + ([] if monthly is None else _rows(monthly, DECIDED_COUNTS))
        tables += _linked(decided, DECIDED_COUNTS, DECIDED_GROUPS, mappings)
        tables += _linked(_rows(part, OPEN_COUNTS), OPEN_COUNTS, ((0,),), mappings)
    by_step: dict[tuple, list[Row]] = {}
    for row in _step_rows(files["steps"]):
        by_step.setdefault(row.key[2:4], []).append(row)
    for key in sorted(by_step):
        tables += _linked(by_step[key], STEP_COUNTS, ((0,),), mappings)
    return tables


def protections(
    files: dict[str, pd.DataFrame],
    mappings: Sequence[dict[str, str]],
    policy: DisclosurePolicy | None = None,
    *,
    workers: int = 1,
) -> list[Protection]:
    """Each public table's complements and the counts left exposed (`Protection.exposed`: nothing more
    could be withheld around them). A row's decided counts narrow each other (decided less met leaves
    breached plus overdue), so another count of the exposed row is withheld where no related row's
    helps (`protect_nested(..., own_row=True)`). The tables are independent, so `workers` > 1 audits
    them in that many fresh processes (the same result, in the same order), as `cwt.published` does."""
    policy = policy or DisclosurePolicy()
    tables = public_tables(files, mappings)
    if workers > 1 and len(tables) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("spawn")  # never fork a process holding engine threads
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            return list(pool.map(_protection, tables, [policy] * len(tables)))
    return [_protection(table, policy) for table in tables]


def _protection(table: Nested, policy: DisclosurePolicy) -> Protection:
    return protect_nested(table, policy, own_row=True)


def complements(
    files: dict[str, pd.DataFrame],
    mappings: Sequence[dict[str, str]],
    policy: DisclosurePolicy | None = None,
    *,
    workers: int = 1,
) -> pd.DataFrame:
    """The public counts withheld as complements (`WITHHELD_COLUMNS`), decided once per refresh."""
    found = [
        (*key, count)
        for protection in protections(files, mappings, policy, workers=workers)
        for key, count in protection.complements
    ]
    return pd.DataFrame(found, columns=list(WITHHELD_COLUMNS)).sort_values(
        list(WITHHELD_COLUMNS), ignore_index=True
    )


def _public(
    table: pd.DataFrame,
    policy: DisclosurePolicy | None,
    withheld: pd.DataFrame | None,
    counts: tuple[str, ...],
    hidden: tuple[str, ...],
) -> pd.DataFrame:
    """`table` (compliance rows or trend months) as the viewer may see it: `published`, and for the
    public the counts `hidden` left out and the refresh's complements (`withheld`; None: the viewer
    sees exact counts) withheld too; the compliance and its interval from what is left."""
    out = published(table, policy, counts, (COMPLIANCE,))
    if out is not table and withheld is not None:
        months = table["month"] if "month" in table else [""] * len(table)
        codes = table["code"].map(code_text)
        keys = list(zip(table["level"], codes, table["tumour"], table["milestone"], months, strict=True))
        chosen = set(withheld[list(WITHHELD_COLUMNS)].itertuples(index=False, name=None))
        out = withhold(out, table, marked_counts(keys, chosen, counts, table.index))
        met, decided = out["met"].to_numpy(dtype=float), out["decided"].to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[COMPLIANCE.name] = np.where(decided > 0, met / decided, np.nan)
    if out is not table:
        out = out.drop(columns=[c for c in hidden if c in out])
    return with_intervals(out)


def published_compliance(
    table: pd.DataFrame, policy: DisclosurePolicy | None, withheld: pd.DataFrame | None
) -> pd.DataFrame:
    """Compliance rows as the viewer may see them (`_public`)."""
    return _public(table, policy, withheld, COMPLIANCE_COUNTS, HIDDEN["compliance"])


def published_trend(
    table: pd.DataFrame, policy: DisclosurePolicy | None, withheld: pd.DataFrame | None
) -> pd.DataFrame:
    """Trend months as the viewer may see them (`_public`): the decided counts only, no SPC."""
    return _public(table, policy, withheld, DECIDED_COUNTS, HIDDEN["trend"])


def published_steps(
    table: pd.DataFrame,
    policy: DisclosurePolicy | None,
    withheld: pd.DataFrame | None = None,
    compliance: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Steps with `pathways` published; for the public the refresh's complements withheld too and the
    first step's pathways, which are the met plus breached of its milestone, that sum of the published
    compliance rows (`compliance`, as `published_compliance` gives them; [c] when either is), so that
    it tells nothing they do not; the day figures of a withheld group hidden with it."""
    out = published(table, policy, STEP_COUNTS, ())
    if out is table or out.empty:
        return out
    if withheld is not None:
        keys = list(
            zip(
                table["level"],
                table["code"].map(code_text),
                table["tumour"],
                table["step"],
                [""] * len(table),
                strict=True,
            )
        )
        chosen = set(withheld[list(WITHHELD_COLUMNS)].itertuples(index=False, name=None))
        out = withhold(out, table, marked_counts(keys, chosen, STEP_COUNTS, table.index))
    if compliance is not None:
        out = _first_step_from(out, compliance)
    hidden = out["pathways"].isna()
    for column in STEP_DAYS:
        out[column] = out[column].where(~hidden, np.nan)
    return out


def _first_step_from(steps: pd.DataFrame, compliance: pd.DataFrame) -> pd.DataFrame:
    """`steps` with each first step's pathways the published met plus breached of its milestone."""
    first = compliance[compliance["sequence"] == 1]
    reached = dict(
        zip(
            zip(first["level"], first["code"].map(code_text), first["tumour"], strict=True),
            first["met"] + first["breached"],
            strict=True,
        )
    )
    keys = zip(steps["level"], steps["code"].map(code_text), steps["tumour"], strict=True)
    derived = pd.Series([reached.get(key, np.nan) for key in keys], index=steps.index, dtype=float)
    is_first = steps["sequence"] == 1
    out = steps.copy()
    out["pathways"] = out["pathways"].where(~is_first, derived)
    out["pathways_suppressed"] = out["pathways_suppressed"].where(~is_first, derived.isna())
    return out


def published_bottleneck(
    table: pd.DataFrame, policy: DisclosurePolicy | None, steps: pd.DataFrame | None
) -> pd.DataFrame:
    """Each trust's bottleneck step with `pathways` published; for the public the figure of the trust's
    own step row (`steps`: its trusts' rows as `published_steps` gives them), the same count, and its
    mean days lost hidden with a withheld count (a mean of whole days over a few pathways narrows
    their number: 1.4 days is 7 over 5 or 10 over 7)."""
    out = published(table, policy, STEP_COUNTS, ())
    if out is table or out.empty or steps is None:
        return out
    shown = dict(
        zip(zip(steps["code"], steps["tumour"], steps["step"], strict=True), steps["pathways"], strict=True)
    )
    keys = zip(table["provider_code"], table["tumour"], table["step"], strict=True)
    pathways = pd.Series([shown.get(key, np.nan) for key in keys], index=out.index, dtype=float)
    lost = out["mean_days_lost"].where(pathways.notna(), np.nan)
    return out.assign(pathways=pathways, pathways_suppressed=pathways.isna(), mean_days_lost=lost)


def read_public_files(folder: Path) -> dict[str, pd.DataFrame]:
    """The results files of `PUBLIC_FILES` in `folder`."""
    from cancer_alliance.results import catalogue  # the catalogue imports this package

    return {name: pd.read_parquet(catalogue.path(folder, f"pathway_{name}")) for name in PUBLIC_FILES}


#: The refresh's `pathways_disclosure` step writes it (`workers`: processes); the pages, the API, the
#: board pack and the deliverables read it.
COMPLEMENTS = ComplementsFile(
    "pathways_withheld",
    tuple(f"pathway_{name}" for name in PUBLIC_FILES),
    lambda folder, workers=1: complements(read_public_files(folder), trust_mappings(), workers=workers),
)
