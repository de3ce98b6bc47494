"""Records that cannot be evaluated, with the reason (issue 3 item 1; CWT guidance [S1], CWT adjustments
[S16, S24]).

Missing or contradictory dates, or a treatment with no treating provider (its 31- and 62-day rows
would count for no one), make a record invalid; an open pathway (a clock that has started and not
yet stopped, e.g. a 2ww referral not yet seen) does not. A rejected record has no facts at all, even
for a measure whose own fields are valid: one record, one consistent set of facts, corrected at source
and resubmitted whole; what it leaves out is listed (`lost_measures`) and counted by `alliance cwt
evaluate` (decision 0031). Date-order checks come from the
canonical schema (`schemas/cwt.toml`, `date_orders`); the others need the derived columns of
`evaluate.prepare`. A record gets every reason that applies, joined by "; ". Reasons name fields,
never values.
"""

from __future__ import annotations

from typing import Any

from cancer_alliance.cwt.allocation import rejects_missing_transfer_date
from cancer_alliance.cwt.settings import CwtSettings
from cancer_alliance.schemas import schema

SEPARATOR = "; "


def reasons(F: Any, settings: CwtSettings) -> list[tuple[Any, str]]:
    """(condition, reason) pairs over a prepared frame; the record is invalid if any condition holds."""
    checks = [
        (F.col(order.later) < F.col(order.earlier), order.reason) for order in schema("cwt").date_orders
    ]
    checks += [
        (F.col("adjustment_first_seen_days") < 0, "adjustment_first_seen_days is negative"),
        (F.col("adjustment_treatment_days") < 0, "adjustment_treatment_days is negative"),
        (
            F.col("route").isin("usc", "breast_symptomatic", "screening")
            & F.col("referral_received_date").isNull(),
            "referral_received_date missing on a usc, breast symptomatic or screening referral",
        ),
        (
            F.col("treatment_start_date").isNotNull() & F.col("decision_to_treat_date").isNull(),
            "treatment_start_date recorded without decision_to_treat_date",
        ),
        (
            F.col("treatment_start_date").isNotNull() & F.col("treatment_stage").isNull(),
            "treatment_event_type missing or not a known code",
        ),
        (
            F.col("treatment_start_date").isNotNull() & F.col("provider_treatment").isNull(),
            "treatment_start_date recorded without provider_treatment",
        ),
        (
            F.col("in_2ww")
            & _adjusted_below_zero(F, "days_2ww", "date_first_seen", "referral_received_date"),
            "2ww wait negative after the first-seen adjustment",
        ),
        (
            F.col("in_fds") & _adjusted_below_zero(F, "days_fds", "fds_stop", "referral_received_date"),
            "fds wait negative after the first-seen adjustment",
        ),
        (
            F.col("in_31d")
            & _adjusted_below_zero(F, "days_31d", "treatment_start_date", "decision_to_treat_date"),
            "31d wait negative after the treatment adjustment",
        ),
        (
            F.col("in_62d") & _adjusted_below_zero(F, "days_62d", "treatment_start_date", "start_62"),
            "62d wait negative after adjustments",
        ),
        (
            F.col("in_62d")
            & (F.col("allocation") == "six_scenario")
            & (
                _adjusted_below_zero(F, "days_38", "transfer_to_treatment_date", "start_62")
                | _adjusted_below_zero(F, "days_24", "treatment_start_date", "transfer_to_treatment_date")
            ),
            "38-day or 24-day phase negative after adjustments",
        ),
    ]
    if rejects_missing_transfer_date(settings):
        checks.append(
            (
                F.col("in_62d") & F.col("transfer_date_missing"),
                "accountable_investigating_provider recorded without transfer_to_treatment_date",
            )
        )
    return checks


def _adjusted_below_zero(F: Any, days: str, stop: str, start: str) -> Any:
    """The wait is negative only because of its adjustment (a stop before the start is already
    reported by the date-order checks)."""
    return (F.col(days) < 0) & (F.datediff(F.col(stop), F.col(start)) >= 0)


def lost_measures(F: Any) -> Any:
    """The measures a rejected record had a stopped clock on (space-separated, e.g. "2ww fds 31d"):
    what its rejection leaves out of the facts, counted by `alliance cwt evaluate` (decision 0031)."""
    names = ("2ww", "fds", "31d", "62d")
    return F.concat_ws(" ", *[F.when(F.coalesce(F.col(f"in_{n}"), F.lit(False)), F.lit(n)) for n in names])


def invalid(F: Any, settings: CwtSettings) -> Any:
    """True when any check fails (a boolean is much cheaper to test than the reason text). One
    null-tolerant OR: a check that is unknown (null) counts as passed."""
    tests = [test for test, _ in reasons(F, settings)]
    result = tests[0]
    for test in tests[1:]:
        result = result | test
    return F.coalesce(result, F.lit(False))


def reason(F: Any, settings: CwtSettings) -> Any:
    """Every applicable reason joined by "; " (use on invalid records only)."""
    return F.concat_ws(
        SEPARATOR,
        *[F.when(F.coalesce(test, F.lit(False)), F.lit(text)) for test, text in reasons(F, settings)],
    )
