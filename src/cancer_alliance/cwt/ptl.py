"""The cancer patient tracking list (PTL): every open 62-day pathway on a census date, its wait so
far, its CANPTL band and the dates it breaches each standard still ahead of it (CWT reporting conventions
[S1, S31],
"PTL / management information" [OFFICIAL S13, S14]; CWT guidance [S1], CWT adjustments [S16, S24]).

A record is on the PTL at census date C when it is on a route (usc, breast_symptomatic, screening,
upgrade; CWT route codes [S21, S40]), its 62-day clock started on or before C, no treatment started on or
before C, it is
not a subsequent treatment (event type recorded and not first, CWT treatment codes [S19, S44]) and its
pathway did not close
because cancer was ruled out: an FDS end on or before C with an end reason in
`PtlSettings.ruled_out_fds_end_reasons` (code list NOT FOUND, FDS [S1, S17]; default '01', UNVERIFIED).

    days_waited      = C - 62-day clock start - adjustments recorded so far (the CWT adjustments [S16, S24]
    62-day formula
                       with the adjustment days present in the record)                 [DERIVED, CWT
                       reporting conventions [S1, S31]]
    band             = the CANPTL band in use on C containing days_waited (`reference.ptl_bands`);
                       a wait below the first band (adjustments larger than the time elapsed) is
                       put in the first band
    over_62_backlog  = days_waited >= 63;  over_104 = days_waited >= 105              [DERIVED, CWT reporting
    conventions [S1, S31]]
    passed_day_N_last_7_days (N = 28, 62, 104) = days_waited > N and days_waited - 7 <= N: the wait
                       passed day N in the 7 days up to C (CANPTL [OFFICIAL S14]; NCL [IMPL S40])
    breach date      = clock start + adjustments + N + 1, the first day outside the standard (CWT day
    counting [S1]):
                       2ww (N 14) for usc / breast_symptomatic pathways not yet first seen on C;
                       fds (N 28) for pathways other than upgrades whose FDS clock has not stopped
                       (no FDS end and no decision to treat on or before C); 62d (N 62) for all
    next_milestone   = whichever of 2ww, fds, 62d or 104d (day 105) comes first after C, and its date

Provider currently responsible (DERIVED; breach allocation [S6, S40] roles): the treating provider once the
pathway has been transferred to it (transfer date on or before C); before that the accountable
investigating provider, else the consultant-upgrade provider, else the first-seen provider, else the
FDS-end provider, else the treating provider. Alliance as in `performance`.

Tumour type: the treated cancer type of the ICD-10 diagnosis, as in `performance`, once a diagnosis is
recorded; before that, the suspected cancer type of the two-week-wait referral (`referral_type`) through
`reference.suspected_tumour_types` in force on C (DERIVED from the code list's labels), so trackers can
hold a PTL per tumour site before diagnosis. `tumour_type_source` says which was used: "diagnosis",
"suspected" or null (neither known: `MISSING`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from cancer_alliance import reference
from cancer_alliance.cwt.adjustments import (
    adjustment_first_seen,
    adjustment_treatment,
    first_seen_adjustment_62,
    start_62,
)
from cancer_alliance.cwt.allocation import investigating_provider
from cancer_alliance.cwt.codes import with_treatment_stage
from cancer_alliance.cwt.rollup import with_alliance
from cancer_alliance.cwt.routes import route
from cancer_alliance.cwt.settings import MEASURE_DAYS
from cancer_alliance.cwt.tumour_types import MISSING, TumourTypeRange, with_tumour_type
from cancer_alliance.engine import functions
from cancer_alliance.engine.compiled import compiled

#: Day counts at which the PTL flags a pathway: more than 62 days = day 63 on, more than 104 = day
#: 105 on (CWT reporting conventions [S1, S31], DERIVED from the CANPTL band edges [OFFICIAL S14]).
OVER_62_FROM = 63
OVER_104_FROM = 105

#: "Passed day N in the last 7 days" counts (CANPTL [OFFICIAL S14]; NCL PTL3 [IMPL S40]).
CROSSING_DAYS = (28, 62, 104)
RECENT_DAYS = 7


def passed_column(mark: int) -> str:
    """The PTL column flagging pathways that passed day `mark` in the last `RECENT_DAYS` days."""
    return f"passed_day_{mark}_last_{RECENT_DAYS}_days"


COLUMNS = (
    "record_id",
    "census_date",
    "route",
    "provider",
    "alliance",
    "tumour_type",
    "tumour_type_source",
    "days_waited",
    "band",
    "over_62_backlog",
    "over_104",
    *(passed_column(mark) for mark in CROSSING_DAYS),
    "breach_date_2ww",
    "breach_date_fds",
    "breach_date_62d",
    "next_milestone",
    "next_milestone_date",
)

SUMMARY_BREAKDOWNS = ("england", "provider", "alliance", "tumour_type")

#: Record columns the PTL reads besides the route and treatment stage.
NEEDED = (
    "referral_received_date",
    "consultant_upgrade_date",
    "date_first_seen",
    "adjustment_first_seen_days",
    "adjustment_treatment_days",
    "fds_end_date",
    "fds_end_reason",
    "decision_to_treat_date",
    "transfer_to_treatment_date",
    "treatment_start_date",
    "accountable_investigating_provider",
    "provider_consultant_upgrade",
    "provider_first_seen",
    "provider_fds_end",
    "provider_treatment",
    "primary_diagnosis_icd10",
    "referral_type",
)


@dataclass(frozen=True)
class PtlSettings:
    """Choices the cited sources leave open (docs/performance.md, docs/deviations.md)."""

    #: FDS end reasons that close a pathway (cancer ruled out). UNVERIFIED: the CANCER FASTER
    #: DIAGNOSIS PATHWAY END REASON code list was NOT FOUND (FDS [S1, S17], docs/deviations.md).
    ruled_out_fds_end_reasons: tuple[str, ...] = ("01",)
    alliance_version: str = "2018/19"
    tumour_types: tuple[TumourTypeRange, ...] | None = None


DEFAULT_PTL_SETTINGS = PtlSettings()


def ptl(records: Any, census: dt.date, settings: PtlSettings = DEFAULT_PTL_SETTINGS) -> Any:
    """One row per pathway open at `census` (columns `COLUMNS`; rules in the module docstring)."""
    suspected = tuple(reference.suspected_tumour_types(census).items())
    return _listed(records, census, tuple(reference.ptl_bands(census)), suspected, settings)


@compiled(parameter="census")
def _listed(
    records: Any,
    census: dt.date,
    bands: tuple[Any, ...],
    suspected: tuple[tuple[str, str], ...],
    settings: PtlSettings,
) -> Any:
    """`ptl` given the reference data in force on the census: the CANPTL bands and the suspected
    tumour types (referral type, tumour type). The census reaches the query only as a date literal,
    so on DuckDB a new census reuses the compiled SQL (docs/decisions/0033)."""
    F = functions(records)
    col = F.col
    day = F.lit(census)
    # Classify once, narrowly, then refer to the classification by name: SQLFrame copies the whole
    # query at every step, so repeating the route expression in every derived column is costly.
    classified = with_treatment_stage(records).select(
        "record_id",
        route(F).alias("route"),
        *NEEDED,
        "treatment_stage",
    )
    the_route = col("route")
    ruled_out = (col("fds_end_date") <= day) & col("fds_end_reason").isin(*settings.ruled_out_fds_end_reasons)
    is_open = (
        the_route.isNotNull()
        & (start_62(F, the_route) <= day)
        & (col("treatment_start_date").isNull() | (col("treatment_start_date") > day))
        & ~F.coalesce(col("treatment_stage") == "subsequent", F.lit(False))
        & ~F.coalesce(ruled_out, F.lit(False))
    )
    transferred = (col("transfer_to_treatment_date") <= day) & col("provider_treatment").isNotNull()
    provider = F.when(F.coalesce(transferred, F.lit(False)), col("provider_treatment")).otherwise(
        F.coalesce(investigating_provider(F), col("provider_fds_end"), col("provider_treatment"))
    )
    fds_stop = F.least(col("fds_end_date"), col("decision_to_treat_date"))
    pathways = classified.where(is_open).select(
        "record_id",
        "route",
        provider.alias("provider"),
        "primary_diagnosis_icd10",
        "referral_type",
        start_62(F, the_route).alias("clock_start"),
        (first_seen_adjustment_62(F, the_route) + adjustment_treatment(F)).alias("adjustment"),
        F.date_add(col("referral_received_date"), adjustment_first_seen(F)).alias("referral_clock"),
        (col("date_first_seen").isNull() | (col("date_first_seen") > day)).alias("not_seen"),
        (fds_stop.isNull() | (fds_stop > day)).alias("fds_running"),
    )
    pathways = with_alliance(pathways, reference.provider_alliance(settings.alliance_version))
    pathways = _with_ptl_tumour_type(
        with_tumour_type(pathways, "primary_diagnosis_icd10", settings.tumour_types), suspected
    )

    clock_62 = F.date_add(col("clock_start"), col("adjustment"))
    listed = pathways.select(
        "record_id",
        day.alias("census_date"),
        "route",
        "provider",
        "alliance",
        "tumour_type",
        "tumour_type_source",
        (F.datediff(day, col("clock_start")) - col("adjustment")).alias("days_waited"),
        F.when(
            col("route").isin("usc", "breast_symptomatic") & col("not_seen"),
            F.date_add(col("referral_clock"), F.lit(MEASURE_DAYS["2ww"] + 1)),
        ).alias("breach_date_2ww"),
        F.when(
            (col("route") != "upgrade") & col("fds_running"),
            F.date_add(col("referral_clock"), F.lit(MEASURE_DAYS["fds"] + 1)),
        ).alias("breach_date_fds"),
        F.date_add(clock_62, F.lit(MEASURE_DAYS["62d"] + 1)).alias("breach_date_62d"),
        F.date_add(clock_62, F.lit(OVER_104_FROM)).alias("day_105_date"),
    )
    milestones = {
        "2ww": col("breach_date_2ww"),
        "fds": col("breach_date_fds"),
        "62d": col("breach_date_62d"),
        "104d": col("day_105_date"),
    }
    upcoming = {name: F.when(date > day, date) for name, date in milestones.items()}
    next_date = F.least(*upcoming.values())
    next_name = None
    for name, date in upcoming.items():
        condition = date == next_date
        next_name = (
            F.when(condition, F.lit(name)) if next_name is None else next_name.when(condition, F.lit(name))
        )
    extra = {
        "band": _band(F, col("days_waited"), bands),
        "over_62_backlog": col("days_waited") >= OVER_62_FROM,
        "over_104": col("days_waited") >= OVER_104_FROM,
        **{passed_column(mark): crossed(F, col("days_waited"), mark) for mark in CROSSING_DAYS},
        "next_milestone": next_name,
        "next_milestone_date": next_date,
    }
    return listed.select(*[extra[name].alias(name) if name in extra else name for name in COLUMNS])


def _with_ptl_tumour_type(pathways: Any, pairs: tuple[tuple[str, str], ...]) -> Any:
    """Replace a `MISSING` diagnosed tumour type by the referral's suspected cancer type (`pairs`:
    referral type, tumour type), and say which was used in `tumour_type_source` (module docstring)."""
    F = functions(pathways)
    col = F.col
    suspected = (
        F.element_at(F.create_map(*[F.lit(value) for pair in pairs for value in pair]), col("referral_type"))
        if pairs
        else F.lit(None).cast("string")
    )
    diagnosed = col("tumour_type") != F.lit(MISSING)
    return pathways.select(
        *[name for name in pathways.columns if name != "tumour_type"],
        F.when(diagnosed, col("tumour_type"))
        .otherwise(F.coalesce(suspected, F.lit(MISSING)))
        .alias("tumour_type"),
        F.when(diagnosed, F.lit("diagnosis"))
        .when(suspected.isNotNull(), F.lit("suspected"))
        .alias("tumour_type_source"),
    )


def _band(F: Any, days: Any, bands: tuple[Any, ...]) -> Any:
    """The label of the band containing `days`; below the first band counts as the first band."""
    if not bands:
        raise ValueError("no PTL bands in use on the census date (reference/cwt/ptl_bands.csv)")
    ordered = sorted(bands, key=lambda band: band.min_days)
    floored = F.greatest(days, F.lit(ordered[0].min_days))
    expression = None
    for band in ordered:
        condition = floored >= band.min_days
        if band.max_days is not None:
            condition = condition & (floored <= band.max_days)
        label = F.lit(band.band)
        expression = F.when(condition, label) if expression is None else expression.when(condition, label)
    return expression


def crossed(F: Any, days: Any, mark: int) -> Any:
    """Whether a wait of `days` on the census date passed day `mark` in the last 7 days:
    at most `mark` days seven days earlier and more than `mark` now."""
    return (days > mark) & (days - RECENT_DAYS <= mark)


@compiled
def summary(table: Any) -> Any:
    """Counts of open pathways, the 62-day backlog, 104+ waits and pathways that passed day 28, 62
    and 104 in the last 7 days, for England and by provider, alliance and tumour type (whole patients).
    Columns: census_date, breakdown, group_name, open_pathways, over_62_backlog, over_104,
    crossed_28_last_7_days, crossed_62_last_7_days, crossed_104_last_7_days. Each pathway is counted
    once per breakdown (one row per breakdown, exploded), so the PTL is read once."""
    F = functions(table)
    groups = [
        F.struct(
            F.lit(breakdown).alias("breakdown"),
            (
                F.lit("ENGLAND") if breakdown == "england" else F.coalesce(F.col(breakdown), F.lit("UNKNOWN"))
            ).alias("group_name"),
        )
        for breakdown in SUMMARY_BREAKDOWNS
    ]
    exploded = table.select(
        "census_date", "over_62_backlog", "over_104", "days_waited", F.explode(F.array(*groups)).alias("g")
    )
    keyed = exploded.select(
        "census_date",
        F.col("g.breakdown").alias("breakdown"),
        F.col("g.group_name").alias("group_name"),
        "over_62_backlog",
        "over_104",
        "days_waited",
    )
    counts = keyed.groupBy("census_date", "breakdown", "group_name").agg(
        F.count(F.lit(1)).alias("open_pathways"),
        F.sum(F.col("over_62_backlog").cast("int")).alias("over_62_backlog"),
        F.sum(F.col("over_104").cast("int")).alias("over_104"),
        *[
            F.sum(crossed(F, F.col("days_waited"), mark).cast("int")).alias(f"crossed_{mark}_last_7_days")
            for mark in CROSSING_DAYS
        ],
    )
    return counts.orderBy("breakdown", "group_name")
