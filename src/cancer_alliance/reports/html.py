"""Building blocks of a self-contained HTML page: tables, Vega-Lite charts and the local Vega
scripts, inlined. No tag or script refers to anything outside the file."""

from __future__ import annotations

import html
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from cancer_alliance.stats.charts import Chart
from cancer_alliance.stats.icons import ICON_LABELS, icon_data_uri

#: The Vega scripts `make setup` installs from package-lock.json (vega, vega-lite, vega-embed).
VEGA_SCRIPTS = (
    "vega/build/vega.min.js",
    "vega-lite/build/vega-lite.min.js",
    "vega-embed/build/vega-embed.min.js",
)
NODE_MODULES_VARIABLE = "ALLIANCE_NODE_MODULES"

Formatter = Callable[[Any], str]


def node_modules() -> Path | None:
    """The `node_modules` folder holding Vega: `ALLIANCE_NODE_MODULES` if set, else the first one above the
    working directory or this package (the repository root after `make setup`); None if there is none."""
    if os.environ.get(NODE_MODULES_VARIABLE):
        candidates = [Path(os.environ[NODE_MODULES_VARIABLE])]
    else:
        candidates = [
            folder / "node_modules"
            for start in (Path.cwd(), Path(__file__).resolve())
            for folder in [start, *start.parents]
        ]
    for folder in candidates:
        if all((folder / script).is_file() for script in VEGA_SCRIPTS):
            return folder
    return None


def vega_scripts() -> str | None:
    """The three Vega scripts as inline <script> elements, or None when they are not installed."""
    folder = node_modules()
    if folder is None:
        return None
    return "\n".join(
        f"<script>{(folder / script).read_text(encoding='utf-8')}</script>" for script in VEGA_SCRIPTS
    )


def _json(value: Any) -> str:
    """JSON safe inside a <script> element."""
    return json.dumps(value, separators=(",", ":")).replace("</", "<\\/")


def table(frame: pd.DataFrame, columns: Sequence[tuple[str, str, Formatter]], caption: str) -> str:
    """An accessible HTML table: caption, header cells with scope, formatted values ("" for null)."""
    head = "".join(f'<th scope="col">{html.escape(title)}</th>' for _, title, _ in columns)
    body = []
    for row in frame.to_dict("records"):
        cells = "".join(f"<td>{html.escape(fmt(row[name]))}</td>" for name, _, fmt in columns)
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<table class="data"><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def chart(figure: Chart, element_id: str, with_scripts: bool) -> str:
    """A chart container and its spec; drawn by vega-embed when the scripts are inlined, otherwise the
    spec stays in the page as JSON for the web layer (the table beside it carries the figures)."""
    spec = f'<script type="application/json" id="{element_id}-spec">{_json(figure.spec)}</script>'
    if not with_scripts:
        return spec
    draw = (
        f"<script>vegaEmbed('#{element_id}', JSON.parse(document.getElementById('{element_id}-spec').text),"
        "{actions:false,renderer:'svg'});</script>"
    )
    label = html.escape(figure.title)
    return f'<div class="chart" id="{element_id}" role="img" aria-label="{label}"></div>{spec}{draw}'


def icons(names: Sequence[str], size: int = 48) -> str:
    """The Making Data Count icons as <img> elements with their labels as alt text, for readers of the
    page whether or not the chart is drawn; data URIs, so nothing is fetched."""
    images = "".join(
        f'<img src="{icon_data_uri(name)}" alt="{html.escape(ICON_LABELS[name])}" width="{size}" '
        f'height="{size}">'
        for name in names
    )
    return f'<p class="spc-icons">{images}</p>'


def percent(value: Any) -> str:
    return "" if value is None or pd.isna(value) else f"{100 * value:.1f}%"


def count(value: Any) -> str:
    """A published count; null (withheld by disclosure control) shows as [c], the ONS convention."""
    return "[c]" if value is None or pd.isna(value) else f"{value:,.0f}"


def text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
