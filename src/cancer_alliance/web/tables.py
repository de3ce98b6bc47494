"""JSON and CSV forms of a table: every table a page shows can be downloaded (issue 6 item 3)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

import pandas as pd
from fastapi.responses import JSONResponse, Response

from cancer_alliance.csv_export import csv_text
from cancer_alliance.web.presenters.performance import records


class Format(StrEnum):
    json = "json"
    csv = "csv"


def table_response(frame: pd.DataFrame, columns: Sequence[str], fmt: Format, filename: str) -> Response:
    """`frame[columns]` as JSON (`{"rows": [...]}`) or as a CSV attachment named `filename`."""
    selected = frame.loc[:, [c for c in columns if c in frame.columns]]
    if fmt is Format.csv:
        return csv_response(records(selected), list(selected.columns), filename)
    return JSONResponse({"rows": _jsonable(records(selected))})


def csv_response(rows: list[dict[str, Any]], columns: Sequence[str], filename: str) -> Response:
    """`rows` as a CSV attachment, through the formula-safe writer (`csv_export`)."""
    return csv_attachment(csv_text(rows, columns), filename)


def csv_attachment(content: str, filename: str) -> Response:
    """CSV text as a download named `filename`."""
    return Response(
        content,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _jsonable(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        out.append({k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()})
    return out
