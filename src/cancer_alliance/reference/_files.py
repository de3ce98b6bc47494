"""Reading the reference data files that ship inside this package (data, not code)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from importlib import resources
from importlib.resources.abc import Traversable
from typing import TypeVar

T = TypeVar("T")


def path(relative: str) -> Traversable:
    """A file under `cancer_alliance/reference/`, e.g. `path("cwt/standards.csv")`."""
    return resources.files(__package__).joinpath(relative)


def read_rows(relative: str) -> list[dict[str, str]]:
    """The rows of a packaged CSV as strings (codes keep their leading zeros)."""
    text = path(relative).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def parse_rows(relative: str, build: Callable[[dict[str, str]], T]) -> list[T]:
    """Build one object per CSV row; a bad row raises ValueError naming file and line."""
    parsed = []
    for line, row in enumerate(read_rows(relative), start=2):
        try:
            parsed.append(build(row))
        except (KeyError, ValueError) as error:
            raise ValueError(f"reference/{relative} line {line}: {error}") from None
    return parsed


def optional_date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def optional_float(text: str) -> float | None:
    return float(text) if text else None


def optional_int(text: str) -> int | None:
    return int(text) if text else None


def boolean(text: str) -> bool:
    """'true'/'false' (any case) as written in the reference CSVs."""
    lowered = text.strip().lower()
    if lowered not in {"true", "false"}:
        raise ValueError(f"not a boolean: {text!r}")
    return lowered == "true"


def words(text: str) -> tuple[str, ...]:
    """A space-separated list cell, e.g. 'usc screening' -> ('usc', 'screening'); blank -> ()."""
    return tuple(text.split())


class Dated:
    """A reference row in force from `effective_from` to `effective_to`, both included; a blank date
    is an open end. Mixed into the frozen dataclasses that declare the two fields."""

    effective_from: date | None
    effective_to: date | None

    def in_force(self, day: date) -> bool:
        """Whether this row applies on `day`."""
        start, end = self.effective_from, self.effective_to
        return (start is None or start <= day) and (end is None or day <= end)
