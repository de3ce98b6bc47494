"""Statistical disclosure control: one function, `publish()`, applied to every public output just
before it is written (design.md "Statistics"; the habit of OpenSAFELY ehrQL's
`ehrql/measures/disclosure_control.py`).

By default a count in (0, 7] is withheld (null, with `<count>_suppressed` true) and every other count is
rounded to the nearest 5 (halves round up: 12.5 -> 15). Rates are then recomputed from the published
counts, so no rate reveals a withheld count. Differences from ehrQL, each deliberate:

- ehrQL publishes a withheld count as 0; here it is null plus a flag, so it never reads as "no patients";
- a true 0 is published as 0 and not flagged: it is not disclosive, and ehrQL also shows 0 for it;
- CWT counts can be halves (a shared pathway counts 0.5 to each provider): 0.5 to 7 are withheld like
  1 to 7, and 7.5 is published (rounded to 10).

National totals can be exempted (`exempt_national=True` and a boolean column marking national rows):
they are then published exactly, neither withheld nor rounded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Counts of 1 to 7 are withheld (ehrQL `SUPPRESSION_THRESHOLD = 7`; NHS England's and OpenSAFELY's
#: small-number rules).
SUPPRESSION_THRESHOLD = 7
#: Published counts are multiples of 5 (ehrQL `ROUNDING_MULTIPLE = 5`).
ROUNDING_MULTIPLE = 5

SUPPRESSED_SUFFIX = "_suppressed"


@dataclass(frozen=True)
class DisclosurePolicy:
    """Disclosure control for every public output; `enabled=False` must be passed by name to opt out.

    Who is public: a signed-out visitor always; signed-in users too unless `signed_in_exact` (NHS staff
    with a role see management information exactly, docs/decisions/0035)."""

    suppress_up_to: float = SUPPRESSION_THRESHOLD
    round_to: int = ROUNDING_MULTIPLE
    enabled: bool = True
    exempt_national: bool = False
    signed_in_exact: bool = True

    def applies(self, signed_in: bool) -> bool:
        """Whether a viewer (signed in or not) gets the published figures rather than exact ones."""
        return self.enabled and not (signed_in and self.signed_in_exact)

    def __post_init__(self) -> None:
        if self.suppress_up_to < 0 or self.round_to < 1:
            raise ValueError("suppress_up_to must be >= 0 and round_to >= 1")


@dataclass(frozen=True)
class Rate:
    """A rate column recomputed from two count columns after control: numerator / denominator x scale."""

    name: str
    numerator: str
    denominator: str
    scale: float = 1.0


def _controlled(
    values: np.ndarray, policy: DisclosurePolicy, exempt: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(invalid="ignore"):
        suppressed = (values > 0) & (values <= policy.suppress_up_to) & ~exempt
        rounded = np.floor(values / policy.round_to + 0.5) * policy.round_to
    published = np.where(exempt, values, np.where(suppressed, np.nan, rounded))
    return published, suppressed


def publish(
    table: pd.DataFrame,
    counts: Sequence[str],
    rates: Sequence[Rate] = (),
    policy: DisclosurePolicy | None = None,
    *,
    national: str | None = None,
) -> pd.DataFrame:
    """A copy of `table` with each count column controlled, a `<count>_suppressed` flag beside it, and
    each rate recomputed from the published counts (null when either count is withheld or the
    denominator is 0). `national` names a boolean column of rows exempt under `exempt_national`."""
    policy = policy or DisclosurePolicy()
    result = table.copy()
    exempt = np.zeros(len(table), dtype=bool)
    if policy.exempt_national and national is not None:
        exempt = table[national].fillna(False).to_numpy(dtype=bool)
    for name in counts:
        values = pd.to_numeric(table[name], errors="raise").to_numpy(dtype=float)
        if (values < 0).any():
            raise ValueError(f"{name}: counts cannot be negative")
        if policy.enabled:
            published, suppressed = _controlled(values, policy, exempt)
        else:
            published, suppressed = values, np.zeros(len(values), dtype=bool)
        result[name] = published
        result.insert(result.columns.get_loc(name) + 1, name + SUPPRESSED_SUFFIX, suppressed)
    for rate in rates:
        numerator = result[rate.numerator].to_numpy(dtype=float)
        denominator = result[rate.denominator].to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            result[rate.name] = np.where(denominator > 0, numerator / denominator * rate.scale, np.nan)
    return result


def withhold(published: pd.DataFrame, raw: pd.DataFrame, marked: pd.DataFrame) -> pd.DataFrame:
    """`published` (rows of `raw` after `publish`) with each count marked in `marked` (a boolean column
    per count: the complements of secondary suppression, docs/decisions/0054) withheld too; a count of
    0 stays shown."""
    out = published.copy()
    for name in marked.columns:
        hit = marked[name] & (raw[name] != 0)
        out[name] = out[name].where(~hit)
        out.loc[hit, name + SUPPRESSED_SUFFIX] = True
    return out


def marked_counts(
    keys: list[tuple], chosen: set[tuple], names: Sequence[str], index: pd.Index
) -> pd.DataFrame:
    """A boolean column per count of `names`: whether (*row key, count) is in `chosen`, for rows keyed
    by `keys` (in the order of `index`)."""
    return pd.DataFrame({n: [(*key, n) in chosen for key in keys] for n in names}, index=index, dtype=bool)
