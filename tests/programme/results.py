"""A small results folder for the programme tests: the alliance performance table the CWT metric source
and the waiting-times page read (East of England improving towards 85% on the 62-day standard)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

EAST = "E56000009"
MONTHS = [f"2018-{m:02d}" for m in range(4, 13)] + ["2019-01", "2019-02", "2019-03"]
#: 62-day performance of East of England by month: 0.78 in April 2018 up to 0.83 in March 2019.
WITHIN_OF_100 = dict(zip(MONTHS, [78, 79, 78, 80, 79, 80, 81, 80, 82, 81, 82, 83], strict=True))


def write_performance(home: Path) -> None:
    rows = []
    for month in MONTHS:
        for standard, threshold, within in (("62d_usc", 0.85, WITHIN_OF_100[month]), ("2ww", 0.93, 95)):
            for alliance, scale in ((EAST, 1), ("E56000018", 2)):
                total = 100.0 * scale
                rows.append(
                    {
                        "standard_id": standard,
                        "reporting_month": month,
                        "alliance": alliance,
                        "total": total,
                        "within": float(within * scale),
                        "breaches": total - within * scale,
                        "performance": within / 100,
                        "threshold": threshold,
                        "meets_threshold": within / 100 >= threshold,
                    }
                )
    results = home / "results"
    results.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_parquet(results / "performance_month_alliance.parquet", index=False)
