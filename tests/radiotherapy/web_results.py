"""A small radiotherapy results set for the web tests (tests/web/conftest.py `build_home` calls it):
two East of England centres, computed by the real rules on DuckDB. Generated data, not patients."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cancer_alliance.engine import open_engine
from cancer_alliance.radiotherapy.results_files import write_results
from cancer_alliance.schemas import schema

AS_OF = dt.date(2019, 4, 1)
LINACS = [
    ("RM1-LA01", "RM1", dt.date(2009, 3, 1), None, None, True, True, True),
    ("RM1-LA02", "RM1", dt.date(2016, 5, 1), None, None, True, True, False),
    ("RGT-LA01", "RGT", dt.date(2012, 1, 1), dt.date(2018, 1, 1), None, True, False, False),
]


def courses() -> list[dict]:
    rows = []
    schedules = [
        ("C50.9", 40.0, 15, "imrt"),
        ("C50.9", 26.0, 5, "imrt"),
        ("C61", 60.0, 20, "imrt"),
        ("C34.1", 55.0, 20, "conventional"),
    ]
    for i in range(120):
        icd10, dose, fractions, technique = schedules[i % len(schedules)]
        rows.append(
            {
                "course_id": f"c{i}",
                "nhs_number": "pseudonym",
                "provider_code": "RM1" if i % 3 else "RGT",
                "age": 60 + i % 20,
                "icd10": icd10,
                "intent": "radical" if i % 5 else "palliative",
                "technique": technique,
                "start_date": dt.date(2018, 4, 2) + dt.timedelta(days=3 * i),
                "prescribed_dose_gy": dose,
                "fractions": fractions,
            }
        )
    return rows


def write_radiotherapy_results(results: Path) -> None:
    engine = open_engine("duckdb")
    linac_schema = schema("linac")
    linacs = engine.frame(
        linac_schema, [dict(zip(linac_schema.column_names, row, strict=True)) for row in LINACS]
    )
    course_frame = engine.frame(schema("radiotherapy_course"), courses())
    write_results(course_frame, linacs, None, results, AS_OF)
