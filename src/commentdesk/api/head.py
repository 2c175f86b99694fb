"""HEAD for every GET: monitors, link checkers and caches ask HEAD, and FastAPI's routes answer
only the methods they name. One pure-ASGI layer, outside CORS, admission control and the read
cache, so a HEAD is all a GET is (the same checks, the same headers, ETag and 304 included)
except for the body, which is dropped."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if scope["method"] == "HEAD":
            return await self.app({**scope, "method": "GET"}, receive, _without_body(send))
        return await self.app(scope, receive, _naming_head(send))


def _without_body(send: Send) -> Send:
    async def headers_only(message: Message) -> None:
        if message["type"] == "http.response.body":
            if message.get("more_body", False):
                return  # the GET's Content-Length stays: it is what a GET would receive
            message = {"type": "http.response.body", "body": b"", "more_body": False}
        await send(message)

    return headers_only


def _naming_head(send: Send) -> Send:
    """A 405's Allow names HEAD beside GET, since this layer answers it wherever GET is answered."""

    async def allowing_head(message: Message) -> None:
        if message["type"] == "http.response.start" and message["status"] == 405:
            message = {**message, "headers": [_with_head(name, value) for name, value in message.get("headers", [])]}
        await send(message)

    return allowing_head


def _with_head(name: bytes, value: bytes) -> tuple[bytes, bytes]:
    methods = [method.strip() for method in value.decode("latin-1").split(",")]
    if name.lower() != b"allow" or "GET" not in methods or "HEAD" in methods:
        return name, value
    methods.insert(methods.index("GET") + 1, "HEAD")
    return name, ", ".join(methods).encode("latin-1")
