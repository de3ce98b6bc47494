"""Through the server: while a new generation of results is read, pages answer from the previous one,
and they switch to it once it is read (issue 21, decision record 0053)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import threading
import time

import pytest

from cancer_alliance.results import generations
from cancer_alliance.web import first_figures

pytestmark = pytest.mark.web

APRIL = dt.date(2019, 4, 30)


def _republish(home, as_of: dt.date) -> None:
    """The current generation's files again as a new generation with another as-of date."""
    current = generations.current(home)
    folder = generations.new_folder(home)
    folder.rmdir()
    shutil.copytree(generations.current_folder(home), folder)
    generations.publish(home, folder, dataclasses.replace(current, id=folder.name, as_of=as_of))


def test_pages_answer_from_the_previous_generation_until_the_new_one_is_read(app, client, web_home):
    assert "Data as of 31 March 2019" in client.get("/").text
    entered, release = threading.Event(), threading.Event()
    prepared = []

    def gated(results) -> None:
        entered.set()
        assert release.wait(20)
        first_figures.prepare(results)
        prepared.append(results.reference_date())

    app.state.context.results.prepare = gated
    _republish(web_home, APRIL)
    assert "Data as of 31 March 2019" in client.get("/").text
    assert entered.wait(10)
    for path in ("/", "/alliances/E56000009", "/trusts/RGT", "/performance"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "Data as of 31 March 2019" in page.text, path
    release.set()
    deadline = time.monotonic() + 20
    while "Data as of 30 April 2019" not in client.get("/").text:
        assert time.monotonic() < deadline, "the server never switched to the new generation"
        time.sleep(0.05)
    assert prepared == [APRIL]  # the opening figures were worked out on the new generation


def test_a_generation_without_waiting_times_results_is_switched_to(app, client, web_home):
    """The opening figures are the waiting-times pages': a generation without them (another domain's
    refresh only) is still read and switched to, not held back as unreadable."""
    client.get("/")
    current = generations.current_folder(web_home)
    _republish(web_home, APRIL)
    for name in ("performance_month.parquet", "performance_month_alliance.parquet"):
        (generations.current_folder(web_home) / name).unlink()
    app.state.context.results.load_current()
    assert app.state.context.results.folder != current
    assert "Data as of 30 April 2019" in client.get("/priorities").text
