"""Page-load reads answered from the read cache before FastAPI routes them.

Every page load asks for its article (by URL) and the first page of its thread. When the read
cache holds a fresh answer, routing, dependency solving and parameter validation cost more CPU
than the answer itself; this front answers such a request at once and leaves everything else to
the routes.

Only an exact key can hit, and the cache holds a key only after the route validated its request
and built the answer, so a hit never skips a check that would have refused the request. Any other
form of request (a cursor, a repeated or unusual parameter, a miss, a stale entry) goes on to the
route, which answers it as before. The keys are built here, for both.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from commentdesk.services.read_cache import Cached, cache_for, response_parts

API_PREFIX = "/api/v1"
LOOKUP_PATH = f"{API_PREFIX}/articles/lookup"
_THREAD_PATH = re.compile(rf"{re.escape(API_PREFIX)}/articles/([1-9][0-9]{{0,9}})/comments")
# A page size as the route would read it back from its own key: plain digits, no sign or leading zero.
_PLAIN_NUMBER = re.compile(r"[1-9][0-9]{0,5}")


def article_by_url_key(site: str, url: str) -> tuple:
    return ("article-by-url", site, url)


def thread_first_page_key(article_id: int, limit: int | None) -> tuple:
    return ("thread", article_id, limit)


class CachedReads:
    """Pure ASGI; sits inside admission control, so a hit still takes (and gives back) a turn."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            hit = self._hit(scope)
            if hit is not None:
                await _send(send, hit, _header(scope, b"if-none-match"))
                return
        await self.app(scope, receive, send)

    def _hit(self, scope: Scope) -> Cached | None:
        path = scope["path"]
        if path != LOOKUP_PATH and not path.endswith("/comments"):
            return None
        query = _single_valued(scope.get("query_string", b""))
        if query is None:
            return None
        cache = cache_for(scope["app"])
        if path == LOOKUP_PATH:
            site, url = query.get("site"), query.get("url")
            return None if site is None or url is None else cache.fresh(article_by_url_key(site, url))
        thread = _THREAD_PATH.fullmatch(path)
        if thread is None or "cursor" in query:
            return None
        limit = query.get("limit")
        if limit is not None and not _PLAIN_NUMBER.fullmatch(limit):
            return None
        article_id = int(thread.group(1))
        return cache.fresh(thread_first_page_key(article_id, None if limit is None else int(limit)), article_id)


def _single_valued(query_string: bytes) -> dict[str, str] | None:
    """The parameters as the routes read them, or None when one is repeated (the route decides)."""
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    query = dict(pairs)
    return query if len(query) == len(pairs) else None


def _header(scope: Scope, name: bytes) -> str:
    return next((value.decode("latin-1") for key, value in scope["headers"] if key == name), "")


async def _send(send: Send, cached: Cached, if_none_match: str) -> None:
    status, headers, body = response_parts(cached, if_none_match)
    raw_headers = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})
