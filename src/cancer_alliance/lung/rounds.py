"""Screening rounds (Goodley et al., BMJ Open Respir Res 2024): an eligible participant is screened every 2
years
(`round_interval_months`) while under 75 (`last_round_before_age`); an indeterminate result is first
followed up by interval CT (BTS 2015, `nodules.py`) and a positive one leaves screening for the lung
cancer pathway. The schedule is only partly verified, so both numbers are settings."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from cancer_alliance.lung.settings import DEFAULT_SETTINGS, LungSettings


@dataclass(frozen=True)
class NextRound:
    due: dt.date | None
    reason: str


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus whole months; the last day of the month when the day does not exist (31 Aug + 6)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_round(
    ldct_date: dt.date, age_at_ldct: int, result: str | None, settings: LungSettings = DEFAULT_SETTINGS
) -> NextRound:
    """When the next screening round is due after an LDCT on `ldct_date`, and why (None: no more)."""
    if result == "positive":
        return NextRound(None, "Referred to the lung cancer pathway: no further screening round")
    due = add_months(ldct_date, settings.round_interval_months)
    age_then = age_at_ldct + settings.round_interval_months // 12
    if age_then >= settings.last_round_before_age:
        return NextRound(
            None, f"Aged {age_then} at the next round: rounds end at {settings.last_round_before_age}"
        )
    why = f"Next round {settings.round_interval_months} months after the last scan"
    if result == "indeterminate":
        why += ", after the nodule follow-up CT"
    return NextRound(due, why)
