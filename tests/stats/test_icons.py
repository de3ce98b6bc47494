"""The Making Data Count icons (NHS England, "Making Data Count: strengthening your decisions", 2019) as
NHSRplotthedots draws them beside its charts (`R/geom_ptd_icon.R`, `inst/icons/`): one icon per name the
SPC summary can give, each a circle in the point colours of `ptd_spc_colours()`, with H/L for a high or
low special cause and P/F for assurance. Our own drawings, checked as XML with an accessible <title>."""

import base64
import itertools
import xml.etree.ElementTree as ET

import pytest

from cancer_alliance.stats.icons import (
    ASSURANCE_ICONS,
    ICON_LABELS,
    LETTER_PATHS,
    VARIATION_ICONS,
    VIEWBOX,
    icon_data_uri,
    icon_svg,
)
from cancer_alliance.stats.spc.assurance import (
    AssuranceType,
    ImprovementDirection,
    PointType,
    variation_icon,
)

pytestmark = pytest.mark.spec
SVG = "{http://www.w3.org/2000/svg}"


def parse(name: str) -> ET.Element:
    return ET.fromstring(icon_svg(name))


def ring_colour(name: str) -> str:
    """The stroke of the icon's outer circle (the first circle drawn)."""
    return parse(name).find(f"{SVG}circle").get("stroke")


def letters(name: str) -> set[str]:
    drawn = {path.get("d") for path in parse(name).iter(f"{SVG}path")}
    return {letter for letter, d in LETTER_PATHS.items() if d in drawn}


def test_there_is_an_icon_for_every_name_the_spc_summary_can_give():
    produced = {
        variation_icon(point_type, direction)
        for point_type, direction in itertools.product(PointType, ImprovementDirection)
    }
    assert produced == set(VARIATION_ICONS)
    assert {a.value for a in AssuranceType} == set(ASSURANCE_ICONS)
    assert set(ICON_LABELS) == produced | set(ASSURANCE_ICONS)


@pytest.mark.parametrize("name", list(ICON_LABELS))
def test_each_icon_is_an_svg_document_titled_with_its_label(name):
    root = parse(name)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == VIEWBOX == "0 0 100 100"
    assert root.find(f"{SVG}title").text == ICON_LABELS[name]


def test_the_data_uri_is_the_svg_in_base64():
    uri = icon_data_uri("concern_high")
    prefix = "data:image/svg+xml;base64,"
    assert uri.startswith(prefix)
    assert base64.b64decode(uri[len(prefix) :]).decode("utf-8") == icon_svg("concern_high")


@pytest.mark.parametrize(
    ("name", "colour", "letter"),
    [
        ("common_cause", "#a6a6a6", set()),
        ("improvement_high", "#00b0f0", {"H"}),
        ("improvement_low", "#00b0f0", {"L"}),
        ("concern_high", "#e46c0a", {"H"}),
        ("concern_low", "#e46c0a", {"L"}),
        ("neutral_high", "#490092", {"H"}),
        ("neutral_low", "#490092", {"L"}),
        ("consistent_pass", "#00b0f0", {"P"}),
        ("consistent_fail", "#e46c0a", {"F"}),
        ("inconsistent", "#a6a6a6", set()),
    ],
)
def test_colours_and_letters_follow_making_data_count(name, colour, letter):
    assert ring_colour(name) == colour
    assert letters(name) == letter


def test_special_cause_points_take_the_icon_colour_and_common_cause_stays_grey():
    def dot_fills(name):
        return [c.get("fill") for c in parse(name).findall(f"{SVG}circle")[1:]]

    assert set(dot_fills("common_cause")) == {"#a6a6a6"}
    assert dot_fills("improvement_high")[-3:] == ["#00b0f0"] * 3
    assert dot_fills("concern_low")[-3:] == ["#e46c0a"] * 3


def test_the_inconsistent_icon_has_the_target_line_through_the_variation():
    dashed = [p for p in parse("inconsistent").iter(f"{SVG}path") if p.get("stroke-dasharray")]
    assert [p.get("d") for p in dashed] == ["M16 50H84"]


def test_every_icon_is_a_different_drawing():
    assert len({icon_svg(name) for name in ICON_LABELS}) == len(ICON_LABELS)


@pytest.mark.parametrize("call", [icon_svg, icon_data_uri])
def test_an_unknown_icon_is_refused_by_name(call):
    with pytest.raises(ValueError, match="'improvement_sideways'"):
        call("improvement_sideways")
