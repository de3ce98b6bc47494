"""The map of England's 19 Cancer Alliances (2018/19), drawn as server-side SVG from the ONS
boundaries (`reference.boundaries("2018/19")`), each alliance a link coloured by a chosen metric.

No JavaScript is needed: the SVG is in the page, every area is a keyboard-focusable link with an
accessible name, and the same values are in the table beside it (issue 6 item 2, Home).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cancer_alliance.web.presenters.formatting import is_missing, percent

WIDTH = 440
HEIGHT = 520
MARGIN = 8
#: Sequential NHS blues, light to dark (NHS.UK colour palette), for quintile-like bins of the metric.
PALETTE = ("#e8edee", "#aec4e4", "#6f97d1", "#005eb8", "#003087")
NO_DATA = "#ffffff"


@dataclass(frozen=True)
class MapArea:
    code: str
    name: str
    href: str
    path: str
    fill: str
    label: str


@dataclass(frozen=True)
class LegendEntry:
    fill: str
    text: str


@dataclass(frozen=True)
class FixedScale:
    """Bins chosen for their meaning (e.g. the early-stage ambitions) instead of the data's range: upper
    `edges` of each bin (the last covers everything above) and a legend text per bin, one per PALETTE
    colour."""

    edges: tuple[float, ...]
    texts: tuple[str, ...]

    def __post_init__(self) -> None:
        if not (len(self.edges) == len(self.texts) == len(PALETTE)):
            raise ValueError(f"a fixed scale needs {len(PALETTE)} edges and texts")


def ambition_scale(targets: Sequence[tuple[float, str]], floor: float = 0.50) -> FixedScale:
    """Five bins for a percentage against ambitions (proportion, label) lowest first, e.g. 62% and 75%:
    below `floor`, `floor` to halfway to the first ambition, up to it, up to the next, and above the last.
    The darkest colours are the ambitions met."""
    if len(targets) != 2:
        raise ValueError("the ambition scale is drawn for two ambitions")
    (first, first_label), (second, second_label) = targets
    middle = round((floor + first) / 2, 3)
    edges = (floor, middle, first, second, math.inf)
    texts = (
        f"below {percent(floor, 0)}",
        f"{percent(floor, 0)} to {percent(middle, 0)}",
        f"{percent(middle, 0)} to {percent(first, 0)}",
        f"{percent(first, 0)} to {percent(second, 0)} (meets {first_label})",
        f"{percent(second, 0)} or more (meets {second_label})",
    )
    return FixedScale(edges, texts)


@dataclass(frozen=True)
class EnglandMap:
    width: int
    height: int
    areas: tuple[MapArea, ...]
    legend: tuple[LegendEntry, ...]


def _rings(geometry: Mapping[str, Any]) -> Iterable[Sequence[Sequence[float]]]:
    if geometry["type"] == "Polygon":
        yield from geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon
    else:
        raise ValueError(f"unexpected geometry type {geometry['type']!r}")


class Projection:
    """Equirectangular projection scaled by cos(mean latitude), fitted to the SVG box (y down)."""

    def __init__(self, features: Sequence[Mapping[str, Any]]) -> None:
        points = [point for f in features for ring in _rings(f["geometry"]) for point in ring]
        lons = [p[0] for p in points]
        lats = [p[1] for p in points]
        self.k = math.cos(math.radians((min(lats) + max(lats)) / 2))
        self.min_x, self.max_y = min(lons) * self.k, max(lats)
        span_x = max(lons) * self.k - self.min_x
        span_y = self.max_y - min(lats)
        self.scale = min((WIDTH - 2 * MARGIN) / span_x, (HEIGHT - 2 * MARGIN) / span_y)

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (MARGIN + (lon * self.k - self.min_x) * self.scale, MARGIN + (self.max_y - lat) * self.scale)


def svg_path(geometry: Mapping[str, Any], project: Projection) -> str:
    """SVG path data for a GeoJSON polygon or multipolygon (one closed sub-path per ring)."""
    parts = []
    for ring in _rings(geometry):
        xy = [project(lon, lat) for lon, lat, *_ in ring]
        parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in xy) + "Z")
    return "".join(parts)


def bins(values: Sequence[float], n: int = len(PALETTE)) -> list[float]:
    """Upper edges of `n` equal-width bins over the range of `values` (last edge = maximum)."""
    low, high = min(values), max(values)
    if high == low:
        return [high] * n
    step = (high - low) / n
    return [low + step * (i + 1) for i in range(n)]


def colour(value: float | None, edges: Sequence[float], *, below: bool = False) -> str:
    """The palette colour of the first bin whose upper edge is >= value (`below`: > value, so a value
    equal to an edge, such as an ambition exactly met, falls in the bin above)."""
    if is_missing(value):
        return NO_DATA
    for fill, edge in zip(PALETTE, edges, strict=True):
        if (value < edge) if below else (value <= edge + 1e-12):
            return fill
    return PALETTE[-1]


def map_shapes(boundaries: Mapping[str, Any], code_property: str = "calncv17cd") -> dict[str, str]:
    """SVG path data per area code, projected to fit the map box (worth computing once per version)."""
    features = boundaries["features"]
    project = Projection(features)
    return {
        feature["properties"][code_property]: svg_path(feature["geometry"], project) for feature in features
    }


def england_map(
    shapes: Mapping[str, str],
    names: Mapping[str, str],
    values: Mapping[str, float | None],
    metric_label: str,
    href: str = "/alliances/{code}",
    scale: FixedScale | None = None,
    notes: Mapping[str, str] | None = None,
) -> EnglandMap:
    """The map: one area per shape, filled by `values[code]` (fractions, shown as percentages) in
    equal-width bins over the values' range, or in the bins of a fixed `scale`. A non-empty `notes[code]`
    (e.g. where the figures come from) is added to the area's accessible name and tooltip."""
    present = [v for v in values.values() if not is_missing(v)]
    if scale is not None:
        edges: Sequence[float] = scale.edges
    else:
        edges = bins(present) if present else []
    areas = []
    for code, path in shapes.items():
        value = values.get(code)
        shown = percent(value) if not is_missing(value) else "no data"
        name = names.get(code, code)
        note = (notes or {}).get(code)
        areas.append(
            MapArea(
                code=code,
                name=name,
                href=href.format(code=code),
                path=path,
                fill=colour(value, edges, below=scale is not None) if edges else NO_DATA,
                label=f"{name}: {metric_label} {shown}" + (f" ({note})" if note else ""),
            )
        )
    legend = []
    if scale is not None:
        legend = [LegendEntry(fill, text) for fill, text in zip(PALETTE, scale.texts, strict=True)]
    low = min(present) if present else None
    for fill, edge in zip(PALETTE, edges if scale is None else (), strict=False):
        legend.append(LegendEntry(fill, f"{percent(low)} to {percent(edge)}"))
        low = edge
    legend.append(LegendEntry(NO_DATA, "no data"))
    return EnglandMap(WIDTH, HEIGHT, tuple(sorted(areas, key=lambda a: a.name)), tuple(legend))
