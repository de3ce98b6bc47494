"""Settings of the timed-pathway rules: which pathway definitions apply (issue 12 item 1). The
default is the packaged reference file; an edited copy or single changed targets are settings, so a
trust's local targets never need a code change (NHS England timed diagnostic pathways (2018): NOT FOUND
values are settings)."""

from __future__ import annotations

from dataclasses import dataclass, field

from cancer_alliance.pathways.definitions import PathwayDefinition, default_definitions


@dataclass(frozen=True)
class PathwaySettings:
    definitions: tuple[PathwayDefinition, ...] = field(default_factory=default_definitions)
    #: Issue 12 item 3 makes only the milestones after diagnosis communicated not applicable when
    #: cancer is ruled out, so a test before it that was never done (no biopsy after a normal mpMRI)
    #: is overdue. True: such an unreached milestone is not applicable too (a local choice, DERIVED;
    #: docs/deviations.md).
    skipped_tests_not_applicable_when_ruled_out: bool = False

    def __post_init__(self) -> None:
        if not self.definitions:
            raise ValueError("at least one pathway definition is needed")


DEFAULT_SETTINGS = PathwaySettings()
