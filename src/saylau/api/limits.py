"""Request size limits, enforced before a route reads the body (ASGI middleware).

JSON bodies are small (a protocol is a few hundred bytes, a turnout batch of 50,000 stations
a few MB): more than MAX_JSON_BODY is refused with 413 before it is read. CSV imports have
their own, larger limit (api.bodies.MAX_BODY), checked by the import routes as they stream.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_JSON_BODY = 8 * 1024 * 1024
CSV_PATHS_SUFFIXES = ("/protocols/import", "/api/geography")


def _too_large(size: int, limit: int) -> bytes:
    return json.dumps({"error": {
        "code": "too_large",
        "message": f"the body is {size:,} bytes or more; at most {limit:,} are accepted here",
        "details": {"field": "body", "expected": f"<= {limit} bytes", "actual": size},
    }}).encode()


class BodyLimit:
    """Refuse JSON request bodies over the limit with 413, by Content-Length when declared
    and by counting the stream otherwise."""

    def __init__(self, app: ASGIApp, limit: int = MAX_JSON_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope.get("path", "")).endswith(CSV_PATHS_SUFFIXES):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send, int(declared))
            return
        # read the body up to the limit, then hand it on (JSON bodies are small)
        messages: list[Message] = []
        seen = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            seen += len(message.get("body", b""))
            if seen > self.limit:
                await self._refuse(send, seen)
                return
            if not message.get("more_body", False):
                break
        replay = iter(messages)

        async def replayed() -> Message:
            return next(replay, None) or await receive()

        await self.app(scope, replayed, send)

    async def _refuse(self, send: Send, size: int) -> None:
        body = _too_large(size, self.limit)
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
