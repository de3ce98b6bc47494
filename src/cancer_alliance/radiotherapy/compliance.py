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

The window is the `period_months` months before the as-of day: `as_of - 12 months <= day < as_of`
(the as-of day is the census after the data, by default the day after the latest course, so as of
2019-04-01 the window is 2018-04-01 to 2019-03-31, the 2018/19 year; decision 0030). Courses count when
their first fraction falls in it and the patient is an adult (18 or over, or age not recorded: the
specification covers adults); the hypofractionation checks count external-beam courses only (service
specification B01/S/a is for adult external beam radiotherapy; brachytherapy has its own), a setting.
CWT 31-day facts count when their clock stop (the treatment date) falls in the window, all of them
measured against the standard in force on the as-of day (the combined 31-day standard from October 2023
measures the same 31-day waits as the two standards it replaced).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from cancer_alliance import reference
from cancer_alliance.cwt.performance import performance
from cancer_alliance.engine import functions
from cancer_alliance.engine.compiled import compiled
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
#: Techniques of external-beam radiotherapy, the scope of service specification B01/S/a ("Adult External
#: Beam Radiotherapy Services"; brachytherapy, protons and intracranial SRS/SRT have their own
#: specifications).
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
    """Settings of the check that are not requirements: the counting period, the adult age and the
    techniques the hypofractionation checks count (`None`: every technique, brachytherapy included; a
    course with no technique recorded always counts, its schedule being known from dose and fractions)."""

    period_months: int = 12
    adult_age: int = 18
    hypofractionation_techniques: tuple[str, ...] | None = EXTERNAL_BEAM


DEFAULT_SETTINGS = ComplianceSettings()


def in_force(day: dt.date, chosen: Iterable[Requirement] | None = None) -> list[Requirement]:
    """The requirements in force on `day` (packaged ones unless `chosen`)."""
    return [r for r in (requirements() if chosen is None else chosen) if r.in_force(day)]


@compiled
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

    Plan shape (SQLFrame copies and renders the whole plan at every DataFrame step, so its cost grows
    with the number of steps times the plan's size; docs/performance.md): the courses and the linacs are
    each summed by provider in one step (`n_<id>`, `d_<id>` columns, zeros for the other source's);
    the network table, known in Python, is a few literal rows (each member provider with its number of
    networks, each network with its number of leads); the three are unioned by position, each row is
    exploded once for its provider and once for each of the provider's networks (providers with the
    same networks in one literal list), summed once by level and code, and turned into one judged row
    per requirement by one more explode. No joins, no filter steps."""
    F = functions(courses)
    session = courses.sparkSession
    wanted = in_force(as_of, chosen)
    if not wanted:
        return session.createDataFrame([], schema=OUTPUT_DDL)
    members = [m for m in (memberships_on(as_of) if members is None else members) if m.network_code != ""]
    if network_codes is None:
        network_codes = [n.code for n in networks() if n.in_force(as_of)]
    fractionation = schedules() if fractionation is None else fractionation
    ids = {r.requirement_id for r in wanted}
    waits = [r for r in wanted if r.standard_id is not None]

    # (frame, its provider column, {count column: expression summed by provider}) per source
    sources = [
        (linacs, "provider_code", _linac_counts(linacs, as_of, {r.requirement_id: r for r in wanted})),
        (courses, "provider_code", _course_counts(courses, as_of, ids, fractionation, settings)),
    ]
    if waits and cwt_facts is not None:
        sources.append(_wait_counts(cwt_facts, as_of, waits, settings))
    columns = list(dict.fromkeys(c for *_, counts in sources for c in counts))
    if waits and cwt_facts is None:  # no facts: each wait 0 of 0
        columns += [f"{k}_{r.requirement_id}" for r in waits for k in ("n", "d")]
    # `known`: a provider known only from the waits (no course, linac or network) gets no rows
    known = ["known"] if len(sources) > 2 else []
    rows = _structure_rows(session, members, network_codes, [*known, *columns])
    for index, (frame, code, counts) in enumerate(sources):
        extra = [F.lit(1.0 if index < 2 else 0.0).alias("known")] if known else []
        rows = rows.union(
            frame.groupBy(F.col(code).alias("code")).agg(
                F.lit("provider").alias("level"),
                *[F.lit(0.0).alias(c) for c in STRUCTURE_COLUMNS],
                *extra,
                *[(F.sum(counts[c]) if c in counts else F.lit(0.0)).alias(c) for c in columns],
            )
        )
    columns = [*STRUCTURE_COLUMNS, *known, *columns]
    summed = (
        rows.select(F.explode(_levels(F, members, network_codes)).alias("at"), *columns)
        .groupBy(F.col("at.level").alias("level"), F.col("at.key").alias("code"))
        .agg(*[F.sum(c).alias(c) for c in columns])
    )
    return _long(summed, wanted, thresholds(wanted, as_of), bool(known))


def _levels(F: Any, members: Sequence[Membership], network_codes: Sequence[str]) -> Any:
    """The (level, key) pairs a row counts towards: a provider's row for the provider and for each of
    its networks asked for (one entry per membership; providers with the same networks in one literal
    list); a network's row for the network; a row without a code for nothing."""

    def pair(level: Any, key: Any) -> Any:
        return F.struct(level.alias("level"), key.alias("key"))

    wanted = set(network_codes)
    of: dict[str, list[str]] = {}
    for m in members:
        if m.network_code in wanted:
            of.setdefault(m.provider_code, []).append(m.network_code)
    alike: dict[tuple[str, ...], list[str]] = {}
    for provider, found in sorted(of.items()):
        alike.setdefault(tuple(found), []).append(provider)
    itself = pair(F.col("level"), F.col("code"))
    levels = F.when(F.col("code").isNull(), F.lit(None))
    if alike:
        levels = levels.when(F.col("level") == "network", F.array(itself))
    for found, providers in sorted(alike.items()):
        networks_of = [pair(F.lit("network"), F.lit(n)) for n in found]
        levels = levels.when(F.col("code").isin(*providers), F.array(itself, *networks_of))
    return levels.otherwise(F.array(itself))


#: What the network table counts: each member provider's networks (summed into each of its networks,
#: like its other counts: one term per membership) and each network's lead providers.
STRUCTURE_COLUMNS = ("n_one_network", "n_one_lead_provider")


def _structure_rows(
    session: Any, members: Sequence[Membership], network_codes: Sequence[str], columns: Sequence[str]
) -> Any:
    """Literal rows for each member provider (its number of networks) and each network asked for (its
    number of lead providers), `known` 1 and zero in the other count `columns`, so that every one has
    its rows even with no course or linac."""
    of: dict[str, set[str]] = {}
    for m in members:
        of.setdefault(m.provider_code, set()).add(m.network_code)
    leads = dict.fromkeys(network_codes, 0)
    for m in members:
        if m.network_code in leads and m.role == "lead":
            leads[m.network_code] += 1
    data = [(code, "provider", float(len(found)), 0.0) for code, found in sorted(of.items())]
    data += [(code, "network", 0.0, float(count)) for code, count in sorted(leads.items())]
    rows = session.createDataFrame(
        data or [(None, "provider", 0.0, 0.0)],
        schema="code string, level string, n_one_network double, n_one_lead_provider double",
    )
    F = functions(rows)
    return rows.select(
        "code", "level", *STRUCTURE_COLUMNS, *[F.lit(1.0 if c == "known" else 0.0).alias(c) for c in columns]
    )


def _long(frame: Any, chosen: Sequence[Requirement], limits: dict[str, float | None], known: bool) -> Any:
    """One judged row per level, code and requirement from the summed counts: each level explodes the
    requirements that apply to it, each with its value (numerator / denominator for a rate, the
    numerator for a count; null when there is no data) and its threshold and comparison as literals (no
    join, no filter step)."""
    F = functions(frame)

    def item(r: Requirement) -> Any:
        rid = r.requirement_id
        numerator = F.col(f"n_{rid}")
        if rid in STRUCTURE:
            denominator, value = F.lit(None).cast("double"), numerator
        else:
            denominator = F.col(f"d_{rid}")
            if r.kind == "rate":
                value = F.when(denominator > 0, numerator / denominator)
            else:
                value = F.when(F.coalesce(denominator, F.lit(1.0)) != 0, numerator)
        limit = limits[rid]
        return F.struct(
            F.lit(rid).alias("requirement_id"),
            numerator.alias("numerator"),
            denominator.alias("denominator"),
            value.cast("double").alias("value"),
            F.lit(limit).cast("double").alias("threshold"),  # a literal 0.24 is a DECIMAL in DuckDB
            F.lit(r.comparison).alias("comparison"),
        )

    chosen_items = None
    for level in ("provider", "network"):
        found = [item(r) for r in chosen if level in r.levels]
        if not found:
            continue
        condition = F.col("level") == level
        if known and level == "provider":
            condition = condition & (F.col("known") > 0)
        chosen_items = (F if chosen_items is None else chosen_items).when(condition, F.array(*found))
    if chosen_items is None:
        return frame.sparkSession.createDataFrame([], schema=OUTPUT_DDL)
    return _judge(frame.select("level", "code", F.explode(chosen_items).alias("item")))


def _linac_counts(linacs: Any, as_of: dt.date, wanted: dict[str, Requirement]) -> dict[str, Any]:
    """Per linac: in service, over the replacement and upgrade ages, able to deliver each technique
    (n_<id>, d_<id> expressions, 1.0 or 0.0)."""
    replacement, upgrade = wanted.get("linac_replacement_due"), wanted.get("linac_upgrade_due")
    techniques = {rid: column for rid, column in LINAC_TECHNIQUES.items() if rid in wanted}
    if replacement is None and upgrade is None and not techniques:
        return {}
    F = functions(linacs)
    day = F.lit(as_of).cast("date")
    running = (F.col("commissioned_date") <= day) & (
        F.col("decommissioned_date").isNull() | (F.col("decommissioned_date") > day)
    )
    flag = lambda condition: F.when(running & condition, F.lit(1.0)).otherwise(F.lit(0.0))  # noqa: E731
    in_service = F.when(running, F.lit(1.0)).otherwise(F.lit(0.0))
    counts = {}
    if replacement is not None:
        limit = F.add_months(F.col("commissioned_date"), _months(replacement.parameter or 0))
        counts["n_linac_replacement_due"] = flag(limit < day)
        counts["d_linac_replacement_due"] = in_service
    if upgrade is not None:
        renewed = F.greatest(
            F.col("commissioned_date"), F.coalesce(F.col("last_upgrade_date"), F.col("commissioned_date"))
        )
        counts["n_linac_upgrade_due"] = flag(F.add_months(renewed, _months(upgrade.parameter or 0)) < day)
        counts["d_linac_upgrade_due"] = in_service
    for requirement_id, column in techniques.items():
        counts[f"n_{requirement_id}"] = flag(F.coalesce(F.col(column), F.lit(False)))
        counts[f"d_{requirement_id}"] = in_service
    return counts


def _months(years: float) -> int:
    return int(round(years * 12))


def _course_counts(
    courses: Any,
    as_of: dt.date,
    ids: set[str],
    fractionation: Sequence[Schedule],
    settings: ComplianceSettings,
) -> dict[str, Any]:
    """Per course: radical external beam, by IMRT; radical of each hypofractionation site, on a
    listed schedule (n_<id>, d_<id> expressions, 1.0 or 0.0)."""
    by_requirement: dict[str, list[Schedule]] = {}
    for schedule in fractionation:
        if schedule.requirement_id in ids:
            by_requirement.setdefault(schedule.requirement_id, []).append(schedule)
    if "imrt_share" not in ids and not by_requirement:
        return {}
    F = functions(courses)
    counted = (
        in_window(F, F.col("start_date"), as_of, settings)
        & (F.col("age").isNull() | (F.col("age") >= settings.adult_age))
        & (F.col("intent") == "radical")
    )
    flag = lambda condition: F.when(counted & condition, F.lit(1.0)).otherwise(F.lit(0.0))  # noqa: E731
    counts = {}
    if "imrt_share" in ids:
        external = F.col("technique").isin(*EXTERNAL_BEAM)
        counts["n_imrt_share"] = flag(external & (F.col("technique") == "imrt"))
        counts["d_imrt_share"] = flag(external)
    scope = settings.hypofractionation_techniques
    in_scope = F.lit(True) if scope is None else F.coalesce(F.col("technique").isin(*scope), F.lit(True))
    for requirement_id, listed in sorted(by_requirement.items()):
        site = F.lit(False)
        for prefix in sorted({s.icd10_prefix for s in listed}):
            site = site | F.coalesce(F.col("icd10").startswith(prefix), F.lit(False))
        site = in_scope & site
        on_schedule = F.lit(False)
        for s in listed:
            on_schedule = on_schedule | (
                F.coalesce(F.col("icd10").startswith(s.icd10_prefix), F.lit(False))
                & (F.abs(F.col("prescribed_dose_gy") - F.lit(s.prescribed_dose_gy)) < F.lit(EPSILON))
                & (F.col("fractions") == F.lit(s.fractions))
            )
        counts[f"n_{requirement_id}"] = flag(site & F.coalesce(on_schedule, F.lit(False)))
        counts[f"d_{requirement_id}"] = flag(site)
    return counts


def _wait_counts(
    facts: Any, as_of: dt.date, waits: Sequence[Requirement], settings: ComplianceSettings
) -> tuple[Any, str, dict[str, Any]]:
    """31-day waits of radiotherapy treatments whose clock stop is in the window (n_<id>, d_<id>
    expressions over the CWT engine's performance table by provider). Each standard is measured over
    the whole window by its own framework, whatever standards were in force in each month: the data
    are the window's, the threshold the one in force on the as-of day (`thresholds`)."""
    F = functions(facts)
    radiotherapy = facts.where(
        (F.col("modality_group") == "radiotherapy") & in_window(F, F.col("clock_stop"), as_of, settings)
    )
    # fds rows are reported with the October 2023 standards (cwt.performance's "2023" set)
    frameworks = {s.standard_id: "2018" if s.framework == "2018" else "2023" for s in reference.standards()}
    table = None
    for framework in sorted({frameworks[r.standard_id] for r in waits}):
        found = performance(radiotherapy, by=["provider"], standards=framework)
        table = found if table is None else table.unionByName(found)
    counts: dict[str, Any] = {}
    for r in waits:
        chosen = F.col("standard_id") == F.lit(r.standard_id)
        counts[f"n_{r.requirement_id}"] = F.when(chosen, F.col("within")).otherwise(F.lit(0.0))
        counts[f"d_{r.requirement_id}"] = F.when(chosen, F.col("total")).otherwise(F.lit(0.0))
    return table, "provider", counts


def in_window(F: Any, day: Any, as_of: dt.date, settings: ComplianceSettings) -> Any:
    """`day` falls in the `period_months` months before `as_of`: as_of - months <= day < as_of (as_of
    minus months clamped to the month's last day, as add_months does)."""
    end = F.lit(as_of).cast("date")
    return (day >= F.add_months(end, -settings.period_months)) & (day < end)


def thresholds(wanted: Iterable[Requirement], as_of: dt.date) -> dict[str, float | None]:
    """Each requirement's threshold on `as_of`: its own, or its CWT standard's dated threshold."""
    return {
        r.requirement_id: r.threshold
        if r.standard_id is None
        else reference.threshold_on(r.standard_id, as_of)
        for r in wanted
    }


def _judge(table: Any) -> Any:
    """The exploded items as rows, with their status: no_data without a value or a threshold, else met
    or not_met by the comparison."""
    F = functions(table)
    value, limit, comparison = F.col("item.value"), F.col("item.threshold"), F.col("item.comparison")
    meets = (
        F.when(comparison == "eq", F.abs(value - limit) < F.lit(EPSILON))
        .when(comparison == "ge", value >= limit - F.lit(EPSILON))
        .otherwise(value <= limit + F.lit(EPSILON))
    )
    status = (
        F.when(value.isNull() | limit.isNull(), F.lit("no_data"))
        .when(meets, F.lit("met"))
        .otherwise(F.lit("not_met"))
    )
    names = ("requirement_id", "numerator", "denominator", "value", "threshold")
    return table.select(
        "level", "code", *[F.col(f"item.{name}").alias(name) for name in names], status.alias("status")
    )
