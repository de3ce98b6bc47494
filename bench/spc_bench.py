"""SPC benchmark (issue 5): Making Data Count SPC over 10,000 series of 36 monthly points in one call.
Target: under 3 s. Prints the figure; run by `make bench` (never a timed unit test)."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from cancer_alliance.stats.spc import SpcOptions, spc, summary

SERIES = 10_000
POINTS = 36
TARGET_SECONDS = 3.0


def series_table(seed: int = 0) -> pd.DataFrame:
    """Generated monthly performance-like series (fractions around 0.8 with a few steps and outliers)."""
    rng = np.random.default_rng(seed)
    y = rng.normal(0.8, 0.03, (SERIES, POINTS))
    y[:, POINTS // 2 :] += rng.choice([0.0, 0.05], SERIES)[:, None]
    months = pd.date_range("2021-04-01", periods=POINTS, freq="MS")
    return pd.DataFrame(
        {"series": np.repeat(np.arange(SERIES), POINTS), "x": np.tile(months, SERIES), "y": y.ravel()}
    )


def main() -> None:
    table = series_table()
    options = SpcOptions(target=0.85)
    started = time.perf_counter()
    points = spc(table, options, series=["series"])
    per_series = summary(points, options, series=["series"])
    elapsed = time.perf_counter() - started
    verdict = "ok" if elapsed < TARGET_SECONDS else "SLOWER THAN TARGET"
    print(
        f"spc: {SERIES:,} series x {POINTS} points ({len(points):,} points, {len(per_series):,} summaries) "
        f"in {elapsed:.2f} s (target < {TARGET_SECONDS:.0f} s: {verdict})"
    )


if __name__ == "__main__":
    main()
