"""Proportions, Wilson 95% intervals and completeness from early-diagnosis counts (patient-level or
NDRS), and the comparison with the ambitions. Public tables go through `published.publish_metrics`, which
applies disclosure control to the counts first and then computes every proportion from the published counts.

    early_stage_proportion = stage_early / stage_staged                        (NHS Digital/NDRS stage method)
    stage_completeness     = stage_staged / (stage_staged + stage_missing)     (NHS Digital/NDRS stage
    method, reported beside it)
    emergency_proportion   = emergency / route_known                           (Routes to Diagnosis,
    Elliss-Brookes et al., Br J Cancer 2012)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cancer_alliance.early_diagnosis.definitions import ambitions
from cancer_alliance.stats.intervals import wilson

METRIC_COLUMNS = (
    "early_stage_proportion",
    "early_stage_lower_95",
    "early_stage_upper_95",
    "stage_completeness",
    "emergency_proportion",
    "emergency_lower_95",
    "emergency_upper_95",
)


def _ratio(numerator: pd.Series, denominator: pd.Series) -> np.ndarray:
    num = numerator.to_numpy(dtype=float)
    den = denominator.to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


def metrics(counts: pd.DataFrame) -> pd.DataFrame:
    """`counts` with the METRIC_COLUMNS added (fractions, unrounded; null where a denominator is 0 or
    a count is withheld)."""
    early_lower, early_upper = wilson(counts["stage_early"], counts["stage_staged"])
    emergency_lower, emergency_upper = wilson(counts["emergency"], counts["route_known"])
    return counts.assign(
        early_stage_proportion=_ratio(counts["stage_early"], counts["stage_staged"]),
        early_stage_lower_95=early_lower,
        early_stage_upper_95=early_upper,
        stage_completeness=_ratio(counts["stage_staged"], counts["stage_staged"] + counts["stage_missing"]),
        emergency_proportion=_ratio(counts["emergency"], counts["route_known"]),
        emergency_lower_95=emergency_lower,
        emergency_upper_95=emergency_upper,
    )


def against_ambitions(table: pd.DataFrame) -> pd.DataFrame:
    """One row per input row and ambition: the early-stage proportion, the ambition's target and by-period,
    the gap in percentage points and whether it is met. The ambitions and their sources are data
    (`data/ambitions.csv`)."""
    frames = []
    for ambition in ambitions():
        value = table[ambition.metric].to_numpy(dtype=float)
        frames.append(
            table.assign(
                ambition_id=ambition.ambition_id,
                target_proportion=ambition.target_proportion,
                by_period=ambition.by_period,
                gap_pp=100 * (value - ambition.target_proportion),
                met=np.where(np.isnan(value), None, value >= ambition.target_proportion),
                ambition_source=ambition.source,
            )
        )
    return pd.concat(frames, ignore_index=True)
