"""The Making Data Count summary icons, drawn here as small SVGs (our own drawings, not NHS files).

NHS England's "Making Data Count" ("Strengthening your decisions", 2019) summarises an SPC chart with two
icons, and NHSRplotthedots draws them in the top right corner of its charts (`R/geom_ptd_icon.R`,
`inst/icons/variation/*.svg`, `inst/icons/assurance/*.svg`). The conventions kept here:

- each icon is a circle;
- variation: grey for common cause; blue for special cause improvement, orange for concern and purple for
  neither (the point colours of NHSRplotthedots' `ptd_spc_colours()`), with the letter H or L for a
  special cause that is high or low, above a run of points whose latest points have moved high or low;
- assurance: P in blue (the target will consistently be met), F in orange (consistently missed), and a
  grey icon with the target line running through the variation (met and missed at random).

Names are those of `stats.spc.assurance.variation_icon` and `AssuranceType` (NHSRplotthedots' icon file
names). The letters are strokes, not text, so an icon looks the same whatever fonts the viewer has.
"""

from __future__ import annotations

import base64
from html import escape

#: NHSRplotthedots' `ptd_spc_colours()`: common cause grey, improvement blue, concern orange, neutral purple.
COMMON_CAUSE_COLOUR = "#a6a6a6"
IMPROVEMENT_COLOUR = "#00b0f0"
CONCERN_COLOUR = "#e46c0a"
NEUTRAL_COLOUR = "#490092"
#: The background of every icon, so it stays legible over the chart's points and lines.
BACKGROUND = "#ffffff"

#: The accessible label of each icon (chart subtitle, <title>, alt text).
ICON_LABELS = {
    "common_cause": "Common cause variation",
    "improvement_high": "Special cause variation: improvement (high)",
    "improvement_low": "Special cause variation: improvement (low)",
    "concern_high": "Special cause variation: concern (high)",
    "concern_low": "Special cause variation: concern (low)",
    "neutral_high": "Special cause variation: neither improvement nor concern (high)",
    "neutral_low": "Special cause variation: neither improvement nor concern (low)",
    "consistent_pass": "Assurance: the target will consistently be met",
    "consistent_fail": "Assurance: the target will consistently be missed",
    "inconsistent": "Assurance: the target will be met and missed at random",
}
VARIATION_ICONS = tuple(name for name in ICON_LABELS if not name.startswith(("consistent", "inconsistent")))
ASSURANCE_ICONS = ("consistent_pass", "consistent_fail", "inconsistent")

#: Every icon is drawn on a 100 x 100 grid: a circle of radius 44 around (50, 50).
VIEWBOX = "0 0 100 100"
_RING = 7

#: Letter strokes in a box 20 wide and 24 high whose top-left corner is (0, 0).
LETTER_PATHS = {
    "H": "M0 0V24M20 0V24M0 12H20",
    "L": "M0 0V24H18",
    "F": "M0 24V0H18M0 11H14",
    "P": "M0 24V0H10A6.5 6.5 0 0 1 10 13H0",
}

#: The run of points in a variation icon: x positions, and y for each pattern (the last three points move).
_RUN_X = (24, 37, 50, 63, 76)
_RUN_Y = {
    "common": (53, 45, 55, 47, 52),
    "high": (70, 68, 56, 53, 54),
    "low": (56, 58, 70, 72, 71),
}


def _letter(letter: str, x: float, y: float, scale: float, colour: str, width: float) -> str:
    return (
        f'<path transform="translate({x} {y}) scale({scale})" d="{LETTER_PATHS[letter]}" fill="none" '
        f'stroke="{colour}" stroke-width="{width / scale:g}" stroke-linecap="square" '
        'stroke-linejoin="miter"/>'
    )


def _run(pattern: str, colour: str) -> str:
    """The joined points; in a special cause pattern the last three are in the icon's colour."""
    ys = _RUN_Y[pattern]
    line = " ".join(f"{x},{y}" for x, y in zip(_RUN_X, ys, strict=True))
    fills = [COMMON_CAUSE_COLOUR, COMMON_CAUSE_COLOUR, colour, colour, colour]
    dots = "".join(
        f'<circle cx="{x}" cy="{y}" r="4.5" fill="{fill}"/>'
        for x, y, fill in zip(_RUN_X, ys, fills, strict=True)
    )
    return f'<polyline points="{line}" fill="none" stroke="{COMMON_CAUSE_COLOUR}" stroke-width="2.5"/>{dots}'


def _body(name: str) -> tuple[str, str]:
    """The ring colour and the drawing inside the ring."""
    if name == "common_cause":
        return COMMON_CAUSE_COLOUR, _run("common", COMMON_CAUSE_COLOUR)
    if name in VARIATION_ICONS:
        kind, side = name.split("_")
        colour = {"improvement": IMPROVEMENT_COLOUR, "concern": CONCERN_COLOUR, "neutral": NEUTRAL_COLOUR}[
            kind
        ]
        letter = "H" if side == "high" else "L"
        return colour, _letter(letter, 41, 18, 0.9, colour, 5) + _run(side, colour)
    if name == "consistent_pass":
        return IMPROVEMENT_COLOUR, _letter("P", 34, 26, 2.0, IMPROVEMENT_COLOUR, 9)
    if name == "consistent_fail":
        return CONCERN_COLOUR, _letter("F", 33, 26, 2.0, CONCERN_COLOUR, 9)
    # inconsistent: the process wanders above and below the target line that runs through it
    wander = "M16 58L28 38L40 64L52 34L64 66L76 40L86 52"
    return COMMON_CAUSE_COLOUR, (
        f'<path d="{wander}" fill="none" stroke="{COMMON_CAUSE_COLOUR}" stroke-width="5" '
        'stroke-linejoin="round" stroke-linecap="round"/>'
        '<path d="M16 50H84" stroke="#595959" stroke-width="4" stroke-dasharray="8 5"/>'
    )


def _check(name: str) -> None:
    if name not in ICON_LABELS:
        raise ValueError(f"unknown Making Data Count icon {name!r}: expected one of {', '.join(ICON_LABELS)}")


def icon_svg(name: str) -> str:
    """The icon as a standalone SVG document (valid XML) with a <title> holding its label."""
    _check(name)
    ring, body = _body(name)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{VIEWBOX}" width="100" height="100" role="img">'
        f"<title>{escape(ICON_LABELS[name])}</title>"
        f'<circle cx="50" cy="50" r="{50 - _RING / 2 - 2:g}" fill="{BACKGROUND}" stroke="{ring}" '
        f'stroke-width="{_RING}"/>{body}</svg>'
    )


def icon_data_uri(name: str) -> str:
    """The icon as a `data:image/svg+xml;base64,...` URI, for a Vega-Lite image mark or an <img>."""
    encoded = base64.b64encode(icon_svg(name).encode("utf-8")).decode("ascii")
    return f"data:image/svg+xml;base64,{encoded}"
