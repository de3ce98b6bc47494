"""ONS boundaries as GeoJSON (WGS84, generalised), from `data/` (attribution in `data/README.md`)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from cancer_alliance.reference._files import path

#: Boundary files held per alliance vintage: only the 2018/19 footprints (ONS CALNCV17) are packaged.
_ALLIANCE_BOUNDARIES = {"2018/19": "data/cancer_alliances_2017_calncv17.geojson"}
_CCG_BOUNDARIES = {"2018/19": "data/ccg_april2019.geojson"}


@cache
def _load(relative: str) -> str:
    return path(relative).read_text(encoding="utf-8")


def _geojson(files: dict[str, str], version: str, what: str) -> dict[str, Any]:
    if version not in files:
        raise ValueError(f"no {what} boundaries for version {version!r}; known versions: {', '.join(files)}")
    return json.loads(_load(files[version]))  # a fresh copy each call: callers may change it


def boundary_versions() -> tuple[str, ...]:
    """Alliance vintages with boundaries, e.g. ('2018/19',)."""
    return tuple(_ALLIANCE_BOUNDARIES)


def boundaries(version: str = "2018/19") -> dict[str, Any]:
    """The alliances of `version` as a GeoJSON FeatureCollection; each feature's `calncv17cd`
    property is the alliance's ONS code (as in `alliances(version)`)."""
    return _geojson(_ALLIANCE_BOUNDARIES, version, "alliance")


def ccg_boundaries(version: str = "2018/19") -> dict[str, Any]:
    """The April-2019 CCGs (the 2018/19 mapping's geography) as GeoJSON; `ccg19cd` is the ONS code."""
    return _geojson(_CCG_BOUNDARIES, version, "CCG")
