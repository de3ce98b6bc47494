"""The metrics a deliverable or a case study can be linked to: a small registry of sources, so other
domains (pathway milestones, screening, lung health checks, follow-up, radiotherapy) add theirs with one
`register()` call each.

A source gives, for one alliance, its series: one row per period with `month` (YYYY-MM; an annual
metric gives its calendar year's months the year's value), `value`, and when known `numerator` and
`denominator` (counts, for disclosure control). Shipped now:

* `cwt:<standard_id>`: every CWT standard, the alliance's monthly performance from
  `ALLIANCE_HOME/results/performance_month_alliance.parquet` (written by `alliance results refresh`).
* `early_diagnosis:early_stage_proportion`: the alliance's proportion of staged cancers at stage 1-2 by
  calendar year, from the real NDRS counts (`early_diagnosis.ndrs`, 2018/19 alliances via successors).
* `pathways:<tumour>:<milestone>`: the share of the alliance's timed pathways meeting a main milestone
  (`pathways.metrics.MAIN_MILESTONES`) by month of day 0, from `results/pathway_trend.parquet`.
* `fit:uptake`, `fit:positivity`: bowel screening uptake (screened of invited) and positivity
  (positive of screened) by month of invitation, from `results/fit_month.parquet`. Positivity has no
  better direction; a trajectory on it is read as "at or above".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from cancer_alliance.config import results_dir
from cancer_alliance.errors import InputError
from cancer_alliance.results.catalogue import path as result_path
from cancer_alliance.stats.disclosure import DisclosurePolicy, Rate, publish

SERIES_COLUMNS = ("month", "value", "numerator", "denominator")

Loader = Callable[[Path, str], pd.DataFrame]


@dataclass(frozen=True)
class MetricSource:
    """One linkable metric: `key` as stored on a deliverable, its label and domain (a priority id),
    whether a higher value is better, whether it is a proportion, and how to read it."""

    key: str
    label: str
    priority: str
    load: Loader
    higher_is_better: bool = True
    proportion: bool = True
    annual: bool = False
    #: Months of the alliance's series withheld from the public as complements of the public tables
    #: (docs/decisions/0051), for metrics read from them.
    complements: Callable[[Path, str], set[str]] | None = None

    def series(self, home: Path, alliance_code: str) -> pd.DataFrame:
        """The alliance's series, oldest first (empty when the results are not there yet)."""
        frame = self.load(home, alliance_code)
        for column in SERIES_COLUMNS:
            if column not in frame.columns:
                frame[column] = None
        return frame.loc[:, list(SERIES_COLUMNS)].sort_values("month").reset_index(drop=True)

    def actuals(
        self, home: Path, alliance_code: str, policy: DisclosurePolicy | None = None
    ) -> dict[str, float]:
        """Month -> value. Under a disclosure `policy` the value is worked out from the published counts
        and a month with a withheld count has none, so a deliverable never shows a percentage that
        contradicts the published scorecard or pins down a withheld count (docs/decisions/0035)."""
        frame = self.series(home, alliance_code)
        if policy is not None and policy.enabled:
            frame = publish(
                frame.astype({"numerator": float, "denominator": float}),
                ["numerator", "denominator"],
                [Rate("value", "numerator", "denominator")],
                policy,
            )
            if self.complements is not None:
                withheld = self.complements(home, alliance_code)
                frame.loc[frame["month"].isin(withheld), "value"] = float("nan")
        frame = frame[frame["value"].notna()]
        return dict(zip(frame["month"], frame["value"].astype(float), strict=True))


_REGISTRY: dict[str, MetricSource] = {}


def register(source: MetricSource) -> MetricSource:
    """Add a source (a domain's module calls this once per metric at import)."""
    if source.key in _REGISTRY and _REGISTRY[source.key] != source:
        raise ValueError(f"metric {source.key!r} is already registered")
    _REGISTRY[source.key] = source
    return source


def metric_sources() -> list[MetricSource]:
    _register_shipped()
    return sorted(_REGISTRY.values(), key=lambda source: source.key)


def metric_source(key: str) -> MetricSource:
    """The source of `key`, or an InputError naming the known keys' pattern."""
    _register_shipped()
    try:
        return _REGISTRY[key]
    except KeyError:
        raise InputError(
            f"unknown metric {key!r}: choose one of `alliance programme metrics` (e.g. cwt:62d_usc)"
        ) from None


@lru_cache(maxsize=4)
def _alliance_performance(path: Path, _mtime_ns: int) -> pd.DataFrame:
    """The alliance performance table, read once per file version (a board pack or a page of
    deliverables asks for many series from it)."""
    return pd.read_parquet(path, columns=["standard_id", "reporting_month", "alliance", "within", "total"])


def _cwt_loader(standard_id: str) -> Loader:
    def load(home: Path, alliance_code: str) -> pd.DataFrame:
        path = result_path(results_dir(home), "performance_month_alliance")
        if not path.is_file():
            return pd.DataFrame(columns=list(SERIES_COLUMNS))
        table = _alliance_performance(path.resolve(), path.stat().st_mtime_ns)
        table = table[(table["standard_id"] == standard_id) & (table["alliance"] == alliance_code)]
        return pd.DataFrame(
            {
                "month": table["reporting_month"].astype(str),
                "value": (table["within"] / table["total"]).where(table["total"] > 0),
                "numerator": table["within"],
                "denominator": table["total"],
            }
        )

    return load


def _cwt_complements(standard_id: str) -> Callable[[Path, str], set[str]]:
    def withheld(home: Path, alliance_code: str) -> set[str]:
        from cancer_alliance.cwt.published import COMPLEMENTS

        folder = results_dir(home)
        if not result_path(folder, "performance_month_alliance").is_file():
            return set()
        chosen = COMPLEMENTS.read(folder)
        mine = chosen[
            (chosen["level"] == "alliance")
            & (chosen["code"] == alliance_code)
            & (chosen["standard_id"] == standard_id)
        ]
        return set(mine["reporting_month"])

    return withheld


@lru_cache(maxsize=1)
def _ndrs_by_year() -> pd.DataFrame:
    """The real NDRS counts by 2018/19 alliance and year (packaged reference data: read once)."""
    from cancer_alliance.early_diagnosis.ndrs import ndrs_counts_for_2018_19_alliances

    return ndrs_counts_for_2018_19_alliances(["year"])


def _early_stage(home: Path, alliance_code: str) -> pd.DataFrame:
    counts = _ndrs_by_year()
    counts = counts[counts["alliance"] == alliance_code]
    rows = []
    for year, early, staged in zip(
        counts["year"], counts["stage_early"], counts["stage_staged"], strict=True
    ):
        for month in range(1, 13):
            value = early / staged if staged else None
            rows.append(
                {
                    "month": f"{int(year)}-{month:02d}",
                    "value": value,
                    "numerator": early,
                    "denominator": staged,
                }
            )
    return pd.DataFrame(rows, columns=list(SERIES_COLUMNS))


#: The timed-pathway milestones with a monthly series (those `pathways.metrics.compliance_spc` keeps).
PATHWAY_SERIES = (
    ("lung", "ct"),
    ("lung", "diagnosis_communicated"),
    ("lung", "first_treatment"),
    ("prostate", "diagnosis_communicated"),
    ("colorectal", "diagnosis_communicated"),
)


def _pathway_loader(tumour: str, milestone: str) -> Loader:
    def load(home: Path, alliance_code: str) -> pd.DataFrame:
        path = result_path(results_dir(home), "pathway_trend")
        if not path.is_file():
            return pd.DataFrame(columns=list(SERIES_COLUMNS))
        table = pd.read_parquet(
            path, columns=["level", "code", "tumour", "milestone", "month", "met", "decided"]
        )
        table = table[
            (table["level"] == "alliance")
            & (table["code"] == alliance_code)
            & (table["tumour"] == tumour)
            & (table["milestone"] == milestone)
        ]
        return pd.DataFrame(
            {
                "month": table["month"].astype(str),
                "value": (table["met"] / table["decided"]).where(table["decided"] > 0),
                "numerator": table["met"],
                "denominator": table["decided"],
            }
        )

    return load


def _pathway_complements(tumour: str, milestone: str) -> Callable[[Path, str], set[str]]:
    """The alliance's months of the milestone's trend whose met or decided is withheld as a complement
    of the public timed-pathway tables (docs/decisions/0057)."""

    def withheld(home: Path, alliance_code: str) -> set[str]:
        from cancer_alliance.pathways.published import COMPLEMENTS

        folder = results_dir(home)
        if not result_path(folder, "pathway_trend").is_file():
            return set()
        chosen = COMPLEMENTS.read(folder)
        mine = chosen[
            (chosen["level"] == "alliance")
            & (chosen["code"] == alliance_code)
            & (chosen["tumour"] == tumour)
            & (chosen["milestone"] == milestone)
            & chosen["count"].isin(["met", "decided"])
        ]
        return set(mine["month"])

    return withheld


FIT_RATES = {"uptake": ("screened", "invited"), "positivity": ("positive", "screened")}


def _fit_loader(rate: str) -> Loader:
    numerator, denominator = FIT_RATES[rate]

    def load(home: Path, alliance_code: str) -> pd.DataFrame:
        path = result_path(results_dir(home), "fit_month")
        if not path.is_file():
            return pd.DataFrame(columns=list(SERIES_COLUMNS))
        table = pd.read_parquet(path, columns=["alliance_code", "invitation_month", numerator, denominator])
        table = table[table["alliance_code"] == alliance_code]
        return pd.DataFrame(
            {
                "month": table["invitation_month"].astype(str),
                "value": (table[numerator] / table[denominator]).where(table[denominator] > 0),
                "numerator": table[numerator],
                "denominator": table[denominator],
            }
        )

    return load


def _fit_complements(rate: str) -> Callable[[Path, str], set[str]]:
    """The alliance's months whose `rate` needs a count withheld as a complement of the public bowel
    screening tables (docs/decisions/0054)."""
    numerator, denominator = FIT_RATES[rate]

    def withheld(home: Path, alliance_code: str) -> set[str]:
        from cancer_alliance.fit.published import COMPLEMENTS

        chosen = COMPLEMENTS.read(results_dir(home))
        mine = chosen[
            (chosen["level"] == "month")
            & (chosen["alliance_code"] == alliance_code)
            & chosen["count"].isin([numerator, denominator])
        ]
        return set(mine["code"])

    return withheld


def _register_domains() -> None:
    """The timed-pathway and FIT series (the domains' results files; nothing imported from them)."""
    names = {"lung": "Lung", "prostate": "Prostate", "colorectal": "Colorectal"}
    milestones = {
        "ct": "CT",
        "diagnosis_communicated": "diagnosis communicated",
        "first_treatment": "first treatment",
    }
    for tumour, milestone in PATHWAY_SERIES:
        register(
            MetricSource(
                key=f"pathways:{tumour}:{milestone}",
                label=f"{names[tumour]} timed pathway: {milestones[milestone]} within target "
                "(by month of day 0)",
                priority="pathways",
                load=_pathway_loader(tumour, milestone),
                complements=_pathway_complements(tumour, milestone),
            )
        )
    register(
        MetricSource(
            key="fit:uptake",
            label="Bowel screening uptake (screened of invited, by month of invitation)",
            priority="screening",
            load=_fit_loader("uptake"),
            complements=_fit_complements("uptake"),
        )
    )
    register(
        MetricSource(
            key="fit:positivity",
            label="Bowel screening FIT positivity (positive of screened, by month of invitation)",
            priority="screening",
            load=_fit_loader("positivity"),
            complements=_fit_complements("positivity"),
        )
    )


def _register_shipped() -> None:
    if "early_diagnosis:early_stage_proportion" in _REGISTRY:
        return
    from cancer_alliance.reference.standards import standards

    seen: set[str] = set()
    for standard in standards():
        if standard.standard_id in seen:
            continue
        seen.add(standard.standard_id)
        register(
            MetricSource(
                key=f"cwt:{standard.standard_id}",
                label=f"{standard.title} ({standard.standard_id})",
                priority="fds" if standard.standard_id == "fds" else "waiting_times",
                load=_cwt_loader(standard.standard_id),
                complements=_cwt_complements(standard.standard_id),
            )
        )
    register(
        MetricSource(
            key="early_diagnosis:early_stage_proportion",
            label="Cancers diagnosed at stage 1 or 2 (of staged, NDRS, by calendar year)",
            priority="early_diagnosis",
            load=_early_stage,
            annual=True,
        )
    )
    _register_domains()
