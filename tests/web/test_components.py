"""`component(name, params)`: NHS.UK macros rendered once per parameters give exactly the macro's own
HTML (the design system's markup must not change because it is cached)."""

from __future__ import annotations

import pytest

from cancer_alliance.web.app import templates
from cancer_alliance.web.components import ComponentCache

pytestmark = pytest.mark.web

SELECT = {
    "id": "provider",
    "name": "provider",
    "label": {"text": "Trust"},
    "items": [
        {"value": "", "text": "All trusts", "selected": False},
        {"value": "RGT", "text": "RGT", "selected": True},
    ],
}


@pytest.fixture
def environment():
    return templates().env


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("select", SELECT),
        ("input", {"id": "n", "name": "n", "label": {"text": "Days"}, "value": 7}),
        ("button", {"text": "Apply filters", "attributes": {"id": "apply"}}),
        ("textarea", {"id": "t", "name": "t", "label": {"text": "Note"}, "value": "a <b> & c"}),
        ("pagination", {"previous": None, "next": {"href": "/ptl?page=2", "labelText": "Page 2 of 3"}}),
    ],
)
def test_cached_component_is_the_macros_own_html(environment, name, params):
    macro = getattr(environment.get_template(f"nhsuk/components/{name}/macro.jinja").module, name)
    cache = ComponentCache(environment)
    assert cache(name, params) == macro(params)
    assert cache(name, params) == macro(params)  # the cached copy


def test_different_parameters_are_different_entries(environment):
    cache = ComponentCache(environment)
    other = {**SELECT, "items": [{**item, "selected": not item["selected"]} for item in SELECT["items"]]}
    assert cache("select", SELECT) != cache("select", other)
    assert 'value="RGT" selected' in cache("select", SELECT)


def test_the_cache_is_bounded(environment):
    cache = ComponentCache(environment, max_cached=3)
    for number in range(10):
        cache("button", {"text": f"Button {number}"})
    assert len(cache._cache) == 3


def test_unknown_component_is_refused_by_name(environment):
    with pytest.raises(ValueError, match="unknown NHS.UK component 'carousel'"):
        ComponentCache(environment)("carousel", {})
