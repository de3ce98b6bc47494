"""Clock starts, clock stops and waits after adjustments (CWT day counting [S1], CWT clock starts and stops
[S1, S22], CWT adjustments [S16, S24]).

Days are whole calendar days, the start date is day 0 and submitted adjustment days are subtracted
exactly as the CWT adjustments [S16, S24] table says, whatever the reason code (a blank adjustment counts as
0 days):

    2ww                            date first seen - referral received - adj first seen
    fds                            min(fds end, DTT) - referral received - adj first seen
    31d                            treatment start - DTT/ECAD - adj treatment
    62d usc/breast/screening       treatment start - referral received - adj first seen - adj treatment
    62d upgrade, upgrade <= seen   treatment start - upgrade date - adj first seen - adj treatment
    62d upgrade, upgrade > seen    treatment start - upgrade date - adj treatment
    38-day (investigating phase)   transfer date - 62d start - the same first-seen adjustment as the 62d wait
    24-day (treating phase)        treatment start - transfer date - adj treatment

A consultant upgrade with no date first seen takes the "upgrade <= seen" branch: there is no first
seen appointment after which the upgrade happened (DERIVED; docs/deviations.md). Using the same
first-seen adjustment in the 38-day phase as in the 62-day wait keeps d62 = d38 + d24, which is why
only six of the eight met/breached combinations occur (breach allocation [S6, S40]).
"""

from __future__ import annotations

from typing import Any


def adjustment_first_seen(F: Any) -> Any:
    return F.coalesce(F.col("adjustment_first_seen_days"), F.lit(0))


def adjustment_treatment(F: Any) -> Any:
    return F.coalesce(F.col("adjustment_treatment_days"), F.lit(0))


def fds_stop(F: Any) -> Any:
    """The earlier of the FDS end date and the decision to treat (FDS [S1, S17] [OFFICIAL S17; IMPL S40]);
    null if neither is recorded."""
    return F.least(F.col("fds_end_date"), F.col("decision_to_treat_date"))


def start_62(F: Any, route: Any) -> Any:
    """62-day clock start: the consultant upgrade date on the upgrade route, else the referral date (CWT
    clock starts and stops [S1, S22])."""
    return F.when(route == "upgrade", F.col("consultant_upgrade_date")).otherwise(
        F.col("referral_received_date")
    )


def first_seen_adjustment_62(F: Any, route: Any) -> Any:
    """The first-seen adjustment the 62-day and 38-day waits subtract: none when the consultant upgrade
    came after the date first seen (CWT adjustments [S16, S24], upgrade branches)."""
    upgraded_after_seen = (route == "upgrade") & (F.col("consultant_upgrade_date") > F.col("date_first_seen"))
    return F.when(F.coalesce(upgraded_after_seen, F.lit(False)), F.lit(0)).otherwise(adjustment_first_seen(F))


def wait(F: Any, stop: Any, start: Any, *adjustments: Any) -> Any:
    """Calendar days from start (day 0) to stop, less the adjustments (CWT day counting [S1], CWT adjustments
    [S16, S24])."""
    days = F.datediff(stop, start)
    for adjustment in adjustments:
        days = days - adjustment
    return days
