"""The as-of date of a refresh: "today" for the PTL, the census and the month pages show by default
(issue #19 item 3). In order: the `--as-of` option, else the `ALLIANCE_AS_OF` setting, else the newest
event date in the lake's waiting-times and timed-pathway tables; never the demo's reference date.
"""

from __future__ import annotations

import datetime as dt
import os

import pyarrow.compute as pc
import pyarrow.parquet as pq

from cancer_alliance.errors import InputError
from cancer_alliance.ingest.lake import snapshot_paths
from cancer_alliance.schemas import schema

SETTING = "ALLIANCE_AS_OF"
#: The tables whose newest event date is "today" when no date is given: the PTL's and pathways'.
EVENT_TABLES = ("cwt", "pathway_event")


def parse(text: str, source: str) -> dt.date:
    """`text` as an ISO date, or InputError naming where it came from."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{source}: {text!r} is not a date (YYYY-MM-DD), e.g. 2019-03-31") from None


def configured(option: str | None) -> dt.date | None:
    """The date given by `--as-of` or the setting, if any."""
    if option:
        return parse(option, "--as-of")
    if setting := os.environ.get(SETTING):
        return parse(setting, SETTING)
    return None


def newest_in_lake() -> dt.date:
    """The latest date in any date column of `EVENT_TABLES`' snapshots; InputError when there is none."""
    newest: dt.date | None = None
    for table in EVENT_TABLES:
        dates = [column.name for column in schema(table).columns if column.type == "date"]
        for path in snapshot_paths(table):
            data = pq.read_table(path, columns=dates)
            for name in dates:
                value = pc.max(data[name]).as_py()
                if value is not None and (newest is None or value > newest):
                    newest = value
    if newest is None:
        raise InputError(
            f"no as-of date: the lake has no dated rows in {', '.join(EVENT_TABLES)}; import data first "
            f"or give --as-of (or set {SETTING})"
        )
    return newest
