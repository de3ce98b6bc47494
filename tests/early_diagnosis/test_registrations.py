"""Metrics over generated registrations (GENERATED DATA, NOT REAL PATIENTS: `cancer_alliance.synth`)
and over the lake."""

import pytest

from cancer_alliance.early_diagnosis.registrations import file_metrics, lake_metrics
from cancer_alliance.engine import open_engine
from cancer_alliance.stats.disclosure import DisclosurePolicy
from cancer_alliance.synth.generate import generate


@pytest.fixture(scope="module")
def registrations(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synth")
    generate(scale=0.003, seed=5, out=folder, invalid_share=0.0)
    return folder / "tumour_registrations.parquet"


def test_exact_counts_add_up_and_match_the_file(registrations):
    import pyarrow.parquet as pq

    exact = file_metrics(registrations, ["alliance", "sex"], policy=DisclosurePolicy(enabled=False))
    assert exact["registrations"].sum() == pq.read_metadata(registrations).num_rows
    assert (
        exact["stage_staged"] + exact["stage_missing"] + exact["stage_unstageable"] <= exact["stageable"]
    ).all()
    assert exact["early_stage_proportion"].between(0, 1).all()


def test_public_metrics_are_controlled_by_default(registrations):
    public = file_metrics(registrations, ["trust"])
    shown = public["stage_staged"].dropna()
    assert (shown % 5 == 0).all()
    assert public["stage_staged_suppressed"].any() or (shown > 7).all()
    withheld = public["stage_early_suppressed"] | public["stage_staged_suppressed"]
    assert public.loc[withheld, "early_stage_proportion"].isna().all()


def test_the_generated_year_is_near_the_national_early_stage_share(registrations):
    """The generator is calibrated on NDRS 2018 stage 1-4 shares (53.97%, stage 1-4 only); ours adds the
    'other system' categories, which the generator does not produce."""
    england = file_metrics(registrations, policy=DisclosurePolicy(enabled=False)).iloc[0]
    assert abs(england["early_stage_proportion"] - 0.54) < 0.03
    assert 0.1 < england["emergency_proportion"] < 0.3


def test_an_empty_lake_gives_an_empty_table(alliance_home):
    got = lake_metrics(["alliance"], engine=open_engine("duckdb"))
    assert got.empty and "early_stage_proportion" in got.columns
