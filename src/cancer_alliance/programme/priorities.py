"""The ten priorities of the 2018/19 Cancer Alliances (design.md, "What it is for"): tags on case
studies and the pages of the board pack. Data: `data/priorities.csv`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from cancer_alliance.programme._data import read_rows


@dataclass(frozen=True)
class Priority:
    priority_id: str
    title: str
    board_section: str | None  # the board pack section that reports it (None: not in the pack)


@cache
def priorities() -> tuple[Priority, ...]:
    """The ten priorities, in the order design.md lists them."""
    return tuple(
        Priority(row["priority_id"], row["title"], row["board_section"] or None)
        for row in read_rows("priorities.csv")
    )


def priority_ids() -> tuple[str, ...]:
    return tuple(priority.priority_id for priority in priorities())


def priority_title(priority_id: str) -> str:
    for priority in priorities():
        if priority.priority_id == priority_id:
            return priority.title
    raise KeyError(priority_id)
