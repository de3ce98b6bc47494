"""Targeting (issue #10 item 5): rank CCGs for the lung health check programme by a supplied lung
cancer survival table, or a proxy for it (for example the share of lung cancers diagnosed at stage 1
or 2), lowest first: the programme was for the areas with the lowest lung cancer survival (design.md,
NHS England's Lung Health Check pilots). Plain Python over the supplied rows; the map is drawn by the
web's England map code over the CCG boundaries in reference data.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cancer_alliance import reference
from cancer_alliance.errors import InputError


@dataclass(frozen=True)
class RankedCcg:
    ccg_code: str
    name: str
    alliance_code: str | None
    value: float
    rank: int  # 1 = lowest survival (first to target)
    chosen: bool


def rank_ccgs(
    rows: Iterable[Mapping[str, Any]],
    *,
    choose: int,
    value: str = "survival",
    version: str = "2018/19",
    source: str = "survival table",
) -> list[RankedCcg]:
    """CCGs ranked by `value` ascending (ties by code), the first `choose` marked chosen. Each row needs
    `ccg_code` (a CCG of `version`) and a number in `value`; anything else is an InputError naming
    the row (1 = first data row) and field. A CCG given twice is refused, never silently merged."""
    known = {ccg.ons_code: ccg for ccg in reference.ccgs(version)} if version else {}
    seen: dict[str, float] = {}
    for number, row in enumerate(rows, start=1):
        code = str(row.get("ccg_code") or "").strip()
        if code not in known:
            raise InputError(f"{source} row {number}, ccg_code: not a CCG of {version}")
        if code in seen:
            raise InputError(f"{source} row {number}, ccg_code: given twice")
        try:
            number_value = float(row.get(value))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise InputError(f"{source} row {number}, {value}: not a number") from None
        if math.isnan(number_value):
            raise InputError(f"{source} row {number}, {value}: not a number")
        seen[code] = number_value
    if choose < 0:
        raise ValueError("choose: a number of CCGs, 0 or more")
    ordered = sorted(seen.items(), key=lambda item: (item[1], item[0]))
    return [
        RankedCcg(
            ccg_code=code,
            name=known[code].name,
            alliance_code=known[code].alliance_code,
            value=amount,
            rank=rank,
            chosen=rank <= choose,
        )
        for rank, (code, amount) in enumerate(ordered, start=1)
    ]
