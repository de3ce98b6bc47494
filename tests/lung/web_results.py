"""Small lung results files for the web and browser tests (the shapes `programme_files.write_results`
writes): two alliances, three CCGs, a targeting ranking. Generated figures only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cancer_alliance.lung.programme import COUNT_COLUMNS
from cancer_alliance.lung.programme_files import RESULTS
from cancer_alliance.results import catalogue

EAST, LANCS = "E56000009", "E56000018"
#: attended, eligible, ldct, findings, cancers (early of staged), current smokers, cessation, invited.
FIGURES = {
    EAST: (400, 220, 210, 30, 12, 9, 160, 100, 800),
    LANCS: (60, 30, 28, 4, 3, 2, 20, 5, 130),
}
CCGS = {  # ccg -> alliance, share of the alliance's figures
    "E38000026": (EAST, 0.75),
    "E38000086": (EAST, 0.25),
    "E38000015": (LANCS, 1.0),
}


def _counts(attended, eligible, ldct, findings, cancers, early, current, cessation, invited) -> dict:
    values = dict.fromkeys(COUNT_COLUMNS, 0)
    values.update(
        attended=attended,
        assessed=attended,
        eligible=eligible,
        current_smokers=current,
        ldct_scans=ldct,
        eligible_scanned=ldct,
        findings=findings,
        indeterminate=findings - cancers,
        positive=cancers,
        nodule_followups=findings - cancers,
        referrals=cancers,
        cancers=cancers,
        cancers_staged=cancers,
        cancers_early=early,
        cessation_referrals=cessation,
    )
    return {**values, "invited": float(invited)}


def write_lung_results(home: Path) -> None:
    results = home / "results"
    results.mkdir(parents=True, exist_ok=True)
    pd.DataFrame([{"alliance": code, **_counts(*figures)} for code, figures in FIGURES.items()]).to_parquet(
        catalogue.path(results, RESULTS["alliance"]), index=False
    )
    rows = []
    for ccg, (alliance, share) in CCGS.items():
        figures = [round(value * share) for value in FIGURES[alliance]]
        rows.append({"ccg": ccg, **_counts(*figures), "alliance_code": alliance})
    pd.DataFrame(rows).to_parquet(catalogue.path(results, RESULTS["ccg"]), index=False)
    pd.DataFrame(
        [
            {
                "ccg_code": "E38000015",
                "name": "NHS Blackpool CCG",
                "alliance_code": LANCS,
                "lung_early_stage_share": 0.2,
                "rank": 1,
                "chosen": True,
                "stage_early": 2,
                "stage_staged": 10,
                "basis": "early_stage_proxy",
            },
            {
                "ccg_code": "E38000026",
                "name": "NHS Cambridgeshire and Peterborough CCG",
                "alliance_code": EAST,
                "lung_early_stage_share": 0.3,
                "rank": 2,
                "chosen": False,
                "stage_early": 6,
                "stage_staged": 20,
                "basis": "early_stage_proxy",
            },
        ]
    ).to_parquet(catalogue.path(results, RESULTS["targeting"]), index=False)
