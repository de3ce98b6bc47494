"""Generations: the atomic swap, the reader following it, pruning (decision record 0023)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from cancer_alliance.config import generations_dir, results_dir
from cancer_alliance.results import generations
from cancer_alliance.results.generations import Generation
from cancer_alliance.results.reader import Results

REFRESHED = dt.datetime(2019, 4, 1, 6, 0, tzinfo=dt.UTC)


def _generation(home, as_of: dt.date, months: list[str]):
    folder = generations.new_folder(home)
    pd.DataFrame({"standard_id": ["FDS"] * len(months), "reporting_month": months}).to_parquet(
        folder / "performance_month.parquet", index=False
    )
    generations.publish(home, folder, Generation(folder.name, as_of, REFRESHED, f"fp-{as_of}"))
    return folder


def test_the_reader_follows_a_swap_and_reads_the_new_generation(alliance_home):
    results = Results(alliance_home)
    first = _generation(alliance_home, dt.date(2019, 3, 31), ["2019-03"])
    assert results.months() == ["2019-03"]
    assert results.reference_date() == dt.date(2019, 3, 31)
    second = _generation(alliance_home, dt.date(2019, 4, 30), ["2019-03", "2019-04"])
    assert results_dir(alliance_home).resolve() == second
    assert results.months() == ["2019-03", "2019-04"]
    assert results.reference_date() == dt.date(2019, 4, 30)
    assert results.data_status() == "Data as of 30 April 2019, refreshed 1 April 2019 06:00 UTC"
    assert first.is_dir()  # kept for inspection until pruned


def test_a_results_folder_from_before_generations_is_moved_in_not_lost(alliance_home):
    old = results_dir(alliance_home)
    old.mkdir(parents=True)
    (old / "ptl.parquet").write_bytes(b"old")
    _generation(alliance_home, dt.date(2019, 3, 31), ["2019-03"])
    assert results_dir(alliance_home).is_symlink()
    kept = [p for p in generations_dir(alliance_home).iterdir() if "before-generations" in p.name]
    assert [p.name for p in kept[0].iterdir()] == ["ptl.parquet"]


def test_prune_keeps_the_newest_and_never_the_serving_generation(alliance_home):
    folders = [_generation(alliance_home, dt.date(2019, 3, day), ["2019-03"]) for day in range(1, 6)]
    removed = generations.prune(alliance_home, keep=3)
    assert removed == folders[:2]
    assert all(folder.is_dir() for folder in folders[2:])
    assert generations.current(alliance_home).as_of == dt.date(2019, 3, 5)


def test_before_any_refresh_there_is_no_generation_and_no_status_line(alliance_home):
    assert generations.current(alliance_home) is None
    assert Results(alliance_home).data_status() is None
