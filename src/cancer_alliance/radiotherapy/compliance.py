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
#: Techniques of external-beam radiotherapy covered by the specification's IMRT share (brachytherapy,
#: protons and intracranial SRS/SRT have their own specifications: clinical-models.md §8).
EXTERNAL_BEAM = ("conventional", "imrt", "sabr", "other")
LINAC_TECHNIQUES = {
    "network_imrt": "delivers_imrt",
    "network_igrt": "delivers_igrt",
    "network_sabr": "delivers_sabr",
}
#: Tolerance when comparing a rate with its threshold and a dose with a schedule's.
EPSILON = 1e-9
OUTPUT_DDL = (
    "level string, code string, requirement_id string, numerator double, denominator double, "
    "value double, threshold double, status string"
)
_COUNTS_DDL = "code string, requirement_id string, numerator double, denominator double"


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
    reference data in force on `as_of`."""
    F = functions(courses)
    session = courses.sparkSession
    wanted = in_force(as_of, chosen)
    members = memberships_on(as_of) if members is None else list(members)
    if network_codes is None:
        network_codes = [n.code for n in networks() if n.in_force(as_of)]
    fractionation = schedules() if fractionation is None else fractionation
    ids = {r.requirement_id for r in wanted}

    membership = session.createDataFrame(
        [(m.network_code, m.provider_code, m.role) for m in members] or [("", "", "")],
        schema="m_network string, m_provider string, m_role string",
    ).where(F.col("m_network") != "")
    parts = []
    if ids & {"linac_replacement_due", "linac_upgrade_due", *LINAC_TECHNIQUES}:
        parts.append(_linac_counts(linacs, as_of, {r.requirement_id: r for r in wanted}))
    if ids & {"imrt_share"} or any(s.requirement_id in ids for s in fractionation):
        parts.append(_course_counts(courses, as_of, ids, fractionation, settings))
    waits = [r for r in wanted if r.standard_id is not None]
    if waits:
        parts.append(_wait_counts(courses, cwt_facts, as_of, waits, settings))
    data = [p for p in parts if p is not None]
    counted = _union(data) if data else session.createDataFrame([], schema=_COUNTS_DDL)

    providers = _providers(courses, linacs, membership)
    network_frame = session.createDataFrame(
        [(code,) for code in network_codes] or [("",)], schema="code string"
    ).where(F.col("code") != "")
    by_network = (
        counted.join(membership, on=F.col("code") == F.col("m_provider"), how="inner")
        .groupBy(F.col("m_network").alias("code"), "requirement_id")
        .agg(F.sum("numerator").alias("numerator"), F.sum("denominator").alias("denominator"))
    )
    data_ids = [
        r.requirement_id for r in wanted if r.requirement_id not in ("one_network", "one_lead_provider")
    ]
    rows = []
    for level, keys, counts in (("provider", providers, counted), ("network", network_frame, by_network)):
        level_ids = [i for i in data_ids if level in _levels(wanted, i)]
        if level_ids:
            rows.append(_complete(keys, counts, level, level_ids))
    if "one_network" in ids:
        rows.append(_one_network(providers, membership))
    if "one_lead_provider" in ids:
        rows.append(_one_lead(network_frame, membership))
    if not rows:
        return session.createDataFrame([], schema=OUTPUT_DDL)
    return _judge(_union(rows), wanted, as_of)


def _levels(wanted: Sequence[Requirement], requirement_id: str) -> tuple[str, ...]:
    return next(r.levels for r in wanted if r.requirement_id == requirement_id)


def _union(frames: list[Any]) -> Any:
    result = frames[0]
    for frame in frames[1:]:
        result = result.unionByName(frame)
    return result


def _counts(frame: Any, requirement_id: str, numerator: str, denominator: str | None) -> Any:
    F = functions(frame)
    return frame.select(
        F.col("code"),
        F.lit(requirement_id).alias("requirement_id"),
        F.col(numerator).cast("double").alias("numerator"),
        (F.col(denominator).cast("double") if denominator else F.lit(None).cast("double")).alias(
            "denominator"
        ),
    )


def _months(years: float) -> int:
    return int(round(years * 12))


def _linac_counts(linacs: Any, as_of: dt.date, wanted: dict[str, Requirement]) -> Any:
    """Per provider: in-service linacs, those over the replacement and upgrade ages, and those able
    to deliver each technique."""
    F = functions(linacs)
    day = F.lit(as_of).cast("date")
    running = linacs.where(
        (F.col("commissioned_date") <= day)
        & (F.col("decommissioned_date").isNull() | (F.col("decommissioned_date") > day))
    )
    flag = lambda condition: F.sum(F.when(condition, F.lit(1)).otherwise(F.lit(0)))  # noqa: E731
    aggregates = [F.count(F.lit(1)).alias("in_service")]
    replacement, upgrade = wanted.get("linac_replacement_due"), wanted.get("linac_upgrade_due")
    if replacement is not None:
        limit = F.add_months(F.col("commissioned_date"), _months(replacement.parameter or 0))
        aggregates.append(flag(limit < day).alias("over_replacement_age"))
    if upgrade is not None:
        renewed = F.greatest(
            F.col("commissioned_date"), F.coalesce(F.col("last_upgrade_date"), F.col("commissioned_date"))
        )
        aggregates.append(
            flag(F.add_months(renewed, _months(upgrade.parameter or 0)) < day).alias("over_upgrade_age")
        )
    for requirement_id, column in LINAC_TECHNIQUES.items():
        if requirement_id in wanted:
            aggregates.append(flag(F.coalesce(F.col(column), F.lit(False))).alias(column))
    per_provider = running.groupBy(F.col("provider_code").alias("code")).agg(*aggregates)
    parts = []
    if replacement is not None:
        parts.append(_counts(per_provider, "linac_replacement_due", "over_replacement_age", "in_service"))
    if upgrade is not None:
        parts.append(_counts(per_provider, "linac_upgrade_due", "over_upgrade_age", "in_service"))
    for requirement_id, column in LINAC_TECHNIQUES.items():
        if requirement_id in wanted:
            parts.append(_counts(per_provider, requirement_id, column, "in_service"))
    return _union(parts)


def _period(as_of: dt.date, months: int, F: Any) -> tuple[Any, Any]:
    day = F.lit(as_of).cast("date")
    return F.add_months(day, -months), day


def _course_counts(
    courses: Any,
    as_of: dt.date,
    ids: set[str],
    fractionation: Sequence[Schedule],
    settings: ComplianceSettings,
) -> Any:
    """Per provider: radical external-beam courses and those by IMRT; radical courses of each
    hypofractionation site and those on a listed schedule."""
    F = functions(courses)
    start, end = _period(as_of, settings.period_months, F)
    counted = courses.where(
        (F.col("start_date") > start)
        & (F.col("start_date") <= end)
        & (F.col("age").isNull() | (F.col("age") >= settings.adult_age))
        & (F.col("intent") == "radical")
    )
    flag = lambda condition: F.sum(F.when(condition, F.lit(1)).otherwise(F.lit(0)))  # noqa: E731
    aggregates = []
    parts: list[tuple[str, str, str]] = []
    if "imrt_share" in ids:
        external = F.col("technique").isin(*EXTERNAL_BEAM)
        aggregates += [
            flag(external).alias("external"),
            flag(external & (F.col("technique") == "imrt")).alias("imrt"),
        ]
        parts.append(("imrt_share", "imrt", "external"))
    by_requirement: dict[str, list[Schedule]] = {}
    for schedule in fractionation:
        if schedule.requirement_id in ids:
            by_requirement.setdefault(schedule.requirement_id, []).append(schedule)
    for n, (requirement_id, listed) in enumerate(sorted(by_requirement.items())):
        prefixes = sorted({s.icd10_prefix for s in listed})
        site = F.lit(False)
        for prefix in prefixes:
            site = site | F.coalesce(F.col("icd10").startswith(prefix), F.lit(False))
        on_schedule = F.lit(False)
        for s in listed:
            on_schedule = on_schedule | (
                F.coalesce(F.col("icd10").startswith(s.icd10_prefix), F.lit(False))
                & (F.abs(F.col("prescribed_dose_gy") - F.lit(s.prescribed_dose_gy)) < F.lit(EPSILON))
                & (F.col("fractions") == F.lit(s.fractions))
            )
        aggregates += [
            flag(site).alias(f"site_{n}"),
            flag(site & F.coalesce(on_schedule, F.lit(False))).alias(f"schedule_{n}"),
        ]
        parts.append((requirement_id, f"schedule_{n}", f"site_{n}"))
    if not parts:
        return None
    per_provider = counted.groupBy(F.col("provider_code").alias("code")).agg(*aggregates)
    return _union([_counts(per_provider, rid, num, den) for rid, num, den in parts])


def _wait_counts(
    courses: Any,
    facts: Any,
    as_of: dt.date,
    waits: Sequence[Requirement],
    settings: ComplianceSettings,
) -> Any:
    """31-day waits of radiotherapy treatments by provider, from the CWT engine's performance tables
    over the facts of the period's reporting months."""
    if facts is None:
        return None
    F = functions(facts)
    radiotherapy = facts.where(
        (F.col("modality_group") == "radiotherapy")
        & F.col("reporting_month").isin(*reporting_months(as_of, settings.period_months))
    )
    table = performance(radiotherapy, by=["provider"], standards="auto")
    mapping = courses.sparkSession.createDataFrame(
        [(r.standard_id, r.requirement_id) for r in waits], schema="w_standard string, w_requirement string"
    )
    joined = table.join(mapping, on=F.col("standard_id") == F.col("w_standard"), how="inner")
    return joined.select(
        F.col("provider").alias("code"),
        F.col("w_requirement").alias("requirement_id"),
        F.col("within").cast("double").alias("numerator"),
        F.col("total").cast("double").alias("denominator"),
    )


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


def _providers(courses: Any, linacs: Any, membership: Any) -> Any:
    """Every provider in the courses, the linacs or a network."""
    F = functions(courses)
    return (
        courses.select(F.col("provider_code").alias("code"))
        .unionByName(linacs.select(F.col("provider_code").alias("code")))
        .unionByName(membership.select(F.col("m_provider").alias("code")))
        .where(F.col("code").isNotNull())
        .distinct()
    )


def _complete(keys: Any, counts: Any, level: str, level_ids: list[str]) -> Any:
    """A row for every code and requirement of the level; no count = 0 of 0 (no_data)."""
    F = functions(keys)
    session = keys.sparkSession
    wanted = session.createDataFrame([(i,) for i in level_ids], schema="want_id string")
    grid = keys.crossJoin(wanted)
    found = counts.select(
        F.col("code").alias("c_code"), F.col("requirement_id").alias("c_id"), "numerator", "denominator"
    )
    joined = grid.join(
        found, on=(F.col("code") == F.col("c_code")) & (F.col("want_id") == F.col("c_id")), how="left"
    )
    return joined.select(
        F.lit(level).alias("level"),
        F.col("code"),
        F.col("want_id").alias("requirement_id"),
        F.coalesce(F.col("numerator"), F.lit(0.0)).alias("numerator"),
        F.coalesce(F.col("denominator"), F.lit(0.0)).alias("denominator"),
    )


def _one_network(providers: Any, membership: Any) -> Any:
    F = functions(providers)
    joined = providers.join(membership, on=F.col("code") == F.col("m_provider"), how="left")
    return (
        joined.groupBy("code")
        .agg(F.countDistinct("m_network").alias("n"))
        .select(
            F.lit("provider").alias("level"),
            F.col("code"),
            F.lit("one_network").alias("requirement_id"),
            F.col("n").cast("double").alias("numerator"),
            F.lit(None).cast("double").alias("denominator"),
        )
    )


def _one_lead(network_frame: Any, membership: Any) -> Any:
    F = functions(network_frame)
    leads = membership.where(F.col("m_role") == "lead")
    joined = network_frame.join(leads, on=F.col("code") == F.col("m_network"), how="left")
    return (
        joined.groupBy("code")
        .agg(F.countDistinct("m_provider").alias("n"))
        .select(
            F.lit("network").alias("level"),
            F.col("code"),
            F.lit("one_lead_provider").alias("requirement_id"),
            F.col("n").cast("double").alias("numerator"),
            F.lit(None).cast("double").alias("denominator"),
        )
    )


def thresholds(wanted: Iterable[Requirement], as_of: dt.date) -> dict[str, float | None]:
    """Each requirement's threshold on `as_of`: its own, or its CWT standard's dated threshold."""
    return {
        r.requirement_id: r.threshold
        if r.standard_id is None
        else reference.threshold_on(r.standard_id, as_of)
        for r in wanted
    }


def _by_requirement(F: Any, values: dict[str, Any], cast: str) -> Any:
    """A column that is `values[requirement_id]` for each row (literal maps, no join)."""
    result = None
    for requirement_id, value in values.items():
        literal = F.lit(value).cast(cast)
        condition = F.col("requirement_id") == F.lit(requirement_id)
        result = F.when(condition, literal) if result is None else result.when(condition, literal)
    return result


def _judge(table: Any, wanted: Sequence[Requirement], as_of: dt.date) -> Any:
    F = functions(table)
    threshold = _by_requirement(F, thresholds(wanted, as_of), "double")
    kind = _by_requirement(F, {r.requirement_id: r.kind for r in wanted}, "string")
    comparison = _by_requirement(F, {r.requirement_id: r.comparison for r in wanted}, "string")
    staged = table.select(
        "level",
        "code",
        "requirement_id",
        "numerator",
        "denominator",
        threshold.alias("threshold"),
        (kind == "rate").alias("is_rate"),
        comparison.alias("comparison"),
    )
    rate, numerator, denominator = F.col("is_rate"), F.col("numerator"), F.col("denominator")
    empty = (rate & ~F.coalesce(denominator > 0, F.lit(False))) | (
        ~rate & (F.coalesce(denominator, F.lit(1.0)) == 0)
    )
    value = F.when(empty, F.lit(None).cast("double")).when(rate, numerator / denominator).otherwise(numerator)
    staged = staged.select(
        "level",
        "code",
        "requirement_id",
        "numerator",
        "denominator",
        "threshold",
        "comparison",
        empty.alias("empty"),
        value.alias("value"),
    )
    value, limit, comparison = F.col("value"), F.col("threshold"), F.col("comparison")
    meets = (
        F.when(comparison == "eq", F.abs(value - limit) < F.lit(EPSILON))
        .when(comparison == "ge", value >= limit - F.lit(EPSILON))
        .otherwise(value <= limit + F.lit(EPSILON))
    )
    status = (
        F.when(F.col("empty") | limit.isNull(), F.lit("no_data"))
        .when(meets, F.lit("met"))
        .otherwise(F.lit("not_met"))
    )
    return staged.select(*OUTPUT_COLUMNS[:6], "threshold", status.alias("status"))
