"""A server reads a new generation in the background and keeps serving the previous one meanwhile
(issue 21, decision record 0053): no request waits for a generation to be read, none mixes two."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
import time

import pandas as pd
import pytest
from tests.results.test_generations import _generation as _publish

from cancer_alliance.results.reader import Results

MARCH = dt.date(2019, 3, 31)
APRIL = dt.date(2019, 4, 30)


class Gate:
    """A `prepare` that holds the reading thread until released, counting the generations it saw."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self.seen: list[dt.date] = []

    def __call__(self, results: Results) -> None:
        self.seen.append(results.reference_date())
        if len(self.seen) > 1:  # the first call is the start-up warm-up
            self.entered.set()
            assert self.release.wait(10)


def _wait_for(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.fixture
def serving(alliance_home):
    """A background reader serving March, with its gate."""
    _publish(alliance_home, MARCH, ["2019-03"])
    gate = Gate()
    results = Results(alliance_home, background=True, prepare=gate)
    results.warm()
    return results, gate


def test_while_a_new_generation_is_read_the_previous_one_answers(serving, alliance_home):
    results, gate = serving
    _publish(alliance_home, APRIL, ["2019-03", "2019-04"])
    assert results.months() == ["2019-03"]  # starts reading April, answers from March
    assert gate.entered.wait(10)
    assert results.months() == ["2019-03"]
    assert results.reference_date() == MARCH
    gate.release.set()
    _wait_for(lambda: results.reference_date() == APRIL)
    assert results.months() == ["2019-03", "2019-04"]
    assert gate.seen == [MARCH, APRIL]  # the new generation's figures were worked out on April


def test_a_pinned_request_keeps_its_generation_across_the_switch(serving, alliance_home):
    results, gate = serving
    gate.release.set()
    with results.pinned():
        _publish(alliance_home, APRIL, ["2019-03", "2019-04"])
        threading.Thread(target=results.months).start()  # another request starts the reading
        _wait_for(lambda: results._serving.folder == results.link.resolve())
        assert results.months() == ["2019-03"]
        assert results.data_status().startswith("Data as of 31 March 2019")
    assert results.months() == ["2019-03", "2019-04"]


def test_a_generation_that_cannot_be_read_leaves_the_previous_one_serving(serving, alliance_home, caplog):
    results, gate = serving
    gate.release.set()
    broken = _publish(alliance_home, APRIL, ["2019-04"])
    (broken / "performance_month.parquet").write_bytes(b"not parquet")
    results.months()
    _wait_for(lambda: results._loading is None and broken in results._failed)
    assert results.months() == ["2019-03"]
    assert "could not read the generation" in caplog.text
    assert results._loading is None  # not tried again at once on every request
    results.months()
    assert results._loading is None


def test_the_previous_generation_removed_from_disk_switches_at_once(serving, alliance_home):
    results, gate = serving
    old = results.folder
    _publish(alliance_home, APRIL, ["2019-03", "2019-04"])
    shutil.rmtree(old)
    assert results.months() == ["2019-03", "2019-04"]  # nothing left to serve meanwhile
    assert gate.seen == [MARCH]


def test_load_current_switches_before_returning(serving, alliance_home):
    results, gate = serving
    gate.release.set()
    _publish(alliance_home, APRIL, ["2019-03", "2019-04"])
    assert results.load_current()
    assert results._serving.folder == results.link.resolve()
    assert results.reference_date() == APRIL


def test_load_current_says_when_the_new_generation_could_not_be_read(serving, alliance_home):
    results, gate = serving
    gate.release.set()
    broken = _publish(alliance_home, APRIL, ["2019-04"])
    (broken / "performance_month.parquet").write_bytes(b"not parquet")
    assert not results.load_current()  # so the import job does not say the pages show it
    assert results.reference_date() == MARCH


def test_without_background_reading_the_reader_switches_at_once(alliance_home):
    _publish(alliance_home, MARCH, ["2019-03"])
    results = Results(alliance_home)
    assert results.months() == ["2019-03"]
    _publish(alliance_home, APRIL, ["2019-03", "2019-04"])
    assert results.months() == ["2019-03", "2019-04"]


def test_concurrent_requests_for_a_figure_work_it_out_once(alliance_home):
    _publish(alliance_home, MARCH, ["2019-03"])
    results = Results(alliance_home)
    calls = []

    def slow(frame: pd.DataFrame) -> int:
        calls.append(1)
        time.sleep(0.2)
        return len(frame)

    answers = []

    def ask() -> None:
        answers.append(results.derived("month", "slow", slow))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [1] * 8
    assert len(calls) == 1


def test_load_current_waits_for_a_read_already_started_rather_than_reading_twice(serving, alliance_home):
    results, gate = serving
    _publish(alliance_home, APRIL, ["2019-03", "2019-04"])
    results.months()  # a request starts reading April
    assert gate.entered.wait(10)
    done = threading.Event()

    def job() -> None:  # the import job, after its refresh
        results.load_current()
        done.set()

    threading.Thread(target=job).start()
    assert not done.wait(0.3)  # waits for the read under way
    gate.release.set()
    assert done.wait(10)
    assert results._serving.folder == results.link.resolve()  # switched when load_current returned
    assert gate.seen == [MARCH, APRIL]  # April read once


def test_opening_figures_that_fail_are_logged_and_the_new_generation_still_serves(alliance_home, caplog):
    """The opening figures only save the first visitors' time: their failure must not hold a readable
    generation back (nor stop a server starting)."""
    _publish(alliance_home, MARCH, ["2019-03"])
    calls = []

    def failing(results: Results) -> None:
        calls.append(results.reference_date())
        raise ValueError("a page's figure failed")

    results = Results(alliance_home, background=True, prepare=failing)
    results.warm()
    _publish(alliance_home, APRIL, ["2019-03", "2019-04"])
    results.load_current()
    assert results.reference_date() == APRIL
    assert calls == [MARCH, APRIL]
    assert caplog.text.count("opening figures could not be worked out") == 2
