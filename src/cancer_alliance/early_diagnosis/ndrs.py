"""The same counts from the real NDRS stage-at-diagnosis file, 2013-2022 (`reference.stage_at_diagnosis()`,
England and the 20 Cancer Alliances of 2023/24, 17 site groups), so the dashboard shows real figures.
The file has no routes to diagnosis, so `emergency` and `route_known` are null here.
`ndrs_counts_for_2018_19_alliances` gives the same counts for the 19 alliances of 2018/19, summed over
the NDRS geographies that stand for each (`successors.py`, `data/alliance_ndrs_geographies.csv`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from cancer_alliance.early_diagnosis.counts import COUNT_COLUMNS
from cancer_alliance.early_diagnosis.definitions import stage_groups
from cancer_alliance.early_diagnosis.successors import ndrs_geographies, ndrs_mapping
from cancer_alliance.reference import alliance_versions, alliances, stage_at_diagnosis

#: NDRS file columns for each stage code of the `stage` code list.
NDRS_STAGE_COLUMNS = {
    "1": "stage_1",
    "2": "stage_2",
    "3": "stage_3",
    "4": "stage_4",
    "other_early": "staged_other_early",
    "other_advanced": "staged_other_advanced",
    "unstageable": "unstageable",
    "missing": "missing_stage",
}

GROUPS = ("geography_type", "geography_name", "year", "site")
ENGLAND = "England"


def _sum(frame: pd.DataFrame, codes: Sequence[str]) -> pd.Series:
    return frame[[NDRS_STAGE_COLUMNS[code] for code in codes]].sum(axis=1)


def ndrs_counts(by: Sequence[str] = ("geography_name", "year")) -> pd.DataFrame:
    """Counts (COUNT_COLUMNS) summed over the file's rows within each group of `by` (names in GROUPS;
    site groups are summed when "site" is not in `by`)."""
    unknown = [name for name in by if name not in GROUPS]
    if unknown:
        raise ValueError(f"unknown group {unknown[0]!r}; choose from {', '.join(GROUPS)}")
    source = stage_at_diagnosis()
    groups = stage_groups()
    every_stage = list(NDRS_STAGE_COLUMNS)
    rows = source[list(by)].copy()
    rows["registrations"] = _sum(source, every_stage)
    rows["stageable"] = rows["registrations"]
    rows["stage_early"] = _sum(source, groups.early)
    rows["stage_staged"] = _sum(source, groups.staged)
    rows["stage_missing"] = source[NDRS_STAGE_COLUMNS[groups.missing]]
    rows["stage_unstageable"] = source[NDRS_STAGE_COLUMNS[groups.unstageable]]
    counts = rows.groupby(list(by), as_index=False, sort=True).sum() if by else rows.sum().to_frame().T
    counts["emergency"] = np.nan
    counts["route_known"] = np.nan
    return counts.loc[:, [*by, *COUNT_COLUMNS]]


def ndrs_alliance_name(code: str) -> str:
    """The NDRS geography name of an alliance code: the file uses the 2023/24 alliances, named as in the
    ONS 2024/25 list (CAL24); a code of an earlier vintage is accepted if it is still in use."""
    names = {alliance.code: alliance.name for alliance in alliances("2024/25")}
    if code in names:
        return names[code]
    known = {alliance.code for version in alliance_versions() for alliance in alliances(version)}
    if code in known:
        raise ValueError(f"alliance {code} is not one of the 2024/25 alliances the NDRS file reports")
    raise ValueError(f"alliance {code} is not a known alliance code")


#: The groups `ndrs_counts_for_2018_19_alliances` accepts besides the alliance.
ALLIANCE_GROUPS = ("year", "site")


def ndrs_counts_for_2018_19_alliances(by: Sequence[str] = ("year",)) -> pd.DataFrame:
    """Counts (COUNT_COLUMNS) for each 2018/19 alliance (`alliance`, its ONS code) within each group of
    `by` (names in ALLIANCE_GROUPS), summed over the NDRS geographies that stand for it
    (`successors.ndrs_geographies`): one geography for most, several where the alliance was later split.
    `ndrs_name` names them ("North Central London and North East London"); `ndrs_relation` is
    same/successor/split/shared. Counts add; proportions and intervals are left to `metrics.metrics` or
    `metrics.publish_metrics`, so they are worked out from the summed counts. Alliances that merged later
    (relation "shared") get the same figures as the others in their successor."""
    unknown = [name for name in by if name not in ALLIANCE_GROUPS]
    if unknown:
        raise ValueError(f"unknown group {unknown[0]!r}; choose from {', '.join(ALLIANCE_GROUPS)}")
    counts = ndrs_counts(("geography_name", *by))
    mapping = ndrs_mapping()[["alliance_code_2018_19", "ndrs_geography_name"]]
    missing = set(mapping["ndrs_geography_name"]) - set(counts["geography_name"])
    if missing:
        raise ValueError(f"NDRS geographies not in the stage file: {', '.join(sorted(missing))}")
    joined = mapping.merge(counts, left_on="ndrs_geography_name", right_on="geography_name")
    summed = joined.groupby(["alliance_code_2018_19", *by], as_index=False, sort=True)[list(COUNT_COLUMNS)]
    summed = summed.sum(min_count=1).rename(columns={"alliance_code_2018_19": "alliance"})
    found = {code: ndrs_geographies(code) for code in summed["alliance"].unique()}
    summed["ndrs_name"] = summed["alliance"].map({code: g.label for code, g in found.items()})
    summed["ndrs_relation"] = summed["alliance"].map({code: g.relation for code, g in found.items()})
    return summed.loc[:, ["alliance", "ndrs_name", "ndrs_relation", *by, *COUNT_COLUMNS]]
