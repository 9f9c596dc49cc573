"""Security headers on every response, not only the site's pages.

The site's pages set their own strict Content-Security-Policy (web/routes.py). Everything else
(JSON, CSV, error bodies) gets one that allows nothing at all, since none of it is meant to be
rendered as a page, plus `nosniff` so a browser never guesses that a JSON error echoing a
hostile string is HTML. A plain ASGI wrapper, not Starlette's BaseHTTPMiddleware: it adds two
headers to the start message and costs nothing per body chunk."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_CSP = "default-src 'none'; frame-ancestors 'none'"


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower(): v for k, v in headers}
                html = names.get(b"content-type", b"").startswith(b"text/html")
                # pages set their own policy (the site's, or /docs with the vendored Swagger
                # UI: api.app.DOCS_CSP); every other body gets one that allows nothing
                if b"content-security-policy" not in names and not html:
                    headers.append((b"content-security-policy", API_CSP.encode()))
                if b"x-content-type-options" not in names:
                    headers.append((b"x-content-type-options", b"nosniff"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
