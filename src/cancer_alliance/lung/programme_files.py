"""Programme metrics of the lung health checks by CCG or alliance, with Wilson 95% intervals, from the
journey counts (`programme.programme_counts`), collected from the engine. Public tables go through
`lung.published` (disclosure control first, every rate recomputed from the published counts).

    uptake                 attended / invited (invitations from the lake's `lung_health_check_invitation`
                           table, by CCG; null, "no data", where there are none)
    eligibility_rate       eligible / attended
    scan_rate              eligible_scanned / eligible           (low-dose CT among the eligible)
    findings_rate          findings / ldct_scans                 (indeterminate or positive results)
    referral_rate          referrals / ldct_scans
    cancer_detection_rate  cancers / ldct_scans
    early_stage_share      cancers_early / cancers_staged        (stage 1-2 among screen-detected, staged)
    cessation_rate         cessation_referrals / current_smokers
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cancer_alliance import reference
from cancer_alliance.engine import functions
from cancer_alliance.lung.eligibility import add_eligibility
from cancer_alliance.lung.programme import COUNT_COLUMNS, programme_counts
from cancer_alliance.lung.settings import DEFAULT_SETTINGS, LungSettings
from cancer_alliance.lung.survival import SurvivalTable
from cancer_alliance.results import catalogue
from cancer_alliance.stats.intervals import wilson

#: Rate name -> (numerator, denominator).
RATES: dict[str, tuple[str, str]] = {
    "uptake": ("attended", "invited"),
    "eligibility_rate": ("eligible", "attended"),
    "scan_rate": ("eligible_scanned", "eligible"),
    "findings_rate": ("findings", "ldct_scans"),
    "referral_rate": ("referrals", "ldct_scans"),
    "cancer_detection_rate": ("cancers", "ldct_scans"),
    "early_stage_share": ("cancers_early", "cancers_staged"),
    "cessation_rate": ("cessation_referrals", "current_smokers"),
}


def invited_by_ccg(invitations: Any) -> pd.Series:
    """Invitations per CCG (ccg_code -> count) from rows of `lung_health_check_invitation`."""
    F = functions(invitations)
    table = invitations.groupBy("ccg_code").agg(F.count(F.lit(1)).alias("invited")).toArrow().to_pandas()
    return table.set_index("ccg_code")["invited"].astype(float)


def counts_table(
    attendances: Any,
    by: Sequence[str],
    settings: LungSettings = DEFAULT_SETTINGS,
    invitations: Any = None,
) -> pd.DataFrame:
    """Journey counts per group as pandas, with `invited`: when `by` is ccg or alliance, the
    invitation rows `invitations` (engine DataFrame) counted per CCG, rolled up to alliances through
    the 2018/19 CCG mapping; null (no data) for a group without invitations and for other groupings."""
    counts = programme_counts(add_eligibility(attendances, settings), by).toArrow().to_pandas()
    for name in COUNT_COLUMNS:
        counts[name] = counts[name].astype("int64")
    counts["invited"] = np.nan
    if invitations is not None and list(by) in (["ccg"], ["alliance"]):
        invited = invited_by_ccg(invitations)
        if by[0] == "alliance":
            invited = invited.groupby(invited.index.map(_alliance_of())).sum()
        counts["invited"] = counts[by[0]].map(invited).astype(float)
    return counts.sort_values(list(by)).reset_index(drop=True) if by else counts


def _alliance_of() -> dict[str, str]:
    return {ccg.ons_code: ccg.alliance_code for ccg in reference.ccgs()}


def metrics(counts: pd.DataFrame) -> pd.DataFrame:
    """`counts` with each rate of RATES and its Wilson 95% limits (`<rate>_lower_95`, `_upper_95`)."""
    result = counts.copy()
    for name, (numerator, denominator) in RATES.items():
        num = result[numerator].to_numpy(dtype=float)
        den = result[denominator].to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            result[name] = np.where(den > 0, num / den, np.nan)
        result[f"{name}_lower_95"], result[f"{name}_upper_95"] = wilson(num, den)
    return result


#: How many CCGs the demo's targeting chooses (ASSUMPTION for the demo; a setting of `write_results`).
DEMO_CHOSEN_CCGS = 14
#: Table -> its results file's catalogue name (`results.catalogue` holds the file name).
RESULTS = {"alliance": "lung_programme_alliance", "ccg": "lung_programme_ccg", "targeting": "lung_targeting"}


def write_results(
    attendances: Any,
    invitations: Any,
    registrations: Any,
    results: Path,
    *,
    settings: LungSettings = DEFAULT_SETTINGS,
    choose: int = DEMO_CHOSEN_CCGS,
    survival: SurvivalTable | None = None,
) -> list[Path]:
    """The lung results the web serves, computed from the lake's attendances, invitations and
    registrations: journey counts by alliance and by CCG (uptake from the invitations, no data where
    there are none), and the CCG targeting, the first `choose` chosen (decision 0032): by one-year lung
    cancer survival when a `survival` table is given (`lung.survival.read_survival`, basis `survival`),
    else by the fallback proxy `lung_early_stage_share` (share of lung cancers diagnosed at stage 1 or 2,
    from the registrations; basis `early_stage_proxy`, which every page showing it names as a proxy)."""

    if survival is None:
        targeting = _proxy_targeting(registrations, _alliance_of(), choose)
    else:
        targeting = survival_targeting(survival, choose)
    tables = public_counts(attendances, invitations, settings) | {RESULTS["targeting"]: targeting}
    written = []
    for name, table in tables.items():
        path = catalogue.path(results, name)
        table.to_parquet(path, index=False)
        written.append(path)
    return written


def public_counts(attendances: Any, invitations: Any, settings: LungSettings) -> dict[str, pd.DataFrame]:
    """The journey counts of the public tables, keyed by results file name: by alliance, and by CCG
    with the CCG's alliance (the 2018/19 mapping): what the refresh writes and `lung_disclosure` audits."""
    by_ccg = counts_table(attendances, ["ccg"], settings, invitations)
    by_ccg["alliance_code"] = by_ccg["ccg"].map(_alliance_of())
    by_alliance = counts_table(attendances, ["alliance"], settings, invitations)
    return {RESULTS["alliance"]: by_alliance, RESULTS["ccg"]: by_ccg}


def survival_targeting(survival: SurvivalTable, choose: int) -> pd.DataFrame:
    """CCGs ranked by one-year lung cancer survival (`lung_survival_1y_pct`), lowest first."""
    from cancer_alliance.lung.survival import VALUE
    from cancer_alliance.lung.targeting import rank_ccgs

    ranked = rank_ccgs(survival.rows, choose=choose, value=VALUE, version=survival.profile.ccg_version)
    targeting = pd.DataFrame([vars(ccg) for ccg in ranked]).rename(columns={"value": "lung_survival_1y_pct"})
    targeting["basis"] = "survival"
    targeting["diagnosis_year"] = survival.diagnosis_year
    return targeting


def _proxy_targeting(registrations: Any, alliance_of: dict[str, str | None], choose: int) -> pd.DataFrame:
    """The fallback: CCGs ranked by the share of their lung cancers diagnosed at stage 1 or 2."""
    from cancer_alliance.early_diagnosis.counts import registration_counts
    from cancer_alliance.lung.targeting import rank_ccgs

    lung = registrations.filter(registrations.cancer_site == "lung")
    stage = registration_counts(lung, ["ccg"]).toArrow().to_pandas()
    stage = stage[stage["ccg"].isin(alliance_of) & (stage["stage_staged"] > 0)]
    proxy = [
        {"ccg_code": row.ccg, "lung_early_stage_share": row.stage_early / row.stage_staged}
        for row in stage.itertuples()
    ]
    ranked = rank_ccgs(proxy, choose=choose, value="lung_early_stage_share", source="lung registrations")
    targeting = pd.DataFrame([vars(ccg) for ccg in ranked]).rename(
        columns={"value": "lung_early_stage_share"}
    )
    targeting["basis"] = "early_stage_proxy"
    return targeting.merge(
        stage.rename(columns={"ccg": "ccg_code"})[["ccg_code", "stage_early", "stage_staged"]], on="ccg_code"
    )


def programme_file(
    output: Path | str,
    by: Sequence[str],
    *,
    public: bool = False,
    engine: Any = None,
    settings: LungSettings = DEFAULT_SETTINGS,
) -> int:
    """Programme metrics from the lake's `lung_health_check` table (after `alliance ingest`) by `by`,
    with the uptake from its `lung_health_check_invitation` table, written to `output` (.csv or
    .parquet: a local path, a URI or on Spark a table). `public` gives the public pages' table exactly
    (`lung.published.public_file`: by alliance or by CCG only, with the complements the refresh's audit
    decides for both together; any other grouping is refused with `NotPublished`, before the lake is
    read). Returns the number of rows written."""
    from cancer_alliance.engine import open_engine
    from cancer_alliance.engine.io import check_engine, output_location, write_output
    from cancer_alliance.ingest.lake import current_table
    from cancer_alliance.lung.published import check_public, public_file

    if public:
        check_public(by)
    target = output_location(output)
    session = open_engine(engine)
    check_engine(session, target)
    attendances = current_table(session, "lung_health_check")
    invitations = current_table(session, "lung_health_check_invitation")
    if public:
        table = public_file(public_counts(attendances, invitations, settings), by[0])
    else:
        table = metrics(counts_table(attendances, list(by), settings, invitations))
    write_output(session, table, target)
    return len(table)
