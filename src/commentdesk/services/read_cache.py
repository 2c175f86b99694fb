"""Reader responses kept in memory while the rows they were built from are unchanged.

An entry remembers the revisions of the article and site rows it was built from. Every UPDATE
of those rows raises their revision in the same statement (store/models.py), and every change a
reader can see (a comment published, held back or removed, a count, the article, the site's
policy) updates one of them. So a request reads the two revisions with one indexed look-up and
uses the entry only when both match: exact across any number of server processes, with nothing
to broadcast and nothing to expire.

Each response carries an ETag (a hash of its body); a client that sends it back in
If-None-Match gets 304 Not Modified without the body.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from fastapi import Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from commentdesk.store.models import Article, Site, utcnow

# Every client revalidates every time (so a new comment shows at once), cheaply with the ETag.
API_CACHE_CONTROL = "no-cache"
DEFAULT_MAX_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class Cached:
    body: bytes
    etag: str
    article_id: int | None = None
    revisions: tuple[int, int] | None = None
    # The moment the entry stops being true although no row changed (comments close by date).
    stale_after: datetime | None = None


def etag_of(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def current_revisions(session: Session, article_id: int) -> tuple[int, int] | None:
    """The revisions of an article and of its site, by primary key: the whole cost of a cache hit."""
    row = session.execute(
        select(Article.revision, Site.revision).join(Site, Site.id == Article.site_id).where(Article.id == article_id)
    ).first()
    return (row[0], row[1]) if row else None


def revisions_of(article: Article) -> tuple[int, int]:
    """The revisions as loaded with the rows a response is being built from."""
    return article.revision, article.site.revision


class ReadCache:
    """A bounded, least-recently-used map of serialized responses, shared by a process's threads."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple, Cached] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def current(self, session: Session, key: tuple, article_id: int | None = None) -> Cached | None:
        """The entry for `key` if the rows it was built from are unchanged; None otherwise.

        Without `article_id` the entry's own article is checked (a look-up by URL knows the
        article only once it has been found).
        """
        with self._lock:
            entry = self._entries.get(key)
        if entry is None or entry.revisions is None:
            return None
        if entry.stale_after is not None and utcnow() >= entry.stale_after:
            return None
        if current_revisions(session, article_id if article_id is not None else entry.article_id) != entry.revisions:
            return None
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
        return entry

    def put(self, key: tuple, body: bytes, article_id: int, revisions: tuple[int, int],
            stale_after: datetime | None = None) -> Cached:
        entry = Cached(body, etag_of(body), article_id, revisions, stale_after)
        if len(body) > self.max_bytes // 8:  # one huge page must not empty the cache
            return entry
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._entries[key] = entry
            self._bytes += len(body)
            while self._bytes > self.max_bytes and self._entries:
                _key, evicted = self._entries.popitem(last=False)
                self._bytes -= len(evicted.body)
        return entry

    def __len__(self) -> int:
        return len(self._entries)


_creation_lock = threading.Lock()


def cache_of(request: Request) -> ReadCache:
    """The application's cache, made on first use."""
    state = request.app.state
    cache = getattr(state, "read_cache", None)
    if cache is None:
        with _creation_lock:
            cache = getattr(state, "read_cache", None)
            if cache is None:
                cache = state.read_cache = ReadCache()
    return cache


def _matches(if_none_match: str, etag: str) -> bool:
    if if_none_match.strip() == "*":
        return True
    # Weak comparison (RFC 9110 13.1.2): a W/ prefix does not matter for GET.
    return any(candidate.strip().removeprefix("W/") == etag for candidate in if_none_match.split(","))


def json_response(request: Request, cached: Cached) -> Response:
    """200 with the body, or 304 when the client already holds this version."""
    headers = {"ETag": cached.etag, "Cache-Control": API_CACHE_CONTROL}
    if_none_match = request.headers.get("if-none-match")
    if if_none_match and _matches(if_none_match, cached.etag):
        return Response(status_code=304, headers=headers)
    return Response(cached.body, media_type="application/json", headers=headers)
