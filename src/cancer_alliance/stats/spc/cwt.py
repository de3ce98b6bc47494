"""SPC on CWT performance (issue 5 item 5): every trust's or alliance's monthly performance against
each standard as its own XmR series, with the standard's threshold as the target.

Input is the table `cancer_alliance.cwt.performance.performance(..., by=["month", "provider"])` (or
"alliance") produces, as pandas: standard_id, reporting_month (YYYY-MM), the organisation column,
performance (a fraction) and threshold. Higher performance is better. Months with no patients
(performance null) are left out of the series rather than drawn as zero.
"""

from __future__ import annotations

import pandas as pd

from cancer_alliance.errors import InputError
from cancer_alliance.stats.spc.assurance import ImprovementDirection
from cancer_alliance.stats.spc.small_numbers import quieten
from cancer_alliance.stats.spc.spc import SpcOptions, spc, summary

LEVELS = ("provider", "alliance")


def cwt_spc(
    performance: pd.DataFrame,
    level: str = "provider",
    options: SpcOptions | None = None,
    min_patients: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(points, summaries): one row per standard, organisation and month with mean, lpl, upl and
    point_type; one row per standard and organisation with variation_type, variation_icon and
    assurance_type against the latest threshold (null for standards without one). A month with fewer
    than `min_patients` patients (column `total`, when given) claims no signal
    (`small_numbers.quieten`)."""
    if level not in LEVELS:
        raise InputError(f"level must be one of {', '.join(LEVELS)} (got {level!r})")
    needed = ["standard_id", "reporting_month", level, "performance", "threshold"]
    missing = [name for name in needed if name not in performance.columns]
    if missing:
        raise InputError(f"performance table: column {missing[0]!r} is missing")
    options = options or SpcOptions(improvement_direction=ImprovementDirection.increase)
    series = ["standard_id", level]
    kept = [*needed, "total"] if "total" in performance.columns else needed
    table = performance.loc[performance["performance"].notna(), kept].copy()
    table["x"] = pd.to_datetime(table["reporting_month"], format="%Y-%m")
    table["y"] = table["performance"].astype(float)
    points = quieten(spc(table, options, series=series), "total", min_patients)
    return points, summary(points, options, series=series, target_column="threshold")
