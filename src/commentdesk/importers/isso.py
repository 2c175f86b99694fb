"""Isso's SQLite database: a `threads` table (page path and title) and a `comments` table.

Isso keys threads by path ("/2024/05/story/"), so a base URL turns them into article
addresses. The database is opened read-only and only its two tables are read.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from commentdesk.importers.records import (
    APPROVED,
    DELETED,
    PENDING,
    ImportFileError,
    Record,
    SkippedEntry,
    SourceComment,
    SourceThread,
    utc_from_timestamp,
)
from commentdesk.importers.text import tidy

SOURCE = "isso"
# Isso's comment modes: 1 accepted, 2 waiting for moderation, 4 deleted (kept for its replies).
_MODES = {1: APPROVED, 2: PENDING, 4: DELETED}
_REQUIRED_COLUMNS = {
    "threads": {"id", "uri", "title"},
    "comments": {"tid", "id", "parent", "created", "mode", "text", "author", "email"},
}


class IssoDatabase:
    """An Isso database opened read-only; `row_count` (threads and comments) sizes the progress bar."""

    def __init__(self, path: Path, base_url: str | None) -> None:
        self.base_url = base_url
        # Threads whose comments cannot be placed (id -> the reason each of them is skipped with).
        self._unusable: dict[object, str] = {}
        self._connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            # Never run triggers or functions a foreign schema might declare.
            self._connection.execute("PRAGMA trusted_schema=OFF")
            self._check_schema()
            if not base_url:
                relative = self._connection.execute(
                    "SELECT CAST(uri AS BLOB) FROM threads WHERE uri NOT LIKE 'http://%' AND uri NOT LIKE 'https://%' LIMIT 1"
                ).fetchone()
                if relative:
                    shown = relative[0].decode("utf-8", "replace") if isinstance(relative[0], bytes) else relative[0]
                    raise ImportFileError(
                        f"Isso threads are paths such as {shown!r}: give --base-url, e.g. https://news.example.com"
                    )
            self.row_count = sum(
                self._connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in _REQUIRED_COLUMNS
            )
        except sqlite3.DatabaseError as error:
            self._connection.close()
            raise ImportFileError(f"not a readable Isso database: {error}") from None
        except ImportFileError:
            self._connection.close()
            raise

    def close(self) -> None:
        self._connection.close()

    def _check_schema(self) -> None:
        tables = {name for (name,) in self._connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        for table, wanted in _REQUIRED_COLUMNS.items():
            if table not in tables:
                raise ImportFileError(f"not an Isso database: no table {table!r}")
            columns = {row[1] for row in self._connection.execute(f"PRAGMA table_info({table})")}
            if missing := wanted - columns:
                raise ImportFileError(f"not an Isso database: table {table!r} lacks {', '.join(sorted(missing))}")

    def records(self) -> Iterator[Record]:
        try:
            yield from self._threads()
            # Text columns are read as bytes and decoded here: a BLOB or a value that is not UTF-8
            # is then one skipped entry, where sqlite3 would stop the whole import.
            rows = self._connection.execute(
                "SELECT id, tid, parent, created, mode, CAST(text AS BLOB), CAST(author AS BLOB), CAST(email AS BLOB) "
                "FROM comments ORDER BY id"
            )
            for row in rows:
                unusable = self._unusable.get(row[1])
                yield SkippedEntry(unusable, f"{SOURCE}:{row[0]}") if unusable else _comment(*row)
        except sqlite3.DatabaseError as error:
            raise ImportFileError(f"the Isso database could not be read: {error}") from None

    def _threads(self) -> Iterator[Record]:
        query = "SELECT id, CAST(uri AS BLOB), CAST(title AS BLOB) FROM threads ORDER BY id"
        for thread_id, raw_uri, raw_title in self._connection.execute(query).fetchall():
            try:
                uri, title = _text(raw_uri), _text(raw_title)
            except UnicodeDecodeError:
                self._unusable[thread_id] = "thread whose uri or title is not UTF-8 text"
                continue
            if not uri.strip():
                # Not the home page: urljoin would make an empty uri the base URL itself.
                self._unusable[thread_id] = "thread without a uri"
                continue
            url = self._address(uri.strip())
            if url is None:
                self._unusable[thread_id] = "thread on another host than --base-url"
                continue
            yield SourceThread(key=str(thread_id), url=url, title=title)

    def _address(self, uri: str) -> str | None:
        """The article address of a thread's uri; None when it would leave --base-url's site."""
        if not self.base_url:
            return uri  # a path without a base URL was refused on opening
        url = urljoin(self.base_url, uri)
        base = urlsplit(self.base_url)
        # "//elsewhere.example/x" or an absolute address of another site must not make articles there.
        if urlsplit(url).netloc.lower() != base.netloc.lower():
            return None
        return url


def _text(value) -> str:
    """A text column read as bytes (NULL: ""); UnicodeDecodeError when it is not UTF-8."""
    if value is None:
        return ""
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _comment(comment_id, thread_id, parent, created, mode, text, author, email) -> Record:
    source_id = f"{SOURCE}:{comment_id}"
    state = _MODES.get(mode)
    if state is None:
        return SkippedEntry(f"malformed comment (unknown mode {mode!r})", source_id)
    try:
        created_at = utc_from_timestamp(float(created))
    except (TypeError, ValueError, OverflowError, OSError):
        return SkippedEntry("malformed comment (bad created time)", source_id)
    try:
        text, author, email = _text(text), _text(author), _text(email)
    except UnicodeDecodeError:
        return SkippedEntry("malformed comment (text, author or e-mail not UTF-8)", source_id)
    return SourceComment(
        source_id=source_id,
        thread_key=str(thread_id),
        parent_id=f"{SOURCE}:{parent}" if parent else None,
        author_name=author,
        author_email=email or None,
        text=tidy(text),
        created_at=created_at,
        state=state,
    )
