"""Technique and fractionation mix over time: courses by month of first fraction and provider, by
technique, and radical breast and prostate courses by schedule (dose, fractions). DataFrame rules for
the pages' "mix over time" charts (README.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cancer_alliance.engine import functions

#: Sites whose radical schedules the pages show (the hypofractionation checks' sites).
SITES = {"C50": "breast", "C61": "prostate"}


def technique_mix(courses: Any) -> Any:
    """month (yyyy-mm), provider_code, technique (blank = not recorded), courses."""
    F = functions(courses)
    return courses.groupBy(
        F.date_format(F.col("start_date"), "yyyy-MM").alias("month"),
        "provider_code",
        F.coalesce(F.col("technique"), F.lit("not recorded")).alias("technique"),
    ).agg(F.count(F.lit(1)).alias("courses"))


def fractionation_mix(courses: Any, sites: Sequence[str] = tuple(SITES)) -> Any:
    """month, provider_code, site (ICD-10 prefix), prescribed_dose_gy, fractions, courses: radical
    courses of the given sites."""
    F = functions(courses)
    site = F.lit(None).cast("string")
    for prefix in reversed(sites):
        site = F.when(F.coalesce(F.col("icd10").startswith(prefix), F.lit(False)), F.lit(prefix)).otherwise(
            site
        )
    chosen = courses.where(F.col("intent") == "radical").select(
        F.date_format(F.col("start_date"), "yyyy-MM").alias("month"),
        "provider_code",
        site.alias("site"),
        "prescribed_dose_gy",
        "fractions",
    )
    return (
        chosen.where(F.col("site").isNotNull())
        .groupBy("month", "provider_code", "site", "prescribed_dose_gy", "fractions")
        .agg(F.count(F.lit(1)).alias("courses"))
    )
