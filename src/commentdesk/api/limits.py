"""Refuse request bodies over the configured size before reading them into memory (413).

A declared Content-Length over the limit is refused before any byte is read. A chunked body
is counted as it arrives: at the limit, the 413 is sent at once and the application is told the
client went away, so it stops reading; anything it would answer after that is dropped.
"""

from __future__ import annotations

import json

from commentdesk.i18n import gettext as _


class BodySizeLimit:
    def __init__(self, app, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            return await self._refuse(send)
        seen = 0
        refused = False
        response_started = False

        async def counted_receive():
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    refused = True
                    if not response_started:
                        await self._refuse(send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message):
            nonlocal response_started
            if refused:
                return  # the 413 has been sent; the application's own answer is dropped
            response_started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not refused:
                raise

    async def _refuse(self, send) -> None:
        # Inside RequestLanguage: worded in the reader's language.
        message = _("Request bodies are limited to %(count)s bytes.") % {"count": self.max_bytes}
        body = json.dumps({"error": {"code": "too_large", "message": message, "fields": {}}}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})
