"""The four measures as rows of per-record facts (the facts contract in cwt/README.md, the
measure table; CWT clock starts and stops [S1, S22], CWT treatment codes [S19, S44], CWT reporting
conventions [S1, S31]). Each measure is one select over the prepared frame; `facts` unions
them, so the whole evaluation is a single pass over the records.

| measure | population | start | stop | provider, share |
| 2ww | routes usc, breast_symptomatic (priority 3) | referral received | date first seen | first seen, 1 |
| fds | usc, breast_symptomatic, screening; not excluded | referral | min(fds end, DTT) | `fds_provider`, 1 |
| 31d | DTT and treatment, counted modality | DTT / ECAD | treatment start | treating, 1 |
| 62d | first treatment on a route, counted modality | referral or upgrade | treatment start | `allocation` |
"""

from __future__ import annotations

from typing import Any

from cancer_alliance.cwt.allocation import WHOLE, scenario_columns
from cancer_alliance.cwt.settings import CwtSettings

#: Output columns, in order: the issue 3 / spec contract, then the fallback flag (docs/deviations.md).
FACT_COLUMNS = (
    "record_id",
    "measure",
    "route",
    "treatment_stage",
    "modality_group",
    "clock_start",
    "clock_stop",
    "days",
    "within",
    "reporting_month",
    "provider",
    "share",
    "allocation",
    "scenario",
)
FLAG_COLUMNS = ("transfer_date_missing",)
COLUMNS = FACT_COLUMNS + FLAG_COLUMNS

TYPES = {
    "record_id": "string",
    "measure": "string",
    "route": "string",
    "treatment_stage": "string",
    "modality_group": "string",
    "clock_start": "date",
    "clock_stop": "date",
    "days": "int",
    "within": "boolean",
    "reporting_month": "string",
    "provider": "string",
    "share": "double",
    "allocation": "string",
    "scenario": "int",
    "transfer_date_missing": "boolean",
}


#: The prepared columns the rows read. Only these travel through the explode or the slot join:
#: DuckDB did not prune unused columns below an UNNEST, and carrying all of them doubled the run
#: time.
CARRIED = (
    "record_id",
    "route",
    "referral_received_date",
    "date_first_seen",
    "provider_first_seen",
    "days_2ww",
    "fds_stop",
    "days_fds",
    "provider_fds_end",
    "treatment_stage",
    "modality_group",
    "decision_to_treat_date",
    "days_31d",
    "provider_treatment",
    "treatment_start_date",
    "start_62",
    "days_62d",
    "allocation",
    "days_38",
    "days_24",
    "transfer_date_missing",
    "investigating_provider",
)


def populations(F: Any, settings: CwtSettings) -> dict[str, Any]:
    """in_<measure>: whether the record has a stopped clock on that measure (needs the prepared columns)."""
    route = F.col("route")
    return {
        "in_2ww": route.isin("usc", "breast_symptomatic") & F.col("date_first_seen").isNotNull(),
        "in_fds": route.isin("usc", "breast_symptomatic", "screening")
        & F.col("fds_stop").isNotNull()
        & ~fds_excluded(F, settings),
        "in_31d": F.col("decision_to_treat_date").isNotNull()
        & F.col("treatment_start_date").isNotNull()
        & F.col("treatment_stage").isNotNull()
        & F.col("counts_in_31_62"),
        "in_62d": route.isNotNull()
        & (F.col("treatment_stage") == "first")
        & F.col("treatment_start_date").isNotNull()
        & F.col("counts_in_31_62"),
    }


def fds_provider(F: Any) -> Any:
    """The provider an FDS row counts for: the FDS end provider, else (a pathway stopped by the decision
    to treat alone usually has none) the investigating provider, which ran the diagnostic phase that
    the decision to treat ended (decision 0031)."""
    return F.coalesce(F.col("provider_fds_end"), F.col("investigating_provider"))


def fds_excluded(F: Any, settings: CwtSettings) -> Any:
    """Whether the record matches a row of the configurable FDS exclusion table (FDS [S1, S17],
    docs/deviations.md)."""
    excluded = F.lit(False)
    for row in settings.fds_exclusions:
        match = F.lit(True)
        if row.fds_end_reason is not None:
            match = match & F.coalesce(F.col("fds_end_reason") == row.fds_end_reason, F.lit(False))
        if row.fds_exclusion_reason is not None:
            match = match & F.coalesce(
                F.col("fds_exclusion_reason") == row.fds_exclusion_reason, F.lit(False)
            )
        excluded = excluded | match
    return excluded


def _slot(F: Any, settings: CwtSettings, measure: str, **values: Any) -> dict[str, Any]:
    """The output columns of one kind of row: `within` is days <= N (CWT day counting [S1]), the reporting
    month is
    the month of the clock stop (CWT reporting conventions [S1, S31]); columns not given are null."""
    values["record_id"] = F.col("record_id")
    values["measure"] = F.lit(measure)
    values["within"] = values["days"] <= settings.measure_days[measure]
    values["reporting_month"] = reporting_month(F, values["clock_stop"])
    return values


def reporting_month(F: Any, day: Any) -> Any:
    """The "YYYY-MM" of a date: the reporting month of a clock stop (CWT reporting conventions [S1, S31]).
    The same for any day of the month, so it may be taken of the month's first day after summing."""
    return F.date_format(day, "yyyy-MM")


def facts(
    prepared: Any, F: Any, settings: CwtSettings, carry: tuple[str, ...] = (), in_record_order: bool = True
) -> Any:
    """The measures' rows for the valid records of a prepared frame, plus the record columns named in
    `carry` on every row.

    Each record gives the kinds of row it has (2ww, fds, 31d, 62d treating, 62d investigating) as
    slot numbers, one row each, and each column is picked by slot: one pass over the records, with
    no union and no self-join (issue 3, speed). `in_record_order`: each record's rows together and the
    records in input order (an exploded array); otherwise in the order a join with a small slot table
    gives them, cheaper on DuckDB (issue 26), for facts that are summed."""
    col = F.col
    referral = {"route": col("route"), "clock_start": col("referral_received_date")}
    treatment = {"clock_stop": col("treatment_start_date")}
    whole = F.lit(WHOLE)
    # Written into the 62d rows' values, not worked out beforehand for every record: each kind of
    # row computes only its own columns.
    allocated = scenario_columns(F, settings, col("days_62d"), col("days_38"), col("days_24"))
    shared_62d = {
        **treatment,
        "route": col("route"),
        "clock_start": col("start_62"),
        "days": col("days_62d"),
        "allocation": col("allocation"),
        "scenario": allocated["scenario"],
        "transfer_date_missing": col("transfer_date_missing"),
    }
    slots = [
        (
            col("in_2ww"),
            _slot(
                F,
                settings,
                "2ww",
                **referral,
                clock_stop=col("date_first_seen"),
                days=col("days_2ww"),
                provider=col("provider_first_seen"),
                share=whole,
            ),
        ),
        (
            col("in_fds"),
            _slot(
                F,
                settings,
                "fds",
                **referral,
                clock_stop=col("fds_stop"),
                days=col("days_fds"),
                provider=fds_provider(F),
                share=whole,
            ),
        ),
        (
            col("in_31d"),
            _slot(
                F,
                settings,
                "31d",
                **treatment,
                treatment_stage=col("treatment_stage"),
                modality_group=col("modality_group"),
                clock_start=col("decision_to_treat_date"),
                days=col("days_31d"),
                provider=col("provider_treatment"),
                share=whole,
            ),
        ),
        (
            col("in_62d"),
            _slot(
                F,
                settings,
                "62d",
                **shared_62d,
                provider=col("provider_treatment"),
                share=allocated["treating_share"],
            ),
        ),
        (
            col("in_62d") & (col("allocation") != "solo"),
            _slot(
                F,
                settings,
                "62d",
                **shared_62d,
                provider=col("investigating_provider"),
                share=allocated["investigating_share"],
            ),
        ),
    ]
    valid = ~col("invalid")
    extra = tuple(name for name in carry if name not in CARRIED)
    if in_record_order:
        # The slot numbers of the kinds a record has, as an array exploded in order: each record's
        # rows together, records in input order, the same on every engine.
        present = F.array_compact(
            F.array(*[F.when(valid & test, F.lit(number)) for number, (test, _) in enumerate(slots)])
        )
        exploded = prepared.select(*CARRIED, *extra, F.explode(present).alias("slot"))
    else:
        # The kinds as the bits of one integer, joined with the small table of (bits, slot): one row
        # per kind without building, filtering and unnesting an array for every record, which on
        # DuckDB cost about a tenth of a national year's evaluate (docs/performance.md); the engine
        # then orders the rows as its join emits them.
        bits = F.lit(0)
        for number, (test, _) in enumerate(slots):
            bits = bits + F.when(valid & test, F.lit(1 << number)).otherwise(F.lit(0))
        marked = prepared.select(*CARRIED, *extra, bits.alias("ca_slot_bits"))
        exploded = marked.join(
            _slot_table(prepared.sparkSession, len(slots)),
            on=col("ca_slot_bits") == col("ca_bits"),
            how="inner",
        )
    return exploded.select(
        *[
            _by_slot(F, [values.get(name) for _, values in slots]).cast(TYPES[name]).alias(name)
            for name in COLUMNS
        ],
        *carry,
    )


def _slot_table(session: Any, count: int) -> Any:
    """(ca_bits, slot): every non-empty set of `count` kinds of row as its bits, once per kind in it
    (80 rows for five kinds); a record with no kind of row (bits 0) matches none. Spark broadcasts it
    by size."""
    rows = [(bits, slot) for bits in range(1, 1 << count) for slot in range(count) if bits >> slot & 1]
    return session.createDataFrame(rows, schema="ca_bits int, slot int")


def _by_slot(F: Any, values: list[Any]) -> Any:
    """CASE slot WHEN 0 THEN values[0] ...: one column's value for each kind of row (null if absent)."""
    distinct = [value for value in values if value is not None]
    if len(distinct) == len(values) and all(value is distinct[0] for value in distinct):
        return distinct[0]
    expression = F
    for number, value in enumerate(values):
        if value is not None:
            expression = expression.when(F.col("slot") == number, value)
    return expression
