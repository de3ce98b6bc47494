"""The models' coefficients and the lung settings' defaults, read from this package's `data/` TOML files
(data, not code: docs/sources.md 'Interface' design notes). Each model carries its version, source
and how far the source was verified, so every stored score can record them (Appendix A)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any


class Model(StrEnum):
    """The models `alliance lung risk --model` accepts (docs/sources.md 'Interface')."""

    plcom2012 = "plcom2012"
    plcom2012_norace = "plcom2012_norace"
    llp_v2 = "llp_v2"
    llp_v3 = "llp_v3"
    brock = "brock"


@dataclass(frozen=True)
class ModelInfo:
    """Which model a score came from: recorded with every stored score."""

    name: str
    version: str
    title: str
    source: str
    verified: str
    horizon_years: int | None


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({key: _frozen(item) for key, item in value.items()})
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    return value


@cache
def data_file(name: str) -> Any:
    """A TOML file of `lung/data/` as read-only mappings."""
    text = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")
    return _frozen(tomllib.loads(text))


#: Which file and table hold each model's coefficients (Brock: Model 2b, the one the BTS uses).
_TABLES = {
    "plcom2012": ("plcom2012.toml", "plcom2012"),
    "plcom2012_norace": ("plcom2012.toml", "plcom2012_norace"),
    "llp_v2": ("llp.toml", "llp_v2"),
    "llp_v3": ("llp.toml", "llp_v3"),
    "brock": ("brock.toml", "brock_2b"),
    "brock_2a": ("brock.toml", "brock_2a"),
}


def coefficients(name: str) -> Any:
    """The coefficient table of model `name` (a `Model` value, or `brock_2a`)."""
    file, table = _TABLES[name]
    return data_file(file)[table]


def model_info(name: str) -> ModelInfo:
    table = coefficients(name)
    return ModelInfo(
        name=name,
        version=table["version"],
        title=table["title"],
        source=table["source"],
        verified=table["verified"],
        horizon_years=table.get("horizon_years"),
    )


def llp_bands() -> Any:
    """Age-band layout of the LLP alpha tables (first and last band's lower edge, width)."""
    return data_file("llp.toml")["shared"]
