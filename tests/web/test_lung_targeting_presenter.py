"""The targeting map and table say what the CCGs were ranked by: one-year survival from the published
table, or the early-stage share labelled as a proxy (decision 0032). Survival values are made up."""

from __future__ import annotations

from pathlib import Path

from cancer_alliance.lung.programme_files import survival_targeting
from cancer_alliance.lung.survival import read_survival
from cancer_alliance.web.presenters.lung import targeting_map

MADE_UP = Path(__file__).parents[1] / "lung" / "data" / "survival_index_made_up.csv"
SHAPES = {"E38000002": "M0 0Z", "E38000005": "M1 1Z", "E38000010": "M2 2Z"}


def test_ranked_by_survival_the_map_and_table_name_survival_and_its_year():
    targeting = survival_targeting(read_survival(MADE_UP), choose=1)
    assert list(targeting["basis"].unique()) == ["survival"]
    shown = targeting_map(SHAPES, targeting, None)
    assert (shown["basis"], shown["heading"], shown["year"]) == (
        "survival",
        "One-year lung cancer survival",
        2017,
    )
    assert [(row["ccg_code"], row["shown"]) for row in shown["chosen"]] == [("E38000002", "33.5%")]
    labels = {area["code"]: area["label"] for area in shown["areas"]}
    assert labels["E38000002"] == "NHS Ashford CCG: rank 1, one-year survival 33.5%, chosen"
    assert labels["E38000005"].endswith("rank 4, one-year survival 50.0%, not chosen")
    assert labels["E38000010"] == "E38000010: not ranked"


def test_the_early_stage_fallback_is_labelled_a_proxy_everywhere():
    import pandas as pd

    targeting = pd.DataFrame(
        [
            {
                "rank": 1,
                "ccg_code": "E38000002",
                "name": "NHS Ashford CCG",
                "alliance_code": "E56000011",
                "lung_early_stage_share": 0.25,
                "chosen": True,
                "basis": "early_stage_proxy",
                "stage_early": 1,
                "stage_staged": 4,
            }
        ]
    )
    shown = targeting_map(SHAPES, targeting, None)
    assert shown["heading"] == "Lung cancers at stage 1 or 2 (proxy for survival)" and shown["year"] is None
    assert "early stage (survival proxy)" in shown["areas"][0]["label"]
