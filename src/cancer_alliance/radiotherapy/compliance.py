"""Compliance of radiotherapy providers and networks with the measurable requirements of service
specification B01/S/a (requirements, schedules and networks are reference data:
`cancer_alliance.reference.radiotherapy_networks`; README.md).

One row per level (`provider`, `network`), code and requirement in force on the as-of day:

    numerator, denominator   what was counted (below); a network sums its providers' counts
    value                    `rate`: numerator / denominator; `count`: the numerator
    threshold                the requirement's, or its CWT standard's threshold on the as-of day
    status                   met / not_met against the threshold (eq, ge or le);
                             no_data when a rate has no denominator or a count has a denominator of 0
                             (e.g. no linac in service)

What is counted:

    one_network               networks the provider belongs to on the as-of day (denominator blank)
    one_lead_provider         lead providers of the network on the as-of day (denominator blank)
    linac_replacement_due     in-service linacs more than `parameter` years old / in-service linacs
    linac_upgrade_due         in-service linacs more than `parameter` years since commissioning or their
                              last upgrade / in-service linacs
    network_imrt/igrt/sabr    in-service linacs able to deliver the technique / in-service linacs
    imrt_share                radical external-beam courses by IMRT / radical external-beam courses
    hypofractionation_*       radical courses of the site on a listed schedule / radical courses of the site
    rt_31d_*                  CWT 31-day facts of radiotherapy treatments within / total, by the CWT engine

"In service" on day D: commissioned on or before D and not decommissioned on or before D. "More than
N years old": D is after the day N years after commissioning (a linac exactly N years old is not).
Courses count when their first fraction falls in the `period_months` months up to and including the
as-of day, and the patient is an adult (18 or over, or age not recorded: the specification covers
adults). CWT facts count when their reporting month is one of those months.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from cancer_alliance import reference
from cancer_alliance.cwt.performance import performance
from cancer_alliance.engine import functions
from cancer_alliance.reference.radiotherapy_networks import (
    Membership,
    Requirement,
    Schedule,
    memberships_on,
    networks,
    requirements,
    schedules,
)

OUTPUT_COLUMNS = (
    "level",
    "code",
    "requirement_id",
    "numerator",
    "denominator",
    "value",
    "threshold",
    "status",
)
OUTPUT_DDL = (
    "level string, code string, requirement_id string, numerator double, denominator double, "
    "value double, threshold double, status string"
)
#: Techniques of external-beam radiotherapy covered by the specification's IMRT share (brachytherapy,
#: protons and intracranial SRS/SRT have their own specifications: clinical-models.md §8).
EXTERNAL_BEAM = ("conventional", "imrt", "sabr", "other")
LINAC_TECHNIQUES = {
    "network_imrt": "delivers_imrt",
    "network_igrt": "delivers_igrt",
    "network_sabr": "delivers_sabr",
}
#: Requirements counted from the network table itself, not from data.
STRUCTURE = ("one_network", "one_lead_provider")
#: Tolerance when comparing a rate with its threshold and a dose with a schedule's.
EPSILON = 1e-9


@dataclass(frozen=True)
class ComplianceSettings:
    """Settings of the check that are not requirements: the counting period and the adult age."""

    period_months: int = 12
    adult_age: int = 18


DEFAULT_SETTINGS = ComplianceSettings()


def in_force(day: dt.date, chosen: Iterable[Requirement] | None = None) -> list[Requirement]:
    """The requirements in force on `day` (packaged ones unless `chosen`)."""
    return [r for r in (requirements() if chosen is None else chosen) if r.in_force(day)]


def compliance(
    courses: Any,
    linacs: Any,
    as_of: dt.date,
    *,
    cwt_facts: Any = None,
    chosen: Sequence[Requirement] | None = None,
    members: Sequence[Membership] | None = None,
    network_codes: Sequence[str] | None = None,
    fractionation: Sequence[Schedule] | None = None,
    settings: ComplianceSettings = DEFAULT_SETTINGS,
) -> Any:
    """The compliance table (module docstring) for `courses` (radiotherapy_course rows), `linacs`
    (linac rows) and, for the 31-day waits, `cwt_facts` (the output of `cwt.evaluate`; without them
    those rows are no_data). `chosen`, `members`, `network_codes` and `fractionation` default to the
    reference data in force on `as_of`.

    The counts are computed wide (one column pair per requirement, one row per provider); each provider
    row is then exploded once for itself and once for each of its networks and summed by level and code,
    and turned into rows once at the end: SQLFrame's cost grows with the number and size of DataFrame
    steps, and this keeps them few (docs/performance.md)."""
    F = functions(courses)
    session = courses.sparkSession
    wanted = in_force(as_of, chosen)
    if not wanted:
        return session.createDataFrame([], schema=OUTPUT_DDL)
    members = memberships_on(as_of) if members is None else list(members)
    if network_codes is None:
        network_codes = [n.code for n in networks() if n.in_force(as_of)]
    fractionation = schedules() if fractionation is None else fractionation
    ids = {r.requirement_id for r in wanted}

    membership = session.createDataFrame(
        [(m.network_code, m.provider_code, m.role == "lead") for m in members] or [("", "", False)],
        schema="m_network string, m_provider string, m_lead boolean",
    ).where(F.col("m_network") != "")
    counts: list[str] = []  # wide columns: n_<id>, d_<id>
    parts = []
    linac_part = _linac_counts(linacs, as_of, {r.requirement_id: r for r in wanted})
    if linac_part is not None:
        parts.append(linac_part)
    course_part = _course_counts(courses, as_of, ids, fractionation, settings)
    if course_part is not None:
        parts.append(course_part)
    waits = [r for r in wanted if r.standard_id is not None]
    if waits:
        parts.append(_wait_counts(courses, cwt_facts, as_of, waits, settings))
    for part in parts:
        counts += [c for c in part.columns if c != "code"]

    providers = (
        courses.select(F.col("provider_code").alias("code"))
        .unionByName(linacs.select(F.col("provider_code").alias("code")))
        .unionByName(membership.select(F.col("m_provider").alias("code")))
        .where(F.col("code").isNotNull())
        .distinct()
    )
    item = "struct<level: string, key: string, lead: double>"
    per_network = membership.groupBy(F.col("m_provider").alias("code")).agg(
        F.countDistinct("m_network").alias("n_one_network"),
        F.collect_list(
            F.struct(
                F.lit("network").alias("level"),
                F.col("m_network").alias("key"),
                F.when(F.col("m_lead"), F.lit(1.0)).otherwise(F.lit(0.0)).alias("lead"),
            )
        ).alias("networks"),
    )
    wide = providers
    for part in [*parts, per_network]:
        wide = wide.join(part, on="code", how="left")
    columns = [*counts, "n_one_network"]
    wide = wide.select(
        F.col("code").alias("provider"),
        *[F.coalesce(F.col(c), F.lit(0)).cast("double").alias(c) for c in columns],
        "networks",
    )
    # each provider row once for itself and once for each of its networks (one explode, no join)
    itself = F.array(
        F.struct(F.lit("provider").alias("level"), F.col("provider").alias("key"), F.lit(0.0).alias("lead"))
    )
    levels = F.when(F.col("networks").isNull(), itself).otherwise(F.concat(itself, F.col("networks")))
    exploded = wide.select(
        *columns,
        F.explode(levels.cast(f"array<{item}>")).alias("at"),
    )
    summed = exploded.groupBy(F.col("at.level").alias("level"), F.col("at.key").alias("code")).agg(
        *[F.sum(c).alias(c) for c in columns], F.sum("at.lead").alias("n_one_lead_provider")
    )
    empty = sorted(set(network_codes) - {m.network_code for m in members})
    if empty:  # a network with no member still gets its rows (no data, no lead)
        zeros = ", ".join(f"{c} double" for c in [*columns, "n_one_lead_provider"])
        summed = summed.unionByName(
            session.createDataFrame(
                [("network", code, *[0.0] * (len(columns) + 1)) for code in empty],
                schema=f"level string, code string, {zeros}",
            )
        )
    limits = thresholds(wanted, as_of)
    return _judge(_long(summed, wanted, limits, network_codes))


def _long(
    frame: Any, chosen: Sequence[Requirement], limits: dict[str, float | None], network_codes: Sequence[str]
) -> Any:
    """One row per level, code and requirement from the wide counts, with the requirement's threshold,
    kind and comparison carried as literals (one explode, no join), where the requirement applies at
    that level and for the networks asked for."""
    F = functions(frame)
    items = []
    for r in chosen:
        denominator = (
            F.lit(None).cast("double") if r.requirement_id in STRUCTURE else F.col(f"d_{r.requirement_id}")
        )
        items.append(
            F.struct(
                F.lit(r.requirement_id).alias("requirement_id"),
                F.lit(" ".join(r.levels)).alias("levels"),
                F.col(f"n_{r.requirement_id}").alias("numerator"),
                denominator.alias("denominator"),
                F.lit(limits[r.requirement_id]).cast("double").alias("threshold"),
                F.lit(r.kind == "rate").alias("is_rate"),
                F.lit(r.comparison).alias("comparison"),
            )
        )
    wanted_networks = F.col("code").isin(*network_codes) if network_codes else F.lit(False)
    exploded = frame.where((F.col("level") == "provider") | wanted_networks).select(
        "level", "code", F.explode(F.array(*items)).alias("item")
    )
    names = ("requirement_id", "numerator", "denominator", "threshold", "is_rate", "comparison")
    return exploded.where(F.col("item.levels").contains(F.col("level"))).select(
        "level", "code", *[F.col(f"item.{name}").alias(name) for name in names]
    )


def _linac_counts(linacs: Any, as_of: dt.date, wanted: dict[str, Requirement]) -> Any:
    """Per provider: in-service linacs, those over the replacement and upgrade ages, and those able
    to deliver each technique (n_<id>, d_<id> columns)."""
    replacement, upgrade = wanted.get("linac_replacement_due"), wanted.get("linac_upgrade_due")
    techniques = {rid: column for rid, column in LINAC_TECHNIQUES.items() if rid in wanted}
    if replacement is None and upgrade is None and not techniques:
        return None
    F = functions(linacs)
    day = F.lit(as_of).cast("date")
    running = linacs.where(
        (F.col("commissioned_date") <= day)
        & (F.col("decommissioned_date").isNull() | (F.col("decommissioned_date") > day))
    )
    flag = lambda condition: F.sum(F.when(condition, F.lit(1)).otherwise(F.lit(0)))  # noqa: E731
    in_service = F.count(F.lit(1))
    aggregates = []
    if replacement is not None:
        limit = F.add_months(F.col("commissioned_date"), _months(replacement.parameter or 0))
        aggregates += [
            flag(limit < day).alias("n_linac_replacement_due"),
            in_service.alias("d_linac_replacement_due"),
        ]
    if upgrade is not None:
        renewed = F.greatest(
            F.col("commissioned_date"), F.coalesce(F.col("last_upgrade_date"), F.col("commissioned_date"))
        )
        due = F.add_months(renewed, _months(upgrade.parameter or 0)) < day
        aggregates += [flag(due).alias("n_linac_upgrade_due"), in_service.alias("d_linac_upgrade_due")]
    for requirement_id, column in techniques.items():
        aggregates += [
            flag(F.coalesce(F.col(column), F.lit(False))).alias(f"n_{requirement_id}"),
            in_service.alias(f"d_{requirement_id}"),
        ]
    return running.groupBy(F.col("provider_code").alias("code")).agg(*aggregates)


def _months(years: float) -> int:
    return int(round(years * 12))


def _course_counts(
    courses: Any,
    as_of: dt.date,
    ids: set[str],
    fractionation: Sequence[Schedule],
    settings: ComplianceSettings,
) -> Any:
    """Per provider: radical external-beam courses and those by IMRT; radical courses of each
    hypofractionation site and those on a listed schedule (n_<id>, d_<id> columns)."""
    by_requirement: dict[str, list[Schedule]] = {}
    for schedule in fractionation:
        if schedule.requirement_id in ids:
            by_requirement.setdefault(schedule.requirement_id, []).append(schedule)
    if "imrt_share" not in ids and not by_requirement:
        return None
    F = functions(courses)
    day = F.lit(as_of).cast("date")
    counted = courses.where(
        (F.col("start_date") > F.add_months(day, -settings.period_months))
        & (F.col("start_date") <= day)
        & (F.col("age").isNull() | (F.col("age") >= settings.adult_age))
        & (F.col("intent") == "radical")
    )
    flag = lambda condition: F.sum(F.when(condition, F.lit(1)).otherwise(F.lit(0)))  # noqa: E731
    aggregates = []
    if "imrt_share" in ids:
        external = F.col("technique").isin(*EXTERNAL_BEAM)
        aggregates += [
            flag(external & (F.col("technique") == "imrt")).alias("n_imrt_share"),
            flag(external).alias("d_imrt_share"),
        ]
    for requirement_id, listed in sorted(by_requirement.items()):
        site = F.lit(False)
        for prefix in sorted({s.icd10_prefix for s in listed}):
            site = site | F.coalesce(F.col("icd10").startswith(prefix), F.lit(False))
        on_schedule = F.lit(False)
        for s in listed:
            on_schedule = on_schedule | (
                F.coalesce(F.col("icd10").startswith(s.icd10_prefix), F.lit(False))
                & (F.abs(F.col("prescribed_dose_gy") - F.lit(s.prescribed_dose_gy)) < F.lit(EPSILON))
                & (F.col("fractions") == F.lit(s.fractions))
            )
        aggregates += [
            flag(site & F.coalesce(on_schedule, F.lit(False))).alias(f"n_{requirement_id}"),
            flag(site).alias(f"d_{requirement_id}"),
        ]
    return counted.groupBy(F.col("provider_code").alias("code")).agg(*aggregates)


def _wait_counts(
    courses: Any,
    facts: Any,
    as_of: dt.date,
    waits: Sequence[Requirement],
    settings: ComplianceSettings,
) -> Any:
    """31-day waits of radiotherapy treatments by provider (n_<id>, d_<id> columns), from the CWT
    engine's performance tables over the facts of the period's reporting months."""
    F = functions(courses)
    if facts is None:
        none = courses.sparkSession.createDataFrame([("",)], schema="code string").where(F.lit(False))
        return none.select(
            "code",
            *[F.lit(0.0).alias(f"{k}_{r.requirement_id}") for r in waits for k in ("n", "d")],
        )
    radiotherapy = facts.where(
        (F.col("modality_group") == "radiotherapy")
        & F.col("reporting_month").isin(*reporting_months(as_of, settings.period_months))
    )
    table = performance(radiotherapy, by=["provider"], standards="auto")
    aggregates = []
    for r in waits:
        chosen = F.col("standard_id") == F.lit(r.standard_id)
        aggregates += [
            F.sum(F.when(chosen, F.col("within")).otherwise(F.lit(0.0))).alias(f"n_{r.requirement_id}"),
            F.sum(F.when(chosen, F.col("total")).otherwise(F.lit(0.0))).alias(f"d_{r.requirement_id}"),
        ]
    return table.groupBy(F.col("provider").alias("code")).agg(*aggregates)


def reporting_months(as_of: dt.date, months: int) -> list[str]:
    """The reporting months (yyyy-mm) whose last day falls in the `months` months up to and including
    `as_of`: for 2019-04-01 or 2019-03-31 and 12, April 2018 to March 2019."""
    chosen = []
    for back in range(months + 1):
        index = as_of.year * 12 + as_of.month - 1 - back
        year, month = divmod(index, 12)
        following = dt.date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
        last = following - dt.timedelta(days=1)
        if _months_before(as_of, months) < last <= as_of:
            chosen.append(f"{year:04d}-{month + 1:02d}")
    return sorted(chosen)


def _months_before(day: dt.date, months: int) -> dt.date:
    """`day` minus `months` months, clamped to the month's last day (as add_months does)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    following = dt.date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    return min(
        day.replace(year=year, month=month + 1, day=1) + dt.timedelta(days=day.day - 1),
        following - dt.timedelta(days=1),
    )


def thresholds(wanted: Iterable[Requirement], as_of: dt.date) -> dict[str, float | None]:
    """Each requirement's threshold on `as_of`: its own, or its CWT standard's dated threshold."""
    return {
        r.requirement_id: r.threshold
        if r.standard_id is None
        else reference.threshold_on(r.standard_id, as_of)
        for r in wanted
    }


def _judge(table: Any) -> Any:
    F = functions(table)
    rate, numerator, denominator = F.col("is_rate"), F.col("numerator"), F.col("denominator")
    empty = (rate & ~F.coalesce(denominator > 0, F.lit(False))) | (
        ~rate & (F.coalesce(denominator, F.lit(1.0)) == 0)
    )
    value = F.when(empty, F.lit(None).cast("double")).when(rate, numerator / denominator).otherwise(numerator)
    limit, comparison = F.col("threshold"), F.col("comparison")
    meets = (
        F.when(comparison == "eq", F.abs(value - limit) < F.lit(EPSILON))
        .when(comparison == "ge", value >= limit - F.lit(EPSILON))
        .otherwise(value <= limit + F.lit(EPSILON))
    )
    status = (
        F.when(empty | limit.isNull(), F.lit("no_data")).when(meets, F.lit("met")).otherwise(F.lit("not_met"))
    )
    return table.select(*OUTPUT_COLUMNS[:5], value.alias("value"), "threshold", status.alias("status"))
