"""Timed diagnostic pathways for lung, prostate and colorectal cancer (issue 12): milestone
definitions as dated data, per-milestone statuses on the engine, metrics and the bottleneck view.
Domain README: `pathways/README.md`."""

from cancer_alliance.pathways.definitions import (
    Milestone,
    PathwayDefinition,
    default_definitions,
    load_definitions,
    with_targets,
)
from cancer_alliance.pathways.milestones import OUTPUT_COLUMNS, STATUSES, milestones, unevaluated
from cancer_alliance.pathways.settings import DEFAULT_SETTINGS, PathwaySettings

__all__ = [
    "DEFAULT_SETTINGS",
    "OUTPUT_COLUMNS",
    "STATUSES",
    "Milestone",
    "PathwayDefinition",
    "PathwaySettings",
    "default_definitions",
    "load_definitions",
    "milestones",
    "unevaluated",
    "with_targets",
]
