"""Reading the NHS.UK date input (day, month and year in three boxes) into a date, with the design
system's error messages: "Enter the clinic date", "Clinic date must include a month", "Clinic date must
be a real date" (NHS digital service manual, date input component, "Error messages"). Used wherever a
page asks for a date, instead of the browser's date picker, which the manual advises against for dates
people know or read from a letter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

PARTS = ("day", "month", "year")


@dataclass(frozen=True)
class DateAnswer:
    """What was typed, the date it makes (None if blank or unusable), and the error with the parts to
    mark (empty when the whole date is wrong)."""

    day: str
    month: str
    year: str
    date: dt.date | None
    error: str | None = None
    wrong: tuple[str, ...] = ()

    @property
    def blank(self) -> bool:
        return not (self.day or self.month or self.year)

    def values(self) -> dict[str, str]:
        """The typed parts, for showing them again with the error."""
        return {"day": self.day, "month": self.month, "year": self.year}


def read_date(label: str, day: str, month: str, year: str) -> DateAnswer:
    """The date typed as `day`/`month`/`year` for the field called `label` (e.g. "Clinic date").
    All blank is not an error here: whether the date is needed is the caller's to say (for follow-up,
    the action table's)."""
    typed = (day.strip(), month.strip(), year.strip())
    answer = dict(zip(PARTS, typed, strict=True))
    if not any(typed):
        return DateAnswer(*typed, None)
    absent = tuple(part for part in PARTS if not answer[part])
    if absent:
        names = " and a ".join(absent)
        return DateAnswer(*typed, None, f"{label} must include a {names}", absent)
    if not all(part.isdigit() for part in typed):
        return DateAnswer(*typed, None, f"{label} must be a real date")
    if len(typed[2]) != 4:
        return DateAnswer(*typed, None, "Year must include 4 numbers", ("year",))
    try:
        return DateAnswer(*typed, dt.date(int(typed[2]), int(typed[1]), int(typed[0])))
    except ValueError:
        return DateAnswer(*typed, None, f"{label} must be a real date")
