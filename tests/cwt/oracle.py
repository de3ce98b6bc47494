"""A plain-Python oracle for the CWT clock arithmetic and the 62-day allocation, written from the
spec's tables (CWT route codes [S21, S40], CWT adjustments [S16, S24], breach allocation [S6, S15], breach
allocation [S6, S40]), not from the DataFrame code: a third voice next to
DuckDB and Spark. It answers for valid records only."""

from __future__ import annotations

import datetime as dt
from typing import Any

# breach allocation [S6, S40] table: (62 met, 38 met, 24 met) -> scenario, investigating share, treating
# share.
SCENARIOS = {
    (True, True, True): (1, 0.5, 0.5),
    (True, True, False): (2, 0.5, 0.5),
    (True, False, True): (3, 0.0, 1.0),
    (False, True, False): (4, 0.0, 1.0),
    (False, False, True): (5, 1.0, 0.0),
    (False, False, False): (6, 0.5, 0.5),
}
SIX_SCENARIOS_FROM = dt.date(2018, 4, 1)  # breach allocation [S6, S15]: dataset v2.0, April 2018
FIRST_EVENT_TYPES = {"01", "07", "12"}  # CWT treatment codes [S19, S44] [IMPL S40]


def route(r: dict[str, Any]) -> str | None:
    """CWT route codes [S21, S40], a blank code never equal to 17 or 16."""
    screening = r["source_of_referral"] == "17"
    breast = r["referral_type"] == "16"
    upgraded = r["consultant_upgrade_date"] is not None
    if r["priority_type"] == "3" and not screening and not upgraded:
        return "breast_symptomatic" if breast else "usc"
    if r["priority_type"] == "2" and screening:
        return "screening"
    if not screening and upgraded:
        return "upgrade"
    return None


def _days(stop: dt.date, start: dt.date) -> int:
    return (stop - start).days


def waits(r: dict[str, Any]) -> dict[str, int | None]:
    """The CWT adjustments [S16, S24] table, row by row."""
    adj_fs = r["adjustment_first_seen_days"] or 0
    adj_t = r["adjustment_treatment_days"] or 0
    referral, seen, treated = r["referral_received_date"], r["date_first_seen"], r["treatment_start_date"]
    result: dict[str, int | None] = {}
    result["2ww"] = _days(seen, referral) - adj_fs if seen and referral else None
    stops = [d for d in (r["fds_end_date"], r["decision_to_treat_date"]) if d]
    result["fds"] = _days(min(stops), referral) - adj_fs if stops and referral else None
    dtt = r["decision_to_treat_date"]
    result["31d"] = _days(treated, dtt) - adj_t if treated and dtt else None
    if route(r) == "upgrade":
        start = r["consultant_upgrade_date"]
        fs = 0 if seen is not None and start > seen else adj_fs
    else:
        start, fs = referral, adj_fs
    transfer = r["transfer_to_treatment_date"]
    result["62d"] = _days(treated, start) - fs - adj_t if treated and start else None
    result["38"] = _days(transfer, start) - fs if transfer and start else None
    result["24"] = _days(treated, transfer) - adj_t if treated and transfer else None
    return result


def shares_62d(r: dict[str, Any]) -> list[tuple[str | None, float, str, int | None]]:
    """(provider, share, allocation, scenario) rows of a treated first treatment on a route (breach
    allocation [S6, S40])."""
    treating = r["provider_treatment"]
    accountable = r["accountable_investigating_provider"]
    investigating = accountable or r["provider_consultant_upgrade"] or r["provider_first_seen"]
    if investigating is None or treating is None or investigating == treating:
        return [(treating, 1.0, "solo", None)]
    if (
        r["treatment_start_date"] < SIX_SCENARIOS_FROM
        or accountable is None
        or r["transfer_to_treatment_date"] is None
    ):
        return [(investigating, 0.5, "fifty_fifty", None), (treating, 0.5, "fifty_fifty", None)]
    w = waits(r)
    scenario, to_investigating, to_treating = SCENARIOS[(w["62d"] <= 62, w["38"] <= 38, w["24"] <= 24)]
    return [
        (investigating, to_investigating, "six_scenario", scenario),
        (treating, to_treating, "six_scenario", scenario),
    ]
