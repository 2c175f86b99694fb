"""Cross-origin access for the public API only.

The embed script calls `/api/` from publishers' pages, so those answers allow any origin (no
cookies cross origins). The moderator workspace and the reader pages never do: a page on
another site must not be able to read them.
"""

from __future__ import annotations

from typing import Any

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

PUBLIC_PREFIX = "/api/"


class PublicApiCORS:
    def __init__(self, app: ASGIApp, /, **cors_options: Any) -> None:
        self.app = app
        self.cors = CORSMiddleware(app, **cors_options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path", "").startswith(PUBLIC_PREFIX):
            return await self.cors(scope, receive, send)
        return await self.app(scope, receive, send)
