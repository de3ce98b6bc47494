"""Match a file's header to a canonical table through a mapping profile, given or detected
(docs/decisions/0026). Every header either feeds a canonical column (or the built `record_id`) or
is ignored and listed; a file is refused, naming every problem, only when a required column has no
source, or two headers feed the same column."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cancer_alliance.errors import InputError
from cancer_alliance.ingest.profiles import Profile, header_key, load_profile, profiles_for
from cancer_alliance.schemas import TableSchema


@dataclass(frozen=True)
class Mapping:
    """How one file's header feeds a canonical table."""

    profile: Profile
    detected: bool  # True when the profile was chosen from the headers, not given
    sources: dict[str, str]  # canonical column -> the file's header
    #: What `record_id` is built from, if built: canonical columns (their values after the value
    #: forms, blank when the file lacks them) and the file's own headers (their values as given).
    record_id_sources: tuple[str, ...]
    ignored: tuple[str, ...]  # the file's headers that feed nothing

    @property
    def builds_record_id(self) -> bool:
        return bool(self.record_id_sources)

    @property
    def built_columns(self) -> frozenset[str]:
        """Canonical columns built rather than read (a keyed-hash `record_id`): nobody typed them."""
        return frozenset({"record_id"}) if self.builds_record_id else frozenset()


@dataclass(frozen=True)
class _Attempt:
    mapping: Mapping
    problems: tuple[str, ...]
    matched: int  # the file's headers the profile uses


def _attempt(profile: Profile, header: list[str], table: TableSchema, detected: bool) -> _Attempt:
    by_key = {header_key(c.name): c.name for c in table.columns}
    fed: dict[str, list[str]] = {}
    unused = []
    for name in header:
        canonical = profile.canonical_for(name) if profile.columns else by_key.get(header_key(name))
        if canonical is not None and canonical in by_key.values() and not profile.ignores(name):
            fed.setdefault(canonical, []).append(name)
        else:
            unused.append(name)
    problems = []
    repeated = sorted(name for names in fed.values() if len(names) > 1 for name in names)
    if repeated:
        problems.append(f"repeated columns: {', '.join(repeated)}")
    id_sources: list[str] = []
    if profile.record_id is not None and "record_id" not in fed:
        for wanted in profile.record_id.columns:
            found = [h for h in header if header_key(h) == header_key(wanted)]
            if wanted in by_key.values():
                id_sources.append(wanted)
            elif found:
                id_sources.append(found[0])
            else:
                problems.append(f"missing column {wanted} (record_id is built from it)")
        unused = [h for h in unused if h not in id_sources]
    built = {"record_id"} if id_sources else set()
    missing = [c.name for c in table.columns if c.required and c.name not in fed and c.name not in built]
    if missing:
        problems.append(f"missing required columns: {', '.join(missing)}")
    sources = {canonical: names[0] for canonical, names in fed.items()}
    mapping = Mapping(profile, detected, sources, tuple(id_sources), tuple(unused))
    return _Attempt(mapping, tuple(problems), len(header) - len(unused))


def map_header(
    path: Path, header: list[str], table: TableSchema, profile: str | Path | None = None
) -> Mapping:
    """The mapping of `header` through `profile` (a name or a TOML path), or through the shipped
    profile of `table` that feeds the most columns without a problem (InputError when none fits)."""
    if profile is not None:
        chosen = load_profile(profile)
        if not chosen.applies_to(table.name):
            raise InputError(f"profile {chosen.name} maps files to table {chosen.table}, not {table.name}")
        candidates = [chosen]
    else:
        candidates = profiles_for(table.name)
    attempts = [_attempt(p, header, table, detected=profile is None) for p in candidates]
    fitting = [a for a in attempts if not a.problems]
    if fitting:
        return max(fitting, key=lambda a: a.matched).mapping  # max keeps the first of equals
    closest = max(attempts, key=lambda a: a.matched)
    named = "" if profile is not None else f" (closest profile: {closest.mapping.profile.name})"
    raise InputError(
        f"{path}: cannot ingest as table {table.name}{named}: {'; '.join(closest.problems)}. "
        f"Expected columns: {', '.join(table.column_names)}"
    )
