"""The language of each request: the `lang` query parameter (the embed sends its `data-lang`
or the page's `<html lang>`), then the site's default, then `Accept-Language`, then the server's.

The middleware sets it before any route runs, from what it can know without the database; a
route that knows the site, in the API or on a page, calls `for_site` to put the site's default
in its place.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from commentdesk import i18n

_STATE_KEY = "commentdesk.language"


class RequestLanguage:
    """Pure ASGI (not BaseHTTPMiddleware), so the context variable reaches the route and its threads."""

    def __init__(self, app: ASGIApp, default_language: str = i18n.SOURCE_LANGUAGE) -> None:
        self.app = app
        self.default_language = i18n.normalize(default_language) or i18n.SOURCE_LANGUAGE

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        explicit = (query.get("lang") or [None])[0]
        accept = next((value.decode("latin-1") for name, value in scope.get("headers", ()) if name == b"accept-language"), None)
        scope.setdefault("state", {})[_STATE_KEY] = (explicit, accept, self.default_language)
        token = i18n.set_current(i18n.choose(explicit, None, accept, self.default_language))
        try:
            await self.app(scope, receive, send)
        finally:
            i18n._current.reset(token)


def for_site(request: Request, site_language: str | None) -> str:
    """Choose again now that the site is known, and word the rest of the request in that language."""
    explicit, accept, default = request.scope.get("state", {}).get(_STATE_KEY, (None, None, i18n.SOURCE_LANGUAGE))
    language = i18n.choose(explicit, site_language, accept, default)
    i18n.set_current(language)
    return language


def explicit_choice(request: Request) -> str | None:
    """The language the page itself asked for, to carry on in its links and forms."""
    explicit = request.scope.get("state", {}).get(_STATE_KEY, (None,))[0]
    return i18n.normalize(explicit)


def with_lang(request: Request, url: str) -> str:
    """`url` carrying the page's explicit `lang`, so a reader who chose a language keeps it."""
    explicit = explicit_choice(request)
    if not explicit or "lang=" in url:
        return url
    path, hash_mark, fragment = url.partition("#")
    joiner = "&" if "?" in path else "?"
    return f"{path}{joiner}lang={explicit}{hash_mark}{fragment}"
