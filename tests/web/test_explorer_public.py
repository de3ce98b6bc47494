"""The explorer offers a signed-out visitor the fixed public tables only (docs/decisions/0051): England, one
alliance, one trust or one tumour type across England, month by month; combinations and routes are for
signed-in users, and the page says so in words."""

from __future__ import annotations

import pytest
from tests.web.conftest import EAST

pytestmark = pytest.mark.web


@pytest.mark.parametrize(
    ("asked", "same_as"),
    [
        ({"provider": "RGT", "tumour_type": "Lung", "route": "usc"}, {"provider": "RGT"}),
        ({"provider": "RGT", "alliance": EAST}, {"provider": "RGT"}),
        ({"alliance": EAST, "tumour_type": "Breast"}, {"alliance": EAST}),
        ({"tumour_type": "Breast", "route": "usc"}, {"tumour_type": "Breast"}),
        ({"route": "usc"}, {}),
    ],
)
def test_the_public_gets_the_one_fixed_table_a_combination_falls_in(client, asked, same_as):
    got = client.get("/api/performance", params=asked).json()["rows"]
    want = client.get("/api/performance", params=same_as).json()["rows"]
    assert got == want
    page = client.get("/performance", params=asked).text
    assert 'id="explorer-public"' in page and 'id="explorer-narrowed"' in page
    assert 'id="route"' not in page  # no route choice without signing in


def test_a_single_choice_is_not_said_to_be_narrowed(client):
    page = client.get("/performance", params={"provider": "RGT"}).text
    assert 'id="explorer-public"' in page and 'id="explorer-narrowed"' not in page
    assert "Signed-in NHS staff can also combine trust, alliance, tumour type and route" in page


def test_signed_in_users_keep_every_combination(signed_in):
    client = signed_in("nat")
    page = client.get("/performance", params={"provider": "RGT", "route": "usc"}).text
    assert 'id="route"' in page and 'id="explorer-public"' not in page
    combined = client.get("/api/performance", params={"provider": "RGT", "tumour_type": "Lung"}).json()[
        "rows"
    ]
    alone = client.get("/api/performance", params={"provider": "RGT"}).json()["rows"]
    assert combined != alone  # RGT's lung pathways only
