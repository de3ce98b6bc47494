"""Which NDRS geographies stand for each of the 19 Cancer Alliances of 2018/19.

The NDRS stage file (`reference.stage_at_diagnosis()`) reports the 20 alliances of 2023/24, named as in
the ONS CAL24 list (`reference.alliances("2024/25")`). Eleven 2018/19 alliances have a different code (a
changed footprint) since, so their figures are those of their successor alliance(s). The successors are
DERIVED here from the trusts, not typed in:

1. Each 2018/19 trust (`reference.provider_alliance("2018/19")`, DERIVED geographic membership) is
   traced by its ODS code to its 2025/26 alliance (`reference.provider_alliance("2025/26")`, Bennett
   Institute 2026, CAL24 codes). A trust that merged away or is not an alliance partner in 2025/26 is
   not traced.
2. Each later alliance's *predecessor* is the 2018/19 alliance holding most of its traced trusts.
3. A 2018/19 alliance stands for the later alliances whose predecessor it is: one (`same` code or a
   `successor`) or several (`split`: counts are summed). If it is the predecessor of none (it merged
   into a bigger alliance), it takes the later alliance holding most of its trusts and shares those
   figures with that alliance's predecessor (`shared`).

`share_of_trusts` is the share of the 2018/19 alliance's traced trusts that sit in each geography; a
share below 1 of a single successor means part of the old footprint is reported elsewhere.
The mapping is written to `data/alliance_ndrs_geographies.csv` by `write_mapping()` (regenerate with
`python -m cancer_alliance.early_diagnosis.successors`); a test checks the file equals `derive_mapping()`.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

from cancer_alliance import reference

#: The vintages the derivation joins: 2018/19 alliances, and the trust mapping whose alliances NDRS uses.
FROM_VERSION = "2018/19"
TRUSTS_LATER = "2025/26"
ALLIANCES_LATER = "2024/25"
FILE_NAME = "alliance_ndrs_geographies.csv"
METHOD = (
    "DERIVED: 2018/19 trusts traced by ODS code to their 2025/26 alliance (Bennett 2026); each later "
    "alliance goes to the 2018/19 alliance holding most of its traced trusts"
)
SOURCE = "alliance_trusts.csv (2018/19 DERIVED; 2025/26 bennett_2026); cancer_alliances.csv (2024/25 CAL24)"
COLUMNS = [
    "alliance_code_2018_19",
    "alliance_name_2018_19",
    "ndrs_geography_name",
    "ndrs_alliance_code_2024_25",
    "relation",
    "trusts_in_geography",
    "trusts_traced",
    "trusts_2018_19",
    "share_of_trusts",
    "shared_with",
    "method",
    "hand_corrected",
    "source",
]


@dataclass(frozen=True)
class TrustLinks:
    """Trust-level evidence: `links[(old, new)]` = number of trusts of 2018/19 alliance `old` that sit in
    later alliance `new`; `members[old]` = its 2018/19 trusts (traced or not)."""

    links: Mapping[tuple[str, str], int]
    members: Mapping[str, int]


def trust_links(old: Mapping[str, str] | None = None, new: Mapping[str, str] | None = None) -> TrustLinks:
    """Count trusts by (2018/19 alliance, later alliance) from two trust -> alliance mappings (defaults:
    the reference data)."""
    old = reference.provider_alliance(FROM_VERSION) if old is None else old
    new = reference.provider_alliance(TRUSTS_LATER) if new is None else new
    links = Counter((alliance, new[trust]) for trust, alliance in old.items() if trust in new)
    return TrustLinks(dict(links), dict(Counter(old.values())))


def _most(counter: Mapping[str, int], what: str) -> str:
    ranked = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        tied = ", ".join(code for code, n in ranked if n == ranked[0][1])
        raise ValueError(f"{what}: a tie between {tied}; decide by hand and mark the row")
    return ranked[0][0]


def successor_table(old_codes: Sequence[str], evidence: TrustLinks, names: Mapping[str, str]) -> pd.DataFrame:
    """The mapping (COLUMNS) for the 2018/19 alliances `old_codes`, from the trust evidence; `names`
    gives each later alliance code its NDRS geography name. Raises if a 2018/19 alliance has no traced
    trust or a majority is tied (a case for a marked hand correction, not a guess)."""
    predecessor: dict[str, str] = {}
    for later in sorted({new for _, new in evidence.links}):
        held = {old: n for (old, new), n in evidence.links.items() if new == later}
        predecessor[later] = _most(held, f"later alliance {later}")
    chosen: dict[str, list[str]] = {}
    relations: dict[str, str] = {}
    for old in old_codes:
        held = {new: n for (o, new), n in evidence.links.items() if o == old}
        if not held:
            raise ValueError(f"2018/19 alliance {old}: none of its trusts is traced to a later alliance")
        chosen[old] = sorted(new for new in held if predecessor[new] == old)
        if not chosen[old]:
            chosen[old], relations[old] = [_most(held, f"2018/19 alliance {old}")], "shared"
        elif len(chosen[old]) > 1:
            relations[old] = "split"
        else:
            relations[old] = "same" if chosen[old] == [old] else "successor"
    rows = []
    for old in old_codes:
        traced = sum(n for (o, _), n in evidence.links.items() if o == old)
        for new in chosen[old]:
            others = sorted(o for o in old_codes if o != old and new in chosen[o])
            if others and relations[old] != "shared":
                relations[old] = "shared"
            rows.append(
                {
                    "alliance_code_2018_19": old,
                    "ndrs_geography_name": names[new],
                    "ndrs_alliance_code_2024_25": new,
                    "relation": relations[old],
                    "trusts_in_geography": evidence.links[(old, new)],
                    "trusts_traced": traced,
                    "trusts_2018_19": evidence.members.get(old, 0),
                    "share_of_trusts": round(evidence.links[(old, new)] / traced, 4),
                    "shared_with": ";".join(others),
                    "method": METHOD,
                    "hand_corrected": False,
                    "source": SOURCE,
                }
            )
    return pd.DataFrame(rows)


def derive_mapping() -> pd.DataFrame:
    """The mapping for the 19 alliances of 2018/19 from the project's reference data (COLUMNS)."""
    old = reference.alliances(FROM_VERSION)
    names = {a.code: a.name for a in reference.alliances(ALLIANCES_LATER)}
    table = successor_table([a.code for a in old], trust_links(), names)
    old_names = {a.code: a.name for a in old}
    table.insert(1, "alliance_name_2018_19", table["alliance_code_2018_19"].map(old_names))
    return table.loc[:, COLUMNS]


def _data_file() -> Path:
    return Path(str(resources.files(__package__).joinpath("data").joinpath(FILE_NAME)))


def write_mapping(path: Path | None = None) -> Path:
    """Write `derive_mapping()` as CSV (default: the packaged `data/alliance_ndrs_geographies.csv`)."""
    path = _data_file() if path is None else path
    derive_mapping().to_csv(path, index=False, lineterminator="\n")
    return path


@dataclass(frozen=True)
class NdrsGeographies:
    """The NDRS geographies whose counts stand for one 2018/19 alliance, and how to say so."""

    code: str
    names: tuple[str, ...]
    relation: str
    #: names of the other 2018/19 alliances given the same figures (relation "shared")
    shared_with: tuple[str, ...]
    share_of_trusts: tuple[float, ...]

    @property
    def label(self) -> str:
        """The geographies as one name: `North Central London and North East London`."""
        return _and(self.names)

    @property
    def note(self) -> str | None:
        """What a reader must be told when the figures are not the alliance's own (None if they are)."""
        if self.relation == "same" and self.share_of_trusts == (1.0,):
            return None
        boundaries = "(NDRS boundaries of 2023/24)"
        if self.relation == "split":
            return (
                f"Figures for the successor alliances {self.label} {boundaries}, their counts added "
                "together: this 2018/19 alliance was later split."
            )
        if self.relation == "shared":
            others = _and(self.shared_with)
            return (
                f"Figures for the successor alliance {self.label} {boundaries}, shared with {others}: "
                "this 2018/19 alliance later merged into it."
            )
        kind = "alliance" if self.relation == "same" else "successor alliance"
        note = f"Figures for the {kind} {self.label} {boundaries}."
        share = self.share_of_trusts[0]
        if share < 1:
            note += (
                f" It holds {share:.0%} of this 2018/19 alliance's traced trusts; the others are now in "
                "other alliances."
            )
        return note


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


@cache
def ndrs_mapping() -> pd.DataFrame:
    """The packaged mapping file (COLUMNS), one row per (2018/19 alliance, NDRS geography)."""
    text = resources.files(__package__).joinpath("data").joinpath(FILE_NAME).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    table = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("trusts_in_geography", "trusts_traced", "trusts_2018_19"):
        table[column] = table[column].astype(int)
    table["share_of_trusts"] = table["share_of_trusts"].astype(float)
    table["hand_corrected"] = table["hand_corrected"].map({"True": True, "False": False})
    return table


def ndrs_geographies(code: str) -> NdrsGeographies:
    """The NDRS geographies standing for the 2018/19 alliance `code` (ValueError if it is not one)."""
    rows = ndrs_mapping()
    rows = rows[rows["alliance_code_2018_19"] == code]
    if rows.empty:
        raise ValueError(f"alliance {code} is not one of the 2018/19 alliances")
    shared = rows["shared_with"].iloc[0]
    old_names = {a.code: a.name for a in reference.alliances(FROM_VERSION)}
    return NdrsGeographies(
        code=code,
        names=tuple(rows["ndrs_geography_name"]),
        relation=str(rows["relation"].iloc[0]),
        shared_with=tuple(old_names.get(c, c) for c in shared.split(";")) if shared else (),
        share_of_trusts=tuple(float(s) for s in rows["share_of_trusts"]),
    )


if __name__ == "__main__":  # pragma: no cover - regenerates the data file
    print(write_mapping())
