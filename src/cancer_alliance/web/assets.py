"""Front-end assets served from the npm packages `make setup` installs (never committed).

Only the files listed here are served. The NHS.UK stylesheet is served without its `@font-face`
rules: they load Frutiger from assets.nhs.uk, and no page may load anything from outside this server
(issue 6 item 1), so text falls back to the stylesheet's Arial stack.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

NHSUK = "nhsuk-frontend/dist/nhsuk"
VENDOR_FILES: dict[str, tuple[str, str]] = {
    "nhsuk-frontend.css": (f"{NHSUK}/nhsuk-frontend.min.css", "text/css"),
    "nhsuk-frontend.js": (f"{NHSUK}/nhsuk-frontend.min.js", "text/javascript"),
    "vega.js": ("vega/build/vega.min.js", "text/javascript"),
    "vega-lite.js": ("vega-lite/build/vega-lite.min.js", "text/javascript"),
    "vega-embed.js": ("vega-embed/build/vega-embed.min.js", "text/javascript"),
}
_REMOTE_FONT_FACE = re.compile(r"@font-face\{[^}]*https?://[^}]*\}")

router = APIRouter(include_in_schema=False)


@lru_cache(maxsize=16)
def _content(node_modules: Path, name: str) -> bytes:
    relative, media_type = VENDOR_FILES[name]
    data = (node_modules / relative).read_bytes()
    if media_type == "text/css":
        data = _REMOTE_FONT_FACE.sub("", data.decode("utf-8")).encode("utf-8")
    return data


@router.get("/static/vendor/{name}")
def vendor(name: str, request: Request) -> Response:
    if name not in VENDOR_FILES:
        raise HTTPException(status_code=404)
    node_modules = request.app.state.context.settings.node_modules
    return Response(_content(node_modules, name), media_type=VENDOR_FILES[name][1])


def nhsuk_assets(node_modules: Path) -> Path:
    """Folder of the NHS.UK images and manifest, mounted at /assets (the stylesheet's own paths)."""
    return node_modules / NHSUK / "assets"
