"""`milestones`: per pathway and milestone of its tumour's definition, the target day, the day it was
reached and its status (issue 12 item 3); `unevaluated`: the pathways that cannot be evaluated, and why.

Rules (NHS England timed diagnostic pathways (2018); issue 12 items 1-3):

- Day 0 is the pathway's `referral_received` date, or its `consultant_upgrade` date when that is
  later (an upgrade restarts the clock, as in the 62-day rules); the definition in force on day 0
  applies.
- A milestone is reached on the first date of any of its events (a repeated event counts its first
  date); its `day` is calendar days from day 0 (negative for a test done before an upgrade restarted
  the clock); blank when not reached by the as-of date.
- `met` (day <= target), `breached` (day > target), `open` (not reached, as-of day <= target),
  `overdue` (not reached, as-of day > target), `not_applicable` (a milestone after diagnosis
  communicated when the first diagnosis communicated has outcome `ruled_out`; with the setting
  `skipped_tests_not_applicable_when_ruled_out`, also an earlier milestone never reached).
- Events after the as-of date are not yet known: evaluating as of an earlier day gives what a
  tracker saw that day. The CLI's default as-of is the latest event date in its input
  (`files.latest_event_date`).

One pass: a group-by of the events per pathway (each event's first date), then a join with the small
table of milestone definitions. Only the PySpark DataFrame API through `engine.functions`, so the
same code runs on DuckDB (SQLFrame) and on Spark (docs/decisions/0001).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cancer_alliance.engine import functions
from cancer_alliance.engine.compiled import compiled
from cancer_alliance.pathways.definitions import DIAGNOSIS, START_EVENTS, PathwayDefinition
from cancer_alliance.pathways.settings import DEFAULT_SETTINGS, PathwaySettings

DataFrame = Any

#: The CLI's columns (issue 12 item 7), in order.
OUTPUT_COLUMNS = ("pathway_id", "tumour", "milestone", "target_day", "day", "status")
#: Every column of `milestones`, with its type (a contract for files and tests).
TYPES = {
    "pathway_id": "string",
    "tumour": "string",
    "milestone": "string",
    "target_day": "int",
    "day": "int",
    "status": "string",
    "sequence": "int",
    "version": "string",
    "verified": "boolean",
    "start_event": "string",
    "start_date": "date",
    "provider_code": "string",
    "milestone_date": "date",
    "due_date": "date",
    "as_of": "date",
    "outcome": "string",
}
STATUSES = ("met", "breached", "open", "overdue", "not_applicable")
_DEFINITION_DDL = (
    "d_tumour string, version string, effective_from date, effective_to date, sequence int, "
    "milestone string, reached_slot int, target_day int, verified boolean, after_diagnosis boolean"
)


def _event_sets(definitions: tuple[PathwayDefinition, ...]) -> list[tuple[str, ...]]:
    """Each distinct set of events that reaches a milestone, in a fixed order (one column each)."""
    found: list[tuple[str, ...]] = []
    for definition in definitions:
        for milestone in definition.milestones:
            if milestone.events not in found:
                found.append(milestone.events)
    return found


def _definition_rows(definitions: tuple[PathwayDefinition, ...]) -> list[tuple[Any, ...]]:
    slots = _event_sets(definitions)
    return [
        (
            d.tumour,
            d.version,
            d.effective_from or dt.date(1, 1, 1),
            d.effective_to,
            m.sequence,
            m.name,
            slots.index(m.events),
            m.target_day,
            m.verified,
            d.after_diagnosis(m),
        )
        for d in definitions
        for m in d.milestones
    ]


def pathway_facts(
    events: DataFrame, as_of: dt.date, settings: PathwaySettings = DEFAULT_SETTINGS
) -> DataFrame:
    """One row per pathway (events up to `as_of`): tumour, start event and date (day 0), provider
    of the start event, first ruled-out date, each event set's first date (`reached_<n>`) and the
    as-of date."""
    F = functions(events)
    col = F.col
    event, date = col("event"), col("event_date")
    known = events.where(date <= F.lit(as_of)).select("*", F.lit(as_of).alias("as_of"))
    slots = _event_sets(settings.definitions)
    referral, upgrade = START_EVENTS
    grouped = known.groupBy("pathway_id").agg(
        F.min("tumour").alias("tumour"),
        F.max("as_of").alias("as_of"),
        F.min(F.when(event == referral, date)).alias("referral_date"),
        F.min(F.when(event == upgrade, date)).alias("upgrade_date"),
        F.min(F.when(event == referral, col("provider_code"))).alias("referral_provider"),
        F.min(F.when(event == upgrade, col("provider_code"))).alias("upgrade_provider"),
        F.min(F.when(event == DIAGNOSIS, date)).alias("diagnosis_date"),
        F.min(F.when((event == DIAGNOSIS) & (col("outcome") == "ruled_out"), date)).alias("ruled_out_date"),
        *[
            F.min(F.when(event.isin(*names), date)).alias(f"reached_{slot}")
            for slot, names in enumerate(slots)
        ],
    )
    upgraded = col("upgrade_date").isNotNull() & (
        col("referral_date").isNull() | (col("upgrade_date") > col("referral_date"))
    )
    return grouped.select(
        "pathway_id",
        "tumour",
        "as_of",
        F.when(upgraded, F.lit(upgrade))
        .when(col("referral_date").isNotNull(), F.lit(referral))
        .alias("start_event"),
        F.when(upgraded, col("upgrade_date")).otherwise(col("referral_date")).alias("start_date"),
        F.when(upgraded, col("upgrade_provider")).otherwise(col("referral_provider")).alias("provider_code"),
        F.when(col("diagnosis_date").isNull(), F.lit(None).cast("string"))
        .when(col("ruled_out_date") == col("diagnosis_date"), F.lit("ruled_out"))
        .otherwise(F.lit("cancer"))
        .alias("outcome"),
        *[col(f"reached_{slot}") for slot in range(len(slots))],
    )


@compiled
def milestones(events: DataFrame, as_of: dt.date, settings: PathwaySettings = DEFAULT_SETTINGS) -> DataFrame:
    """One row per pathway and milestone of the definition in force on its day 0 (columns `TYPES`).
    Pathways without a start event or a definition are left out; `unevaluated` lists them."""
    F = functions(events)
    col = F.col
    facts = pathway_facts(events, as_of, settings)
    definitions = events.sparkSession.createDataFrame(
        _definition_rows(settings.definitions), schema=_DEFINITION_DDL
    )
    joined = facts.join(
        definitions,
        (col("tumour") == col("d_tumour"))
        & (col("start_date") >= col("effective_from"))
        & (col("effective_to").isNull() | (col("start_date") <= col("effective_to"))),
        "inner",
    )
    slots = len(_event_sets(settings.definitions))
    reached = F.when(col("reached_slot") == 0, col("reached_0"))
    for slot in range(1, slots):
        reached = reached.when(col("reached_slot") == slot, col(f"reached_{slot}"))
    dated = joined.select(
        "*",
        reached.alias("milestone_date"),
        F.datediff(col("as_of"), col("start_date")).cast("int").alias("as_of_day"),
    )
    day = F.datediff(col("milestone_date"), col("start_date")).cast("int")
    ruled_out = col("outcome") == "ruled_out"
    status = F.when(col("after_diagnosis") & ruled_out, F.lit("not_applicable"))
    if settings.skipped_tests_not_applicable_when_ruled_out:
        status = status.when(ruled_out & col("milestone_date").isNull(), F.lit("not_applicable"))
    status = (
        status.when(col("milestone_date").isNotNull() & (day <= col("target_day")), F.lit("met"))
        .when(col("milestone_date").isNotNull(), F.lit("breached"))
        .when(col("as_of_day") <= col("target_day"), F.lit("open"))
        .otherwise(F.lit("overdue"))
    )
    return dated.select(
        col("pathway_id"),
        col("tumour"),
        col("milestone"),
        col("target_day").cast("int").alias("target_day"),
        day.alias("day"),
        status.alias("status"),
        col("sequence").cast("int").alias("sequence"),
        col("version"),
        col("verified"),
        col("start_event"),
        col("start_date"),
        col("provider_code"),
        col("milestone_date"),
        F.date_add(col("start_date"), col("target_day")).alias("due_date"),
        col("as_of"),
        col("outcome"),
    )


def unevaluated(events: DataFrame, as_of: dt.date, settings: PathwaySettings = DEFAULT_SETTINGS) -> DataFrame:
    """pathway_id, tumour and reason of every pathway `milestones` leaves out: no start event on or
    before the as-of date, or no definition of its tumour in force on its day 0."""
    F = functions(events)
    col = F.col
    facts = pathway_facts(events, as_of, settings)
    definitions = (
        events.sparkSession.createDataFrame(_definition_rows(settings.definitions), schema=_DEFINITION_DDL)
        .select("d_tumour", "effective_from", "effective_to")
        .distinct()
    )
    joined = facts.join(
        definitions,
        (col("tumour") == col("d_tumour"))
        & (col("start_date") >= col("effective_from"))
        & (col("effective_to").isNull() | (col("start_date") <= col("effective_to"))),
        "left",
    )
    reason = F.when(
        col("start_date").isNull(),
        F.lit("no referral_received or consultant_upgrade event on or before the as-of date"),
    ).when(col("d_tumour").isNull(), F.lit("no pathway definition of this tumour in force on day 0"))
    flagged = joined.select("pathway_id", "tumour", reason.alias("reason"))
    return flagged.where(col("reason").isNotNull())
