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
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from fastapi import Request, Response
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from commentdesk.store import articles
from commentdesk.store.models import Article, utcnow

log = logging.getLogger(__name__)
# Every client revalidates every time (so a new comment shows at once), cheaply with the ETag.
API_CACHE_CONTROL = "no-cache"
DEFAULT_MAX_BYTES = 32 * 1024 * 1024
# The revision check runs on the event loop (see ReadCache); PostgreSQL gives up on it after
# this long, and the request is then answered the slow way, in a worker thread.
CHECK_TIMEOUT_MS = 500


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


def revisions_of(article: Article) -> tuple[int, int]:
    """The revisions as loaded with the rows a response is being built from."""
    return article.revision, article.site.revision


@dataclass(frozen=True)
class _DriverSql:
    sql: str
    # Parameter names in order, for drivers that take them by position (SQLite); None: by name.
    positions: list[str] | None


def _run_on_driver(connection: Connection, driver_sql: _DriverSql, parameters: dict) -> list:
    """A cache check costs tens of microseconds on SQLite; SQLAlchemy's execution around the
    driver cost several times that, on the event loop, for every page load."""
    if driver_sql.positions is None:
        bound: dict | tuple = parameters
    else:
        bound = tuple(parameters[name] for name in driver_sql.positions)
    driver_connection = connection.connection.dbapi_connection
    if driver_connection is None:  # invalidated: the caller reconnects
        raise DBAPIError(driver_sql.sql, None, ConnectionError("connection invalidated"))
    cursor = driver_connection.cursor()
    try:
        cursor.execute(driver_sql.sql, bound)
        return list(cursor.fetchall())
    finally:
        cursor.close()


class ReadCache:
    """A bounded, least-recently-used map of serialized responses, and the check that keeps it right.

    `fresh` is called on the event loop, without a hop to a worker thread: a hit costs one
    primary-key read (tens of microseconds on SQLite, one round trip on PostgreSQL) on a
    connection of the cache's own, in autocommit so every check sees the latest commit. A miss,
    or any trouble with that connection, sends the request down the ordinary path in a worker
    thread, which builds the response and `put`s it here.
    """

    def __init__(self, engine: Engine, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.engine, self.max_bytes = engine, max_bytes
        self._entries: OrderedDict[tuple, Cached] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._connection: Connection | None = None
        self._check_lock = threading.Lock()
        self._compiled: dict[object, _DriverSql | None] = {}

    def fresh(self, key: tuple, article_id: int | None = None) -> Cached | None:
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
        checked_article = article_id if article_id is not None else entry.article_id
        if checked_article is None or self._revisions(checked_article) != entry.revisions:
            return None
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
        return entry

    def _revisions(self, article_id: int) -> tuple[int, int] | None:
        rows = self.read_on_loop(articles.REVISIONS, {"article_id": article_id})
        return (rows[0][0], rows[0][1]) if rows else None

    def read_on_loop(self, statement, parameters: dict) -> list | None:
        """Rows of a short indexed read on the cache's connection; None when it cannot run now
        (not connected yet, being reconnected by a worker thread, or failing)."""
        if not self._check_lock.acquire(blocking=False):
            return None
        try:
            if self._connection is None:
                return None  # opened by `put`, in a worker thread: connecting may take a while
            try:
                driver_sql = self._driver_sql(statement)
                if driver_sql is None:
                    return list(self._connection.execute(statement, parameters))
                return _run_on_driver(self._connection, driver_sql, parameters)
            except (DBAPIError, self.engine.dialect.loaded_dbapi.Error):
                log.warning("the read cache lost its database connection; reconnecting", exc_info=True)
                self._close_connection()
                return None
        finally:
            self._check_lock.release()

    def _driver_sql(self, statement) -> _DriverSql | None:
        """The statement compiled once for the database's driver; None when it has a list
        parameter (``IN``), which SQLAlchemy must expand on each run."""
        if statement not in self._compiled:
            compiled = statement.compile(dialect=self.engine.dialect)
            expanding = any(getattr(bind, "expanding", False) for bind in compiled.binds.values())
            self._compiled[statement] = None if expanding else _DriverSql(compiled.string, compiled.positiontup)
        return self._compiled[statement]

    def _open_connection(self) -> None:
        with self._check_lock:
            if self._connection is not None:
                return
            connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SET statement_timeout = {CHECK_TIMEOUT_MS}")
            self._connection = connection

    def _close_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.invalidate()
                connection.close()
            except DBAPIError:
                pass

    def close(self) -> None:
        with self._check_lock:
            self._close_connection()

    def connect(self) -> None:
        """Open the cache's connection if it is not open; called from a worker thread."""
        if self._connection is None:
            self._open_connection()

    def put(
        self, key: tuple, body: bytes, article_id: int, revisions: tuple[int, int], stale_after: datetime | None = None
    ) -> Cached:
        """Keep a response built from rows at `revisions`; called from a worker thread."""
        self.connect()
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
    return cache_for(request.app)


def cache_for(app) -> ReadCache:
    """The cache of `app` (the FastAPI application), made on first use."""
    state = app.state
    cache = getattr(state, "read_cache", None)
    if cache is None:
        with _creation_lock:
            cache = getattr(state, "read_cache", None)
            if cache is None:
                cache = state.read_cache = ReadCache(state.engine)
    return cache


def close_cache(app) -> None:
    """Give the cache's connection back (at shutdown)."""
    cache = getattr(app.state, "read_cache", None)
    if cache is not None:
        cache.close()


def etag_matches(if_none_match: str, etag: str) -> bool:
    """Whether an If-None-Match header names this ETag."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    # Weak comparison (RFC 9110 13.1.2): a W/ prefix does not matter for GET.
    return any(candidate.strip().removeprefix("W/") == etag for candidate in if_none_match.split(","))


def response_parts(cached: Cached, if_none_match: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body: 200 with the body, or 304 when the client holds this version."""
    headers = {"ETag": cached.etag, "Cache-Control": API_CACHE_CONTROL}
    if etag_matches(if_none_match, cached.etag):
        return 304, headers, b""
    headers |= {"Content-Type": "application/json", "Content-Length": str(len(cached.body))}
    return 200, headers, cached.body


def json_response(request: Request, cached: Cached) -> Response:
    """The cached answer as a response (see `response_parts`)."""
    status, headers, body = response_parts(cached, request.headers.get("if-none-match", ""))
    return Response(body, status_code=status, headers=headers)
