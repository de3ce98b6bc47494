"""Mapping profiles: how a source's files become a canonical table, kept as data (one TOML file per
profile in this folder, or an analyst's own file given by path; docs/decisions/0026).

A profile names its canonical `table` (or `*` for any table: the `canonical` profile), maps source
headers to canonical columns, lists headers to ignore, translates source codes to canonical codes,
says how `record_id` is built when the source has none, and for XML files which element is one
record (`[xml] record`, `ingest/xml_records.py`). Headers are compared by `header_key`:
case, spaces, underscores and hyphens do not matter."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from cancer_alliance.errors import InputError

ANY_TABLE = "*"
_SPACING = re.compile(r"[\s_\-]+")


def header_key(header: str) -> str:
    """A header as compared: lower case without spaces, underscores or hyphens, so
    `CANCER REFERRAL TO TREATMENT PERIOD START DATE`, `cancer_referral_to_treatment_period_start_date`
    and `CancerReferralToTreatmentPeriodStartDate` are one header."""
    return _SPACING.sub("", header.strip().lower())


@dataclass(frozen=True)
class RecordId:
    """How `record_id` is built from source or canonical columns when the source has none: the
    columns' values joined, then keyed with the pseudonym key (HMAC-SHA256) so that a re-import of
    the same record gives the same id and no patient value can be read back from it."""

    columns: tuple[str, ...]
    prefix: str


@dataclass(frozen=True)
class SourceFile:
    """One file of a multi-file source (`ingest/extract.py`): its name in the folder, and for every
    file after the first the column joining it to the first and whether it is a `lookup` (one row
    per key) or `rows` (one record per row)."""

    name: str
    join: str | None = None
    kind: str | None = None


@dataclass(frozen=True)
class Profile:
    """A mapping profile as read from its TOML file."""

    name: str
    table: str
    title: str
    source: str
    columns: dict[str, str]  # source header -> canonical column
    ignore: tuple[str, ...] = ()
    translations: dict[str, dict[str, str]] = field(default_factory=dict)  # column -> source -> code
    record_id: RecordId | None = None
    unverified: tuple[str, ...] = ()  # source headers not confirmed in a published specification
    gaps: tuple[str, ...] = ()  # canonical columns the source does not hold (named, never guessed)
    files: tuple[SourceFile, ...] = ()  # for a source of several files, the first driving
    xml_record: str | None = None  # for XML files: the local name of the element that is one record
    path: Path | None = None

    def applies_to(self, table: str) -> bool:
        return self.table in (ANY_TABLE, table)

    def canonical_for(self, header: str) -> str | None:
        """The canonical column a source header maps to, if any."""
        return self._keyed_columns.get(header_key(header))

    def ignores(self, header: str) -> bool:
        """Whether the profile never reads `header`, even where its name is a canonical column's."""
        return header_key(header) in {header_key(h) for h in self.ignore}

    @property
    def _keyed_columns(self) -> dict[str, str]:
        return {header_key(h): c for h, c in self.columns.items()}


def _parse(data: dict, origin: str, path: Path | None) -> Profile:
    try:
        record = data.pop("record_id", None)
        files = tuple(SourceFile(**f) for f in data.pop("files", []))
        xml = dict(data.pop("xml", {}))
        xml_record = xml.pop("record", None)
        if xml:
            raise InputError(f"{origin}: unknown [xml] settings: {', '.join(sorted(xml))}")
        profile = Profile(
            name=data.pop("name"),
            table=data.pop("table"),
            title=data.pop("title"),
            source=data.pop("source"),
            columns=dict(data.pop("columns", {})),
            ignore=tuple(data.pop("ignore", ())),
            translations={c: dict(m) for c, m in data.pop("translations", {}).items()},
            record_id=RecordId(tuple(record["columns"]), record["prefix"]) if record else None,
            unverified=tuple(data.pop("unverified", ())),
            gaps=tuple(data.pop("gaps", ())),
            files=files,
            xml_record=xml_record,
            path=path,
        )
    except (KeyError, TypeError) as error:
        raise InputError(f"{origin}: not a mapping profile ({type(error).__name__}: {error})") from None
    if data:
        raise InputError(f"{origin}: unknown profile settings: {', '.join(sorted(data))}")
    joined = [f.name for f in profile.files[1:] if f.join is None or f.kind not in ("lookup", "rows")]
    if joined:
        raise InputError(f"{origin}: files {', '.join(joined)} need `join` and `kind` (lookup or rows)")
    keys = [header_key(h) for h in profile.columns]
    repeated = sorted({h for h in profile.columns if keys.count(header_key(h)) > 1})
    if repeated:
        raise InputError(f"{origin}: headers that differ only in case or spacing: {', '.join(repeated)}")
    return profile


@cache
def profile_names() -> tuple[str, ...]:
    """The profiles shipped with the package, e.g. ('canonical', 'cwt-national', 'scr')."""
    files = resources.files(__package__).iterdir()
    return tuple(sorted(f.name.removesuffix(".toml") for f in files if f.name.endswith(".toml")))


@cache
def _shipped(name: str) -> Profile:
    text = resources.files(__package__).joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return _parse(tomllib.loads(text), f"profile {name}", None)


def load_profile(name_or_path: str | Path) -> Profile:
    """A shipped profile by name, or an analyst's own TOML file by path (InputError otherwise)."""
    if str(name_or_path) in profile_names():
        return _shipped(str(name_or_path))
    path = Path(name_or_path)
    if path.suffix.lower() != ".toml" or not path.is_file():
        raise InputError(
            f"unknown profile {str(name_or_path)!r}: give one of {', '.join(profile_names())} "
            "or the path of a .toml profile file"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise InputError(f"{path}: not a readable TOML profile ({error})") from None
    return _parse(data, str(path), path)


def profiles_for(table: str) -> list[Profile]:
    """The shipped profiles that can read files of canonical table `table`."""
    return [p for p in map(_shipped, profile_names()) if p.applies_to(table)]
