"""Every page says when it shows the demo's generated sample, how large it is, and that a trust's figures
rest on a fraction of its patients (issue #23); real data carries no such notice."""

from __future__ import annotations

import json

import pytest

from cancer_alliance.demo import SAMPLE_METADATA, sample_scale

pytestmark = pytest.mark.web


def write_sample(home, scale: float) -> None:
    (home / SAMPLE_METADATA).parent.mkdir(parents=True, exist_ok=True)
    (home / SAMPLE_METADATA).write_text(json.dumps({"synthetic": True, "scale": scale}), encoding="utf-8")


@pytest.mark.parametrize(
    ("scale", "words"), [(0.01, "about 1% of England"), (0.005, "about 0.5% of England")]
)
def test_a_demo_page_says_it_is_a_sample_and_that_trust_figures_are_small(web_home, client, scale, words):
    write_sample(web_home, scale)
    page = client.get("/about").text
    assert 'id="sample-notice"' in page and words in page
    assert "so its figures vary far more than the published ones" in page


def test_a_national_scale_demo_is_still_called_a_sample_without_the_caution(web_home, client):
    write_sample(web_home, 1)
    page = client.get("/about").text
    assert "about 100% of England" in page and "vary far more" not in page


def test_real_data_carries_no_notice(web_home, client):
    assert sample_scale(web_home) is None
    assert 'id="sample-notice"' not in client.get("/about").text
