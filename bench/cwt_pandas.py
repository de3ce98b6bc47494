"""The pandas baseline of the CWT benchmark: the same computation as the platform (per-record facts,
the 2018/19 performance tables by month, provider, alliance and tumour type, the PTL and its
summary) written as a straightforward, vectorised pandas implementation from the spec
(docs/sources.md), the way an analyst would. Reference data (standards, code lists,
alliances, tumour types, bands) is read from the same tables as the platform."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from cancer_alliance.cwt.tumour_types import tumour_type_ranges
from cancer_alliance.reference import (
    provider_alliance,
    ptl_bands,
    standards,
    treatment_event_types,
    treatment_modalities,
)
from cancer_alliance.schemas import schema

DAYS = {"2ww": 14, "fds": 28, "31d": 31, "62d": 62}
SCENARIOS = {  # (met_62, met_38, met_24) -> (scenario, investigating share, treating share), breach
    # allocation [S6, S40]
    (True, True, True): (1, 0.5, 0.5),
    (True, True, False): (2, 0.5, 0.5),
    (True, False, True): (3, 0.0, 1.0),
    (False, True, False): (4, 0.0, 1.0),
    (False, False, True): (5, 1.0, 0.0),
    (False, False, False): (6, 0.5, 0.5),
}
SIX_SCENARIO_FROM = pd.Timestamp("2018-04-01")


def read(path: Path) -> pd.DataFrame:
    records = pd.read_parquet(path)
    for column in schema("cwt").columns:
        if column.type == "date":
            records[column.name] = pd.to_datetime(records[column.name])
    return records


def _days(later: pd.Series, earlier: pd.Series) -> pd.Series:
    return (later - earlier).dt.days


def _month(dates: pd.Series) -> pd.Series:
    return dates.dt.strftime("%Y-%m")


def evaluate(r: pd.DataFrame) -> pd.DataFrame:
    priority, source, kind = r["priority_type"], r["source_of_referral"], r["referral_type"]
    upgraded = r["consultant_upgrade_date"].notna()
    two_week = (priority == "3") & (source != "17") & ~upgraded
    route = pd.Series(
        np.select(
            [
                two_week & (kind != "16"),
                two_week & (kind == "16"),
                (priority == "2") & (source == "17"),
                (source != "17") & upgraded,
            ],
            ["usc", "breast_symptomatic", "screening", "upgrade"],
            None,
        ),
        index=r.index,
    )
    stage = r["treatment_event_type"].map({e.code: e.treatment_stage for e in treatment_event_types()})
    modalities = {m.code: m for m in treatment_modalities()}
    group = r["treatment_modality"].map({c: m.modality_group for c, m in modalities.items()}).fillna("other")
    counts = ~r["treatment_modality"].isin([c for c, m in modalities.items() if not m.counts_in_31_62])
    adj_seen = r["adjustment_first_seen_days"].fillna(0)
    adj_treat = r["adjustment_treatment_days"].fillna(0)
    fds_stop = r[["fds_end_date", "decision_to_treat_date"]].min(axis=1)
    start_62 = r["consultant_upgrade_date"].where(route == "upgrade", r["referral_received_date"])
    after_seen = (route == "upgrade") & (r["consultant_upgrade_date"] > r["date_first_seen"])
    adj_62 = adj_seen.where(~after_seen, 0)
    d2ww = _days(r["date_first_seen"], r["referral_received_date"]) - adj_seen
    dfds = _days(fds_stop, r["referral_received_date"]) - adj_seen
    d31 = _days(r["treatment_start_date"], r["decision_to_treat_date"]) - adj_treat
    d62 = _days(r["treatment_start_date"], start_62) - adj_62 - adj_treat
    d38 = _days(r["transfer_to_treatment_date"], start_62) - adj_62
    d24 = _days(r["treatment_start_date"], r["transfer_to_treatment_date"]) - adj_treat
    in_2ww = route.isin(["usc", "breast_symptomatic"]) & r["date_first_seen"].notna()
    in_fds = route.isin(["usc", "breast_symptomatic", "screening"]) & fds_stop.notna()
    in_31 = r["decision_to_treat_date"].notna() & r["treatment_start_date"].notna() & stage.notna() & counts
    in_62 = route.notna() & (stage == "first") & r["treatment_start_date"].notna() & counts

    invalid = pd.Series(False, index=r.index)
    for order in schema("cwt").date_orders:
        invalid |= r[order.later] < r[order.earlier]
    invalid |= (r["adjustment_first_seen_days"] < 0) | (r["adjustment_treatment_days"] < 0)
    invalid |= route.isin(["usc", "breast_symptomatic", "screening"]) & r["referral_received_date"].isna()
    invalid |= r["treatment_start_date"].notna() & r["decision_to_treat_date"].isna()
    invalid |= r["treatment_start_date"].notna() & stage.isna()
    invalid |= (in_2ww & (d2ww < 0)) | (in_fds & (dfds < 0)) | (in_31 & (d31 < 0)) | (in_62 & (d62 < 0))

    investigating = r["accountable_investigating_provider"].fillna(r["provider_consultant_upgrade"])
    investigating = investigating.fillna(r["provider_first_seen"])
    treating = r["provider_treatment"]
    shared = investigating.notna() & treating.notna() & (investigating != treating)
    six = (
        shared
        & (r["treatment_start_date"] >= SIX_SCENARIO_FROM)
        & r["accountable_investigating_provider"].notna()
        & r["transfer_to_treatment_date"].notna()
    )
    invalid |= in_62 & six & ((d38 < 0) | (d24 < 0))
    allocation = pd.Series(np.select([~shared, six], ["solo", "six_scenario"], "fifty_fifty"), index=r.index)
    met_62, met_38, met_24 = d62 <= 62, d38 <= 38, d24 <= 24
    cases = [(met_62 == m62) & (met_38 == m38) & (met_24 == m24) for m62, m38, m24 in SCENARIOS]
    investigating_share = np.select(cases, [shares[1] for shares in SCENARIOS.values()], np.nan)
    treating_share = np.select(cases, [shares[2] for shares in SCENARIOS.values()], np.nan)
    share_inv = np.select(
        [allocation == "fifty_fifty", allocation == "six_scenario"], [0.5, investigating_share], np.nan
    )
    share_treat = np.select([allocation == "solo", allocation == "fifty_fifty"], [1.0, 0.5], treating_share)
    valid = ~invalid

    def rows(mask, measure, days, stop, provider, share, **extra):
        part = pd.DataFrame(
            {
                "record_id": r["record_id"],
                "measure": measure,
                "route": route,
                "days": days,
                "within": days <= DAYS[measure],
                "reporting_month": _month(stop),
                "provider": provider,
                "share": share,
                **extra,
            }
        )
        return part[mask & valid]

    facts = pd.concat(
        [
            rows(in_2ww, "2ww", d2ww, r["date_first_seen"], r["provider_first_seen"], 1.0),
            rows(in_fds, "fds", dfds, fds_stop, r["provider_fds_end"], 1.0),
            rows(
                in_31,
                "31d",
                d31,
                r["treatment_start_date"],
                treating,
                1.0,
                treatment_stage=stage,
                modality_group=group,
            ).assign(route=None),
            rows(in_62, "62d", d62, r["treatment_start_date"], treating, share_treat, allocation=allocation),
            rows(
                in_62 & shared,
                "62d",
                d62,
                r["treatment_start_date"],
                investigating,
                share_inv,
                allocation=allocation,
            ),
        ],
        ignore_index=True,
    )
    return facts


def _tumour_types() -> dict[str, str]:
    out = {}
    for item in tumour_type_ranges():
        letter = item.icd10_from[0]
        for number in range(int(item.icd10_from[1:]), int(item.icd10_to[1:]) + 1):
            out[f"{letter}{number:02d}"] = item.tumour_type
    return out


def performance(facts: pd.DataFrame, records: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """The 2018/19 standards, by the given groups, with the threshold in force in the month."""
    facts = facts.copy()
    groups = ["reporting_month" if name == "month" else name for name in by]
    if "alliance" in groups:
        facts["alliance"] = facts["provider"].str[:3].map(provider_alliance()).fillna("UNKNOWN")
    if "tumour_type" in groups:
        facts = facts.merge(records[["record_id", "primary_diagnosis_icd10"]], on="record_id", how="left")
        category = facts["primary_diagnosis_icd10"].str.strip().str[:3].str.upper()
        facts["tumour_type"] = category.map(_tumour_types()).fillna("Missing or Invalid")
    facts["within_share"] = facts["share"].where(facts["within"], 0.0)
    tables = []
    for standard in standards("2018"):
        chosen = facts["measure"] == standard.measure
        if standard.routes:
            chosen &= facts["route"].isin(standard.routes)
        if standard.treatment_stage:
            chosen &= facts["treatment_stage"] == standard.treatment_stage
        if standard.modality_groups:
            chosen &= facts["modality_group"].isin(standard.modality_groups)
        table = facts[chosen].groupby(groups, dropna=False)[["share", "within_share"]].sum().reset_index()
        table = table.rename(columns={"share": "total", "within_share": "within"})
        table.insert(0, "standard_id", standard.standard_id)
        starts = pd.to_datetime(table["reporting_month"] + "-01").dt.date
        in_force = [standard.in_force(day) for day in starts]
        table["threshold"] = np.where(in_force, standard.threshold, np.nan) if standard.threshold else np.nan
        tables.append(table)
    result = pd.concat(tables, ignore_index=True)
    result["breaches"] = result["total"] - result["within"]
    result["performance"] = (result["within"] / result["total"]).where(result["total"] > 0)
    result["meets_threshold"] = result["performance"] >= result["threshold"]
    return result[
        ["standard_id", *groups, "total", "within", "breaches", "performance", "threshold", "meets_threshold"]
    ]


def ptl(r: pd.DataFrame, census: dt.date) -> pd.DataFrame:
    day = pd.Timestamp(census)
    priority, source, kind = r["priority_type"], r["source_of_referral"], r["referral_type"]
    upgraded = r["consultant_upgrade_date"].notna()
    two_week = (priority == "3") & (source != "17") & ~upgraded
    route = pd.Series(
        np.select(
            [
                two_week & (kind != "16"),
                two_week & (kind == "16"),
                (priority == "2") & (source == "17"),
                (source != "17") & upgraded,
            ],
            ["usc", "breast_symptomatic", "screening", "upgrade"],
            None,
        ),
        index=r.index,
    )
    stage = r["treatment_event_type"].map({e.code: e.treatment_stage for e in treatment_event_types()})
    start = r["consultant_upgrade_date"].where(route == "upgrade", r["referral_received_date"])
    ruled_out = (r["fds_end_date"] <= day) & (r["fds_end_reason"] == "01")
    open_ = (
        route.notna()
        & (start <= day)
        & (r["treatment_start_date"].isna() | (r["treatment_start_date"] > day))
        & (stage != "subsequent")
        & ~ruled_out
    )
    p = r[open_].copy()
    p["route"], p["start"] = route[open_], start[open_]
    adj_seen = p["adjustment_first_seen_days"].fillna(0)
    after_seen = (p["route"] == "upgrade") & (p["consultant_upgrade_date"] > p["date_first_seen"])
    p["adjustment"] = adj_seen.where(~after_seen, 0) + p["adjustment_treatment_days"].fillna(0)
    transferred = (p["transfer_to_treatment_date"] <= day) & p["provider_treatment"].notna()
    responsible = (
        p["accountable_investigating_provider"]
        .fillna(p["provider_consultant_upgrade"])
        .fillna(p["provider_first_seen"])
        .fillna(p["provider_fds_end"])
        .fillna(p["provider_treatment"])
    )
    p["provider"] = p["provider_treatment"].where(transferred, responsible)
    p["alliance"] = p["provider"].str[:3].map(provider_alliance()).fillna("UNKNOWN")
    category = p["primary_diagnosis_icd10"].str.strip().str[:3].str.upper()
    p["tumour_type"] = category.map(_tumour_types()).fillna("Missing or Invalid")
    p["days_waited"] = (day - p["start"]).dt.days - p["adjustment"]
    bands = sorted(ptl_bands(census), key=lambda b: b.min_days)
    edges = [b.min_days for b in bands] + [np.inf]
    p["band"] = pd.cut(
        p["days_waited"].clip(lower=bands[0].min_days), edges, right=False, labels=[b.band for b in bands]
    )
    p["over_62_backlog"] = p["days_waited"] >= 63
    p["over_104"] = p["days_waited"] >= 105
    for mark in (28, 62, 104):  # passed day `mark` in the 7 days up to the census (CWT reporting conventions
        # [S1, S31])
        p[f"passed_day_{mark}_last_7_days"] = (p["days_waited"] > mark) & (p["days_waited"] - 7 <= mark)
    referral_clock = p["referral_received_date"] + pd.to_timedelta(adj_seen, unit="D")
    clock_62 = p["start"] + pd.to_timedelta(p["adjustment"], unit="D")
    not_seen = p["date_first_seen"].isna() | (p["date_first_seen"] > day)
    fds_stop = p[["fds_end_date", "decision_to_treat_date"]].min(axis=1)
    p["breach_date_2ww"] = (referral_clock + pd.Timedelta(days=15)).where(
        p["route"].isin(["usc", "breast_symptomatic"]) & not_seen
    )
    p["breach_date_fds"] = (referral_clock + pd.Timedelta(days=29)).where(
        (p["route"] != "upgrade") & (fds_stop.isna() | (fds_stop > day))
    )
    p["breach_date_62d"] = clock_62 + pd.Timedelta(days=63)
    milestones = pd.DataFrame(
        {
            "2ww": p["breach_date_2ww"],
            "fds": p["breach_date_fds"],
            "62d": p["breach_date_62d"],
            "104d": clock_62 + pd.Timedelta(days=105),
        }
    )
    upcoming = milestones.where(milestones > day)
    p["next_milestone_date"] = upcoming.min(axis=1)
    p["next_milestone"] = (
        upcoming.fillna(pd.Timestamp.max).idxmin(axis=1).where(p["next_milestone_date"].notna())
    )
    p["census_date"] = day
    return p[
        [
            "record_id",
            "census_date",
            "route",
            "provider",
            "alliance",
            "tumour_type",
            "days_waited",
            "band",
            "over_62_backlog",
            "over_104",
            "passed_day_28_last_7_days",
            "passed_day_62_last_7_days",
            "passed_day_104_last_7_days",
            "breach_date_2ww",
            "breach_date_fds",
            "breach_date_62d",
            "next_milestone",
            "next_milestone_date",
        ]
    ].reset_index(drop=True)


def summary(listed: pd.DataFrame) -> pd.DataFrame:
    days = listed["days_waited"]
    flags = listed.assign(
        open_pathways=1,
        over_62_backlog=listed["over_62_backlog"].astype(int),
        over_104=listed["over_104"].astype(int),
        **{f"crossed_{m}_last_7_days": ((days > m) & (days - 7 <= m)).astype(int) for m in (28, 62, 104)},
        england="ENGLAND",
    )
    counts = [
        "open_pathways",
        "over_62_backlog",
        "over_104",
        "crossed_28_last_7_days",
        "crossed_62_last_7_days",
        "crossed_104_last_7_days",
    ]
    parts = []
    for breakdown in ("england", "provider", "alliance", "tumour_type"):
        part = flags.groupby(flags[breakdown].fillna("UNKNOWN"))[counts].sum().reset_index()
        parts.append(part.rename(columns={breakdown: "group_name"}).assign(breakdown=breakdown))
    return pd.concat(parts, ignore_index=True)
