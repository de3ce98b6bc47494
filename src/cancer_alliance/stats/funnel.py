"""Funnel plots for proportions: control limits around the overall rate that narrow as the
denominator grows, and each unit flagged against them (Spiegelhalter DJ, "Funnel plots for comparing
institutional performance", Stat Med 2005;24:1185; 95% and 99.8% limits, i.e. about 2 and 3 standard
deviations).

Limits use the normal approximation to the binomial, p0 +/- z sqrt(p0 (1 - p0) / n), clipped to
[0, 1]; Spiegelhalter's exact binomial limits differ only for small denominators (stats/README.md,
"Deviations").
No over-dispersion adjustment is made (add one before judging units on very large denominators).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

#: Two-sided normal quantiles: 95% (Phi^-1(0.975)) and 99.8% (Phi^-1(0.999)) limits.
Z_95 = 1.959963984540054
Z_998 = 3.090232306167813

FLAGS = ("above_99.8", "above_95", "within_95", "below_95", "below_99.8")


def limits_at(p0: float, n: np.ndarray | Sequence[float], z: float) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper funnel limits at denominators n."""
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = z * np.sqrt(p0 * (1 - p0) / n)
    return np.clip(p0 - half, 0.0, 1.0), np.clip(p0 + half, 0.0, 1.0)


def funnel(table: pd.DataFrame, numerator: str, denominator: str) -> tuple[pd.DataFrame, float]:
    """Each row of `table` (one unit: a trust, CCG or alliance) with its proportion, the 95% and 99.8%
    limits at its denominator and `funnel_flag` (FLAGS); and the overall rate p0 = sum numerators / sum
    denominators. Units with a zero denominator get no proportion and no flag."""
    num = table[numerator].to_numpy(dtype=float)
    den = table[denominator].to_numpy(dtype=float)
    usable = den > 0
    p0 = float(num[usable].sum() / den[usable].sum()) if usable.any() else float("nan")
    with np.errstate(invalid="ignore", divide="ignore"):
        proportion = np.where(usable, num / den, np.nan)
    lower_95, upper_95 = limits_at(p0, den, Z_95)
    lower_998, upper_998 = limits_at(p0, den, Z_998)
    flag = np.select(
        [
            proportion > upper_998,
            proportion > upper_95,
            proportion < lower_998,
            proportion < lower_95,
            usable,
        ],
        ["above_99.8", "above_95", "below_99.8", "below_95", "within_95"],
        default=None,
    )
    result = table.assign(
        proportion=proportion,
        lower_95=lower_95,
        upper_95=upper_95,
        lower_998=lower_998,
        upper_998=upper_998,
        funnel_flag=flag,
    )
    return result, p0


def funnel_curve(
    p0: float, max_denominator: float, points: int = 100, min_denominator: float = 1.0
) -> pd.DataFrame:
    """The limit lines for drawing: denominators from min_denominator to max_denominator (geometric
    steps)."""
    low = max(min_denominator, 1.0)
    n = np.unique(np.geomspace(low, max(max_denominator, low), points))
    lower_95, upper_95 = limits_at(p0, n, Z_95)
    lower_998, upper_998 = limits_at(p0, n, Z_998)
    return pd.DataFrame(
        {
            "denominator": n,
            "p0": p0,
            "lower_95": lower_95,
            "upper_95": upper_95,
            "lower_998": lower_998,
            "upper_998": upper_998,
        }
    )
