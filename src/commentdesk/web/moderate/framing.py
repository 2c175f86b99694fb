"""No other site may show the workspace in a frame: a hidden frame over a decoy page could make a
signed-in moderator press its buttons (clickjacking). Every answer under the workspace's prefix
says so, pages, refusals and the scripts' JSON alike; the public API and the embed, which
publishers' pages load, are left as they are."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

FRAMING_HEADERS = [(b"x-frame-options", b"DENY"), (b"content-security-policy", b"frame-ancestors 'none'")]


class NoFraming:
    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app, self.prefix = app, prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path == self.prefix or path.startswith(self.prefix + "/")):
            await self.app(scope, receive, send)
            return

        async def framed(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *FRAMING_HEADERS]
            await send(message)

        await self.app(scope, receive, framed)
