"""Wilson score intervals for proportions (Wilson EB, J Am Stat Assoc 1927;22:209; recommended for
public health proportions by the Association of Public Health Observatories' technical briefing 3,
"Commonly used public health statistics and their confidence intervals", 2008)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

#: Two-sided 95% normal quantile, Phi^-1(0.975).
Z_95 = 1.959963984540054


def wilson(successes: npt.ArrayLike, trials: npt.ArrayLike, z: float = Z_95) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper Wilson limits of successes / trials, element-wise; NaN where trials is 0 or
    missing. Works on counts that are halves (CWT shares) as on whole ones."""
    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / n
        denominator = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denominator
        half_width = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
    empty = ~(n > 0)
    lower = np.where(empty, np.nan, np.clip(centre - half_width, 0.0, 1.0))
    upper = np.where(empty, np.nan, np.clip(centre + half_width, 0.0, 1.0))
    return lower, upper
