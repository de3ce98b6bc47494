"""Settings of the timed-pathway rules: which pathway definitions apply (issue 12 item 1). The
default is the packaged reference file; an edited copy or single changed targets are settings, so a
trust's local targets never need a code change (clinical-models.md §5: NOT FOUND values are settings)."""

from __future__ import annotations

from dataclasses import dataclass, field

from cancer_alliance.pathways.definitions import PathwayDefinition, default_definitions


@dataclass(frozen=True)
class PathwaySettings:
    definitions: tuple[PathwayDefinition, ...] = field(default_factory=default_definitions)

    def __post_init__(self) -> None:
        if not self.definitions:
            raise ValueError("at least one pathway definition is needed")


DEFAULT_SETTINGS = PathwaySettings()
