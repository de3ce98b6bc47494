"""The packaged data files of the programme domain (data, not code)."""

from __future__ import annotations

import csv
import io
from importlib import resources


def read_rows(name: str) -> list[dict[str, str]]:
    """The rows of `programme/data/<name>` as strings."""
    text = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))
