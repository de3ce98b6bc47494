"""Cancer Alliances, trusts and CCGs by vintage, from `data/` (sources and caveats in
`data/README.md`). Each vintage is a version string such as "2018/19"."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from cancer_alliance.reference._files import boolean, optional_float, optional_int, parse_rows

#: The alliance vintage whose codes each trust or CCG mapping uses (checked by the tests):
#: the 2025/26 trust mapping uses ONS CAL24 codes; the 2022/23 sub-ICB mapping uses CAL21 codes.
TRUST_ALLIANCE_VINTAGE = {"2018/19": "2018/19", "2025/26": "2024/25"}
CCG_ALLIANCE_VINTAGE = {"2018/19": "2018/19", "2021/22": "2021/22", "2022/23": "2021/22"}


def _check_version(version: str, known: tuple[str, ...], what: str) -> None:
    if version not in known:
        raise ValueError(f"unknown {what} version {version!r}; known versions: {', '.join(known)}")


@dataclass(frozen=True)
class Alliance:
    """A Cancer Alliance in one vintage. `map_number` is its number (1-19) on NHS England's 2018/19
    map, None in later vintages; centroids flagged approximate were computed by the project."""

    version: str
    code: str
    name: str
    common_name: str
    map_number: int | None
    ods_code: str | None
    centroid_lat: float
    centroid_lon: float
    centroid_approximate: bool
    area_km2: float | None
    source: str


@dataclass(frozen=True)
class Trust:
    """An NHS trust and the alliance it belongs to in one version (None = not assigned).
    `confidence` is high/medium/none for the DERIVED 2018/19 block and 'published' for 2025/26."""

    version: str
    ods_code: str
    name: str
    alliance_code: str | None
    alliance_name: str | None
    confidence: str
    assignment_method: str
    notes: str
    source: str


@dataclass(frozen=True)
class Ccg:
    """A CCG (or sub-ICB location) and its alliance in one version. For the DERIVED 2018/19 block,
    `area_share` is the share of the CCG's area inside the alliance and `split` marks a CCG that
    straddles two alliances; both are None where the mapping was published."""

    version: str
    ons_code: str
    ods_code: str | None
    name: str
    org_type: str
    alliance_code: str
    alliance_name: str
    assignment_method: str
    split: bool | None
    area_share: float | None
    source: str


def _alliance(row: dict[str, str]) -> Alliance:
    return Alliance(
        version=row["version"],
        code=row["alliance_code"],
        name=row["alliance_name_source"],
        common_name=row["alliance_name_common"],
        map_number=optional_int(row["map_number"]),
        ods_code=row["ods_code"] or None,
        centroid_lat=float(row["centroid_lat"]),
        centroid_lon=float(row["centroid_lon"]),
        centroid_approximate=boolean(row["centroid_approximate"]),
        area_km2=optional_float(row["area_km2"]),
        source=row["source"],
    )


#: Joining words that NHS organisation names write in lower case ("University Hospitals of Leicester
#: NHS Trust", "Isle of Wight NHS Trust", "Newcastle upon Tyne Hospitals"), as the NHS ODS and the
#: trusts themselves spell them; the trust list's source capitalised every word.
JOINING_WORDS = frozenset({"of", "and", "upon", "on", "the", "for", "in", "at"})


def organisation_name(text: str) -> str:
    """A capitalised-every-word organisation name as the NHS spells it: joining words in lower case
    except first ("The Christie NHS Foundation Trust" keeps its "The")."""
    words = text.split(" ")
    return " ".join(
        word.lower() if position and word.lower() in JOINING_WORDS else word
        for position, word in enumerate(words)
    )


def _trust(row: dict[str, str]) -> Trust:
    return Trust(
        version=row["version"],
        ods_code=row["trust_ods_code"],
        name=organisation_name(row["trust_name"]),
        alliance_code=row["alliance_code_ons"] or None,
        alliance_name=row["alliance_name"] or None,
        confidence=row["confidence"],
        assignment_method=row["assignment_method"],
        notes=row["notes"].strip(),
        source=row["source"],
    )


def _ccg(row: dict[str, str]) -> Ccg:
    return Ccg(
        version=row["version"],
        ons_code=row["org_code_ons"],
        ods_code=row["org_code_ods"] or None,
        name=row["org_name"],
        org_type=row["org_type"],
        alliance_code=row["alliance_code"],
        alliance_name=row["alliance_name"],
        assignment_method=row["assignment_method"],
        split=boolean(row["split_ccg"]) if row["split_ccg"] else None,
        area_share=optional_float(row["area_share"]),
        source=row["source"],
    )


@cache
def _alliances() -> tuple[Alliance, ...]:
    return tuple(parse_rows("data/cancer_alliances.csv", _alliance))


@cache
def _trusts() -> tuple[Trust, ...]:
    return tuple(parse_rows("data/alliance_trusts.csv", _trust))


@cache
def _ccgs() -> tuple[Ccg, ...]:
    return tuple(parse_rows("data/alliance_ccgs.csv", _ccg))


def _versions(rows: tuple) -> tuple[str, ...]:
    return tuple(sorted({row.version for row in rows}))


def alliance_versions() -> tuple[str, ...]:
    """The alliance vintages held, e.g. ('2018/19', '2021/22', '2024/25')."""
    return _versions(_alliances())


def trust_versions() -> tuple[str, ...]:
    """The trust-to-alliance mapping versions held, e.g. ('2018/19', '2025/26')."""
    return _versions(_trusts())


def ccg_versions() -> tuple[str, ...]:
    """The CCG/sub-ICB-to-alliance mapping versions held."""
    return _versions(_ccgs())


def alliances(version: str = "2018/19") -> list[Alliance]:
    """The alliances of one vintage (19 in 2018/19, ordered by map number)."""
    _check_version(version, alliance_versions(), "alliance")
    rows = [a for a in _alliances() if a.version == version]
    return sorted(rows, key=lambda a: (a.map_number is None, a.map_number or 0, a.code))


def trusts(version: str = "2018/19") -> list[Trust]:
    """Every trust of one mapping version, with its alliance and confidence."""
    _check_version(version, trust_versions(), "trust mapping")
    return [t for t in _trusts() if t.version == version]


def ccgs(version: str = "2018/19") -> list[Ccg]:
    """Every CCG (sub-ICB location in 2022/23) of one mapping version, with its alliance."""
    _check_version(version, ccg_versions(), "CCG mapping")
    return [c for c in _ccgs() if c.version == version]


def provider_alliance(version: str = "2018/19") -> dict[str, str]:
    """Trust ODS code -> alliance ONS code for one trust-mapping version; unassigned trusts are left out."""
    return {t.ods_code: t.alliance_code for t in trusts(version) if t.alliance_code is not None}


def ccg_ods_to_ons() -> dict[str, str]:
    """CCG (or sub-ICB location) ODS code -> ONS code, over every mapping version held, for the
    ODS codes that name one ONS code in all of them (an ODS code reused for another ONS code is
    left out, so it is never guessed). Sources: the `source` column of `data/alliance_ccgs.csv`."""
    found: dict[str, set[str]] = {}
    for ccg in _ccgs():
        if ccg.ods_code:
            found.setdefault(ccg.ods_code, set()).add(ccg.ons_code)
    return {ods: next(iter(ons)) for ods, ons in sorted(found.items()) if len(ons) == 1}


#: Other codings a column may be given in (schema `also_accepts`), each a map to the stored form.
CODINGS = {"ccg_ods": ccg_ods_to_ons}
