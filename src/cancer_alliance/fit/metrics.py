"""Rates, Wilson 95% intervals and the standards from FIT programme counts (`rules.programme_counts`).
Public tables go through `publish_metrics`: disclosure control on the counts first, then every rate from
the published counts (stats/disclosure.py, docs/decisions/0006).

    uptake                     = screened / invited
    positivity                 = positive / screened
    conversion                 = investigated / positive
    ppv_cancer                 = cancers / investigated
    ppv_hra                    = high_risk_adenomas / investigated
    cancer_detection_per_1000  = 1000 x cancers / screened
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from cancer_alliance.fit.rules import COUNT_COLUMNS
from cancer_alliance.fit.settings import DEFAULT_SETTINGS, FitSettings, standards
from cancer_alliance.stats.disclosure import DisclosurePolicy, publish, withhold
from cancer_alliance.stats.intervals import wilson

#: (rate, numerator, denominator, scale): fractions 0..1, detection per 1,000 screened.
RATES = (
    ("uptake", "screened", "invited", 1.0),
    ("positivity", "positive", "screened", 1.0),
    ("conversion", "investigated", "positive", 1.0),
    ("ppv_cancer", "cancers", "investigated", 1.0),
    ("ppv_hra", "high_risk_adenomas", "investigated", 1.0),
    ("cancer_detection_per_1000", "cancers", "screened", 1000.0),
)

#: The CLI's columns after the groups, in order (issue #13 item 5).
OUTPUT_COLUMNS = (
    "invited",
    "screened",
    "uptake",
    "positive",
    "positivity",
    "investigated",
    "conversion",
    "cancers",
    "high_risk_adenomas",
    "ppv_cancer",
    "ppv_hra",
    "cancer_detection_per_1000",
)


def interval_columns() -> list[str]:
    return [f"{rate}_{end}_95" for rate, *_ in RATES for end in ("lower", "upper")]


def _ratio(numerator: pd.Series, denominator: pd.Series, scale: float) -> np.ndarray:
    num = pd.to_numeric(numerator).to_numpy(dtype=float)
    den = pd.to_numeric(denominator).to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den * scale, np.nan)


def metrics(counts: pd.DataFrame) -> pd.DataFrame:
    """`counts` with every rate and its Wilson 95% interval (`<rate>_lower_95`, `<rate>_upper_95`; for
    detection per 1,000 the interval is scaled too); null where a denominator is 0 or a count withheld."""
    result = counts.copy()
    for rate, numerator, denominator, scale in RATES:
        result[rate] = _ratio(counts[numerator], counts[denominator], scale)
        lower, upper = wilson(counts[numerator], counts[denominator])
        result[f"{rate}_lower_95"] = lower * scale
        result[f"{rate}_upper_95"] = upper * scale
    return result


def publish_metrics(
    counts: pd.DataFrame, policy: DisclosurePolicy | None = None, complements: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Disclosure-controlled counts (null + `<count>_suppressed`) and every rate from them; the median
    is withheld where the investigated count is. The counts marked in `complements` (a boolean column
    per count: secondary suppression, `fit.published.complements`) are withheld as well."""
    published = publish(counts, list(COUNT_COLUMNS), policy=policy)
    if complements is not None:
        published = withhold(published, counts, complements)
    published = metrics(published)
    if "median_days_result_to_test" in published:
        withheld = published["investigated"].isna() | (published["investigated"] == 0)
        published["median_days_result_to_test"] = published["median_days_result_to_test"].where(~withheld)
    return published


def output_table(table: pd.DataFrame, by: Sequence[str], *, intervals: bool = False) -> pd.DataFrame:
    """The CLI's columns: groups, OUTPUT_COLUMNS, and with `intervals` the Wilson limits and the median."""
    extra = [*interval_columns(), "median_days_result_to_test"] if intervals else []
    ordered = table.sort_values(list(by), na_position="last") if by else table
    return ordered[[*by, *OUTPUT_COLUMNS, *extra]].reset_index(drop=True)


def against_standards(
    table: pd.DataFrame, on: dt.date, settings: FitSettings = DEFAULT_SETTINGS
) -> list[dict[str, object]]:
    """Each standard in force on `on` against the rows of `table`: its metric value, target and whether
    met (None where the value is missing), with the source."""
    found = []
    for standard_id in sorted({s.standard_id for s in standards()}):
        standard = settings.standard(standard_id, on)
        if standard is None:
            continue
        for value in table[standard.metric].to_numpy(dtype=float):
            found.append(
                {
                    "standard_id": standard.standard_id,
                    "metric": standard.metric,
                    "target": standard.target,
                    "level": standard.level,
                    "value": None if np.isnan(value) else float(value),
                    "met": None if np.isnan(value) else standard.met(float(value)),
                    "source": standard.source,
                }
            )
    return found
