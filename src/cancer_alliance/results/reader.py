"""The reader of the results: the web, the board pack, programme metrics and the CLI read every results
file through `Results`, held in memory.

Pages never compute waiting times; `alliance results refresh` writes a generation of results and the
web reads the current one (design.md, "Layers"; decision record 0023). Each file is read once per
process and read again only when the `results` link moves to another generation or the file changes,
so a page costs a filter over an in-memory frame (issue 6, "Speed").

A server reads a new generation in the background (issue 21, decision record 0053): when the link
moves, the generation already in memory keeps serving while a thread reads the new one and works out
the figures the pages ask for first (`prepare`), and only then do requests switch to it. Each request
is pinned to one generation (`pinned`), so a page never mixes two.

With shared storage (`ALLIANCE_STORAGE_URI`, decision record 0055) the reader also asks the storage
which generation is current, once when it is made and then every `POLL_SECONDS` from a thread, and
`generations.pull` moves the local link; the rest is the same as after a local refresh.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cancer_alliance.config import results_dir
from cancer_alliance.cwt.ptl import COLUMNS as PTL_COLUMNS
from cancer_alliance.cwt.ptl import CROSSING_DAYS, passed_column
from cancer_alliance.errors import StorageError
from cancer_alliance.results import catalogue, generations
from cancer_alliance.results.catalogue import PERFORMANCE_GROUPINGS
from cancer_alliance.results.generations import Generation
from cancer_alliance.storage import shared

#: PTL columns the pages count as true/false.
PTL_FLAGS = ("over_62_backlog", "over_104", *(passed_column(mark) for mark in CROSSING_DAYS))

#: Performance tables by grouping (`catalogue.PERFORMANCE_GROUPINGS`).
GROUPINGS = tuple(PERFORMANCE_GROUPINGS)
#: Columns of the canonical CWT record a pathway timeline shows (dates and providers; never the NHS
#: number pseudonym or anything else about the person).
TIMELINE_COLUMNS = (
    "record_id",
    "priority_type",
    "referral_received_date",
    "consultant_upgrade_date",
    "provider_consultant_upgrade",
    "date_first_seen",
    "provider_first_seen",
    "adjustment_first_seen_days",
    "fds_end_date",
    "provider_fds_end",
    "decision_to_treat_date",
    "transfer_to_treatment_date",
    "accountable_investigating_provider",
    "treatment_start_date",
    "provider_treatment",
    "primary_diagnosis_icd10",
)


#: Timed-pathway milestones (issue 12; `pathways.results_files`): patient-level, reached via `Scope`.
PATHWAY_MILESTONES = catalogue.entry("pathway_milestones").filename
PTL = catalogue.entry("ptl").filename
CWT_RECORDS = catalogue.entry("cwt_records").filename


def _performance_file(grouping: str) -> str:
    return catalogue.entry(f"performance_{grouping}").filename


#: Derived values kept per results file (filter combinations in the explorer, organisation pages).
MAX_DERIVED = 2048
#: Rows kept as dicts per results file (`Results.timeline_row`), the most recently first asked for.
MAX_ROWS = 4096


class ResultsMissing(FileNotFoundError):
    """A results file the page needs has not been computed yet (run `alliance results refresh`)."""


@dataclass
class _Entry:
    version: int  # the file's modification time
    frame: Any  # a DataFrame; for the timed-pathway milestones, `_Milestones`
    derived: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Generation:
    """One generation's files as this process has read them."""

    folder: Path  # the real folder (behind the `results` link, or a plain results folder)
    cache: dict[str, _Entry] = field(default_factory=dict)
    record: tuple[Generation | None] | None = None  # `generation.json`, once read
    # held while a file is read: a loader may read another file (timelines read the PTL)
    lock: threading.RLock = field(default_factory=threading.RLock)


#: Seconds between tries to read a generation that could not be read (the previous one keeps serving).
RETRY_SECONDS = 60.0
#: Seconds between asks of the shared storage which generation is current (a server, with shared storage).
POLL_SECONDS = 30.0

log = logging.getLogger(__name__)


class Results:
    """Read-through cache of the results folder; thread-safe, one per application.

    `background=True` (a server): a new generation is read by a thread while the one in memory keeps
    serving, then `prepare(results)` works out the pages' first figures on it, then requests switch.
    Otherwise (the CLI, the board pack) the reader switches at once, reading files as they are asked for.
    """

    def __init__(
        self,
        home: Path,
        *,
        background: bool = False,
        prepare: Callable[[Results], None] | None = None,
    ) -> None:
        self.home = home
        self.link = results_dir(home)
        self.background = background
        self.prepare = prepare
        self._shared = shared() is not None
        self._polled = time.monotonic()
        self._polling = False
        if self._shared:
            self._pull()
        self._serving = _Generation(Path(os.path.realpath(self.link)))
        self._loading: Path | None = None
        self._failed: dict[Path, float] = {}  # generation -> when reading it last failed
        self._pinned: ContextVar[_Generation | None] = ContextVar(f"results-{id(self)}", default=None)
        self._switch = threading.Lock()  # guards the fields above and below, never held while reading
        self._computing: dict[tuple[str, str], threading.Lock] = {}

    @property
    def folder(self) -> Path:
        """The folder of the generation this request (or call) reads."""
        return self._current().folder

    @contextmanager
    def pinned(self) -> Iterator[None]:
        """Read one generation for the whole block (a request), even if a newer one is switched to."""
        token = self._pinned.set(self._current())
        try:
            yield
        finally:
            self._pinned.reset(token)

    def _current(self) -> _Generation:
        pinned = self._pinned.get()
        return pinned if pinned is not None else self._follow_link()

    def _follow_link(self) -> _Generation:
        """The generation to serve: the one the link points at, unless it is still being read in the
        background (then the one in memory)."""
        if self._shared and time.monotonic() - self._polled >= POLL_SECONDS:
            self._poll()
        target = Path(os.path.realpath(self.link))
        serving = self._serving
        if serving.folder == target:
            return serving
        if self._loading == target:
            return serving
        with self._switch:
            serving = self._serving
            if serving.folder == target:
                return serving
            if not self.background or not serving.cache or not serving.folder.is_dir():
                # nothing in memory worth serving meanwhile (or its folder is gone): switch now
                self._serving = _Generation(target)
                return self._serving
            failed = self._failed.get(target)
            if self._loading is None and (failed is None or time.monotonic() - failed >= RETRY_SECONDS):
                self._loading = target
                threading.Thread(target=self._load, args=(target,), name="results-load", daemon=True).start()
        return serving

    def _poll(self) -> None:
        """Ask the shared storage which generation is current, from one thread at a time."""
        with self._switch:
            if self._polling:
                return
            self._polling, self._polled = True, time.monotonic()
        threading.Thread(target=self._pull, name="results-poll", daemon=True).start()

    def _pull(self) -> None:
        """`generations.pull`; a storage that cannot be reached leaves this machine's results serving."""
        try:
            generations.pull(self.home)
        except StorageError as error:
            log.warning("results: %s; this machine's results keep serving", error)
        finally:
            self._polling, self._polled = False, time.monotonic()

    def load_current(self) -> bool:
        """Read the generation the link points at and switch to it before returning (the import job,
        so that "the pages now show" is true of this process when it says so). False if it could not
        be read: the previous generation keeps serving, and the log says why."""
        target = Path(os.path.realpath(self.link))
        with self._switch:
            if self._serving.folder == target:
                return True
            reading = self._loading == target  # a request has already started reading it
            if not reading:
                self._loading = target
        if reading:
            while self._loading == target:
                time.sleep(0.05)
        else:
            self._load(target)
        return self._serving.folder == target

    def _load(self, target: Path) -> None:
        """Read `target` and work out the pages' first figures, pinned to it; then switch to it if
        the link still points there. A generation that cannot be read leaves the previous one serving."""
        loading = _Generation(target)
        token = self._pinned.set(loading)
        started = time.perf_counter()
        try:
            self.warm()
            failed = False
        except Exception:
            log.exception("results: could not read the generation %s; the previous one keeps serving", target)
            failed = True
        finally:
            self._pinned.reset(token)
        with self._switch:  # switch and stop loading at once: no request sees neither
            if failed:
                self._failed[target] = time.monotonic()
            elif Path(os.path.realpath(self.link)) == target:
                self._serving = loading
            if self._loading == target:
                self._loading = None
        if not failed:
            log.info("results: read %s in %.1f s", target.name, time.perf_counter() - started)

    def _read(self, name: str, loader) -> pd.DataFrame:
        state = self._current()
        path = catalogue.path(state.folder, name)
        try:
            version = path.stat().st_mtime_ns
        except FileNotFoundError:
            raise ResultsMissing(f"results/{name} not found: run `alliance results refresh`") from None
        entry = state.cache.get(name)
        if entry is not None and entry.version == version:
            return entry.frame
        with state.lock:
            entry = state.cache.get(name)
            if entry is None or entry.version != version:
                entry = _Entry(version, loader(path))
                state.cache[name] = entry
        return entry.frame

    def derived(self, grouping: str, name: str, compute: Callable[[pd.DataFrame], Any]) -> Any:
        """`compute(performance table)`, worked out once per loaded file and `name` (a page's figures)."""
        return self._derived(_performance_file(grouping), self.performance(grouping), name, compute)

    def _derived(
        self, file: str, frame: pd.DataFrame, name: str, compute: Callable[[pd.DataFrame], Any]
    ) -> Any:
        """One computation per figure: concurrent requests for a figure not yet worked out wait for
        the first one's result rather than each working it out (the first minutes after a start)."""
        entry = self._current().cache.get(file)
        if entry is None or entry.frame is not frame:  # switched since `frame` was read: not kept
            return compute(frame)
        if name in entry.derived:
            return entry.derived[name]
        with self._switch:
            computing = self._computing.setdefault((file, name), threading.Lock())
        try:
            with computing:
                if name not in entry.derived:
                    if len(entry.derived) >= MAX_DERIVED:
                        entry.derived.pop(next(iter(entry.derived)), None)  # forget the oldest
                    entry.derived[name] = compute(frame)
        finally:
            with self._switch:
                self._computing.pop((file, name), None)
        return entry.derived[name]

    def performance(self, grouping: str) -> pd.DataFrame:
        """Performance against every standard for one grouping (see `GROUPINGS`)."""
        if grouping not in GROUPINGS:
            raise ValueError(f"unknown grouping {grouping!r}")
        return self._read(_performance_file(grouping), _read_parquet)

    def table(self, name: str) -> pd.DataFrame:
        """Another domain's results file by its catalogue name (e.g. `fit_ccg`), read through the cache."""
        return self._read(catalogue.entry(name).filename, _read_parquet)

    def table_derived(self, name: str, key: str, compute: Callable[[pd.DataFrame], Any]) -> Any:
        """`compute(table(name))` once per loaded file and `key`."""
        return self._derived(catalogue.entry(name).filename, self.table(name), key, compute)

    def ptl(self) -> pd.DataFrame:
        """Open 62-day pathways at the census date, one row each (patient-level: reach it via `Scope`)."""
        return self._read(PTL, _read_ptl)

    def ptl_ordered(self, column: str, ascending: bool) -> pd.DataFrame:
        """The PTL sorted by `column` (then record id), sorted once per loaded file."""

        def order(frame: pd.DataFrame) -> pd.DataFrame:
            return frame.sort_values([column, "record_id"], ascending=[ascending, True], na_position="last")

        return self._derived(PTL, self.ptl(), f"order:{column}:{ascending}", order)

    def ptl_positions(self) -> dict[str, int]:
        """Row position of each record id in `ptl()`, built once per loaded file."""
        return self._derived(
            PTL,
            self.ptl(),
            "positions",
            lambda frame: {rid: i for i, rid in enumerate(frame["record_id"])},
        )

    def timeline_row(self, record_id: str) -> dict[str, Any] | None:
        """The milestone dates of one pathway on the PTL as a dict (a copy: callers may change it),
        else None; each row is turned into a dict once per loaded file, as a pathway's page and API ask
        for it several times."""
        return self._row(CWT_RECORDS, self.timelines(), self.timeline_positions(), record_id)

    def _row(self, file: str, frame: pd.DataFrame, positions: dict[str, int], record_id: str) -> dict | None:
        position = positions.get(record_id)
        if position is None:
            return None
        rows: dict[int, dict[str, Any]] = self._derived(file, frame, "rows", lambda _: {})
        row = rows.get(position)
        if row is None:
            if len(rows) >= MAX_ROWS:
                rows.pop(next(iter(rows)), None)  # forget the oldest
            row = rows[position] = frame.iloc[position].to_dict()
        return dict(row)

    def ptl_derived(self, name: str, compute: Callable[[pd.DataFrame], Any]) -> Any:
        """`compute(ptl())` once per loaded file and `name` (for `Scope`, which alone reads the PTL)."""
        return self._derived(PTL, self.ptl(), name, compute)

    def timelines(self) -> pd.DataFrame:
        """The milestone dates of every pathway on the PTL, indexed by record id (patient-level)."""

        def load(path: Path) -> pd.DataFrame:
            open_ids = self.ptl()["record_id"].dropna().tolist()
            names = set(pq.read_schema(path).names)
            columns = [c for c in TIMELINE_COLUMNS if c in names]
            table = pq.read_table(path, columns=columns)
            # filtered in Arrow, without holding Python's lock (0.9 CPU s nationally, against 1.5 s
            # through a `filters=` expression of 153,000 ids built in Python)
            wanted = pa.array(open_ids).cast(table.schema.field("record_id").type)
            table = table.filter(pc.is_in(table["record_id"], value_set=wanted))
            return table.to_pandas()

        return self._read(CWT_RECORDS, load)

    def timeline_positions(self) -> dict[str, int]:
        """Row position of each record id in `timelines()`."""
        return self._derived(
            CWT_RECORDS,
            self.timelines(),
            "positions",
            lambda frame: {rid: i for i, rid in enumerate(frame["record_id"])},
        )

    def pathway_milestones(self, pathway_id: str) -> pd.DataFrame:
        """The timed-pathway milestones of one pathway (patient-level: reach it via `Scope`); empty
        when it is not a lung, prostate or colorectal timed pathway or nothing was computed."""
        if not (self.folder / PATHWAY_MILESTONES).exists():
            return pd.DataFrame()
        return self._milestones().of(pathway_id)

    def _milestones(self) -> _Milestones:
        return self._read(PATHWAY_MILESTONES, _Milestones.read)

    def warm(self) -> None:
        """Load every results file present now and work out the pages' first figures (`prepare`), so a
        worker's first requests do not pay for them. A file that cannot be read raises; a figure that
        fails is logged and left to its first request."""
        for grouping in GROUPINGS:
            if (self.folder / _performance_file(grouping)).exists():
                self.performance(grouping)
        if (self.folder / PTL).exists():
            self.ptl_positions()
            if (self.folder / CWT_RECORDS).exists():
                self.timeline_positions()
        if (self.folder / PATHWAY_MILESTONES).exists():  # a pathway page's first read
            self._milestones()
        if self.prepare is not None:
            try:
                self.prepare(self)
            except Exception:  # an optimisation: each figure is worked out on first use instead
                log.exception("results: the pages' opening figures could not be worked out in advance")

    def generation(self) -> Generation | None:
        """The served generation's record (as-of date, refresh time, inputs), read once per generation;
        None for results not written by `alliance results refresh`."""
        state = self._current()
        if state.record is None:
            state.record = (generations.read(state.folder),)
        return state.record[0]

    def data_status(self) -> str | None:
        """ "Data as of …, refreshed …" for every page's header; None before the first refresh."""
        current = self.generation()
        if current is None:
            return None
        refreshed = current.refreshed_at.astimezone(dt.UTC)
        return f"Data as of {current.as_of:%-d %B %Y}, refreshed {refreshed:%-d %B %Y %H:%M} UTC"

    def reference_date(self) -> dt.date:
        """ "Today" for the pages: the current generation's as-of date, else the PTL's census date."""
        current = self.generation()
        if current is not None:
            return current.as_of
        census = self.ptl()["census_date"]
        if census.empty:
            raise ResultsMissing("no as-of date: the results have no generation.json and the PTL is empty")
        return census.iloc[0]

    def months(self) -> list[str]:
        """Reporting months present, oldest first."""
        return self.derived(
            "month", "months", lambda frame: sorted(frame["reporting_month"].dropna().unique())
        )


@dataclass(frozen=True)
class _Milestones:
    """Every pathway's milestones kept in Arrow, sorted by pathway id, with where each pathway starts.

    Nationally 2.8 million rows: as a pandas frame with its index by pathway they took 4.3 CPU s to read,
    most of it holding Python's global lock, which stalled a server's requests while it read a new
    generation (decision record 0053); Arrow reads and sorts without it, and a page converts only its
    pathway's rows."""

    table: pa.Table
    ids: np.ndarray  # each pathway id once, in order
    bounds: np.ndarray  # the rows of ids[i] are bounds[i] to bounds[i + 1]

    @classmethod
    def read(cls, path: Path) -> _Milestones:
        table = pq.read_table(path)
        column = table.column("pathway_id")
        if pa.types.is_null(column.type):  # no pathway, written without a type (a refresh with none)
            column = column.cast(pa.string())
            table = table.set_column(table.schema.get_field_index("pathway_id"), "pathway_id", column)
        if column.null_count:  # a row with no pathway id is no pathway's: it cannot be asked for
            table = table.filter(pc.is_valid(column))
            column = table.column("pathway_id")
        if len(column) > 1 and not pc.all(pc.greater_equal(column[1:], column[:-1])).as_py():
            table = table.sort_by("pathway_id")
            column = table.column("pathway_id")
        changes = pc.fill_null(pc.not_equal(column[1:], column[:-1]), True).to_numpy()
        starts = np.concatenate([[0], np.flatnonzero(changes) + 1]) if len(column) else np.array([], int)
        ids = column.take(pa.array(starts, pa.int64())).to_numpy(zero_copy_only=False)
        return cls(table, ids, np.append(starts, len(column)))

    def of(self, pathway_id: str) -> pd.DataFrame:
        """The rows of one pathway as a frame (none for an unknown id)."""
        i = int(np.searchsorted(self.ids, pathway_id))
        if i == len(self.ids) or self.ids[i] != pathway_id:
            return self.table.slice(0, 0).to_pandas()
        return self.table.slice(self.bounds[i], self.bounds[i + 1] - self.bounds[i]).to_pandas()


def _read_parquet(path: Path) -> pd.DataFrame:
    return pq.read_table(path).to_pandas()


def _read_ptl(path: Path) -> pd.DataFrame:
    """The PTL file, refused with a clear message when it lacks a column of `cwt.ptl.COLUMNS` or holds
    a flag as anything but a boolean (both written by an older version)."""
    schema = pq.read_schema(path)
    missing = [column for column in PTL_COLUMNS if column not in schema.names]
    not_boolean = [
        flag for flag in PTL_FLAGS if flag in schema.names and schema.field(flag).type != pa.bool_()
    ]
    if missing or not_boolean:
        problem = (
            f"has no column {', '.join(missing)}" if missing else f"holds {', '.join(not_boolean)} as text"
        )
        raise ResultsMissing(
            f"results/{path.name} {problem}: it was computed by an older version; recompute it with "
            "`alliance results refresh`"
        )
    return _read_parquet(path)
