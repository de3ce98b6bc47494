"""A request body limit on every route, as plain ASGI middleware (issue 21 item 5).

Forms and JSON are small, so every route takes at most `max_body_bytes`; only the upload routes
(`/import`, the deliverables import) take up to `max_upload_bytes`. A declared Content-Length over the
limit is refused before anything is read; a body without one (chunked) is counted as it arrives and
refused as soon as it passes the limit, so an anonymous client cannot make the server hold 100 MB.
Refusals are 413 (RFC 9110, 15.5.14).
"""

from __future__ import annotations

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Routes that accept a file.
UPLOAD_PATHS = frozenset({"/import", "/programme/deliverables/import"})


class BodyTooLarge(Exception):
    """The body passed its limit while being read."""


class BodyLimit:
    """ASGI middleware refusing request bodies over the limit for their route with 413."""

    def __init__(self, app: ASGIApp, max_body_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes

    def limit(self, path: str) -> int:
        return self.max_upload_bytes if path in UPLOAD_PATHS else self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _refuse(limit)(scope, receive, send)
            return
        received = 0
        exceeded = False

        async def counted() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise BodyTooLarge
            return message

        async def unless_exceeded(message: Message) -> None:
            if not exceeded:  # the route's answer to a cut-off body (often a 400) is replaced below
                await send(message)

        try:
            await self.app(scope, counted, unless_exceeded)
        except BodyTooLarge:
            pass
        if exceeded:
            await _refuse(limit)(scope, receive, send)


def _refuse(limit: int) -> PlainTextResponse:
    return PlainTextResponse(f"Request body too large: at most {limit:,} bytes.", status_code=413)
