"""A disclosure step's complements file (docs/decisions/0051): the cells the public tables withhold
besides the small counts, decided once per refresh so that every public page, the API, the board pack
and the deliverables withhold the same cells.

Each domain declares its file once (`ComplementsFile`: the catalogue name, the files the complements
are decided from, and how). The refresh writes it; readers take it from the generation, or, for a
generation written before its step existed, decide it from the same files (once per generation).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from cancer_alliance.results.reader import Results


@dataclass(frozen=True)
class ComplementsFile:
    """One complements file of the results catalogue."""

    #: Its catalogue name (e.g. `fit_withheld`).
    name: str
    #: The catalogue files it is decided from (the public tables).
    sources: tuple[str, ...]
    #: The complements of the results in a folder (a generation); keyword options pass through
    #: `write` (e.g. the waiting times' `workers`).
    decide: Callable[..., pd.DataFrame]

    def write(self, folder: Path, **options: Any) -> pd.DataFrame:
        """Decide the complements of the results in `folder` and write them there (the refresh's
        disclosure step)."""
        return self.keep(folder, self.decide(folder, **options))

    def keep(self, folder: Path, chosen: pd.DataFrame) -> pd.DataFrame:
        """Write complements already decided (with another file's, when two tables are linked)."""
        from cancer_alliance.results import catalogue  # the catalogue imports the domains

        chosen.to_parquet(catalogue.path(folder, self.name), index=False)
        return chosen

    def read(self, folder: Path) -> pd.DataFrame:
        """The complements of the results in `folder` (a generation or the `results` link): the
        refresh's file, else (none written, or an older step's) decided now, once per generation,
        else none when the folder has no results of this domain."""
        from cancer_alliance.results import catalogue

        path = catalogue.path(folder, self.name)
        if path.exists() and self._current(found := pd.read_parquet(path)):
            return found
        sources = [catalogue.path(folder, name) for name in self.sources]
        if not all(source.exists() for source in sources):
            return pd.DataFrame(columns=list(catalogue.entry(self.name).columns))
        versions = tuple(source.stat().st_mtime_ns for source in sources)
        return _decided(self, str(folder.resolve()), versions)

    def served(self, results: Results) -> pd.DataFrame:
        """The complements of the generation `results` serves, through its cache when written."""
        from cancer_alliance.results.reader import ResultsMissing

        try:
            found = results.table(self.name)
        except ResultsMissing:
            return self.read(results.folder)
        return found if self._current(found) else self.read(results.folder)

    def _current(self, found: pd.DataFrame) -> bool:
        """Whether a written file has every column the catalogue names (an older step's file, with
        fewer, covered fewer tables: its complements are decided again)."""
        from cancer_alliance.results import catalogue

        return set(catalogue.entry(self.name).columns) <= set(found.columns)


def read_tables(folder: Path, names: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """Catalogue name -> that results file in `folder` (the public tables a decision reads)."""
    from cancer_alliance.results import catalogue

    return {name: pd.read_parquet(catalogue.path(folder, name)) for name in names}


@lru_cache(maxsize=8)
def _decided(file: ComplementsFile, folder: str, _versions: tuple[int, ...]) -> pd.DataFrame:
    """`file`'s complements decided from a generation's files (generations never change; the file
    versions guard a folder rewritten by a test)."""
    return file.decide(Path(folder))
