"""The generator's pathway events (issue 12 item 6): the same pathways, patients and dates as the CWT
records it writes, deterministic by seed, all 19 alliances, and evaluable: ingest quarantines exactly
the rows it broke (tests/synth/test_ingest.py covers every table, this one included)."""

from __future__ import annotations

import hashlib

import pandas as pd
import pyarrow.parquet as pq
import pytest

from cancer_alliance.reference import alliances, provider_alliance
from cancer_alliance.synth import FILES, INVALID_FILE, generate

SCALE = 0.01


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    out = tmp_path_factory.mktemp("pathway-synth") / "year"
    generate("2018/19", scale=SCALE, seed=3, out=out)
    return out


def _valid(folder, table):
    frame = pq.read_table(folder / FILES[table][0]).to_pandas()
    invalid = pd.read_csv(folder / INVALID_FILE, dtype=str)
    broken = set(invalid[invalid.table == table].key)
    return frame[~frame.iloc[:, 0].isin(broken)]


def test_same_seed_same_bytes(year, tmp_path):
    again = tmp_path / "again"
    generate("2018/19", scale=SCALE, seed=3, out=again)
    name = FILES["pathway_event"][0]
    digest = [hashlib.sha256((folder / name).read_bytes()).hexdigest() for folder in (year, again)]
    assert digest[0] == digest[1]


def test_events_tell_the_same_story_as_the_cwt_records(year):
    events = _valid(year, "pathway_event")
    cwt = _valid(year, "cwt").set_index("record_id")
    joined = events.join(cwt, on="pathway_id", rsuffix="_cwt", how="inner")
    assert len(joined) >= 0.99 * len(events)  # the rest belong to CWT rows the generator broke
    assert (joined.nhs_number == joined.nhs_number_cwt).all()
    referrals = joined[joined.event == "referral_received"]
    assert (referrals.event_date == referrals.referral_received_date).all()
    diagnoses = joined[joined.event == "diagnosis_communicated"]
    assert (diagnoses.event_date == diagnoses.fds_end_date).all()
    assert set(diagnoses.outcome) == {"cancer", "ruled_out"}
    treatments = joined[joined.event == "first_treatment"]
    assert (treatments.event_date == treatments.treatment_start_date).all()
    assert (joined.event_date <= pd.Timestamp("2019-03-31").date()).all()
    start = (
        joined[joined.event.isin(["referral_received", "consultant_upgrade"])]
        .groupby("pathway_id")
        .event_date.min()
    )
    assert (joined.event_date >= joined.pathway_id.map(start)).all()


def test_every_tumour_and_every_alliance(year):
    events = _valid(year, "pathway_event")
    assert set(events.tumour) == {"lung", "prostate", "colorectal"}
    mapping = provider_alliance("2018/19")
    seen = {mapping.get(code) for code in events.provider_code.dropna().unique()}
    assert {a.code for a in alliances("2018/19")} <= seen
    counts = events.groupby("tumour").pathway_id.nunique()
    assert counts["colorectal"] > counts["prostate"] > counts["lung"] > 50


def test_steps_spread_and_some_breach(year, tmp_path):
    from cancer_alliance.engine import open_engine
    from cancer_alliance.pathways.files import evaluate_frame

    engine = open_engine("duckdb")
    events = engine.read_parquet(year / FILES["pathway_event"][0])
    F = engine.functions
    clean = events.where(
        F.col("event").isin(
            *[
                "referral_received",
                "ct",
                "mpmri",
                "triage",
                "colonoscopy",
                "ct_colonography",
                "diagnosis_communicated",
                "first_treatment",
            ]
        )
    )
    result, _, _ = evaluate_frame(
        clean.where(F.col("outcome").isNull() | F.col("outcome").isin("cancer", "ruled_out")), None
    )
    statuses = pd.Series(result.column("status").to_pylist()).value_counts(normalize=True)
    assert 0.3 < statuses["met"] < 0.9 and statuses["breached"] > 0.05 and statuses["open"] > 0
    days = pd.Series(result.column("day").to_pylist()).dropna()
    assert days.std() > 5
