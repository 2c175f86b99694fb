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
        self._connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            # Never run triggers or functions a foreign schema might declare.
            self._connection.execute("PRAGMA trusted_schema=OFF")
            self._check_schema()
            if not base_url:
                relative = self._connection.execute(
                    "SELECT uri FROM threads WHERE uri NOT LIKE 'http://%' AND uri NOT LIKE 'https://%' LIMIT 1"
                ).fetchone()
                if relative:
                    raise ImportFileError(
                        f"Isso threads are paths such as {relative[0]!r}: give --base-url, e.g. https://news.example.com"
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
            rows = self._connection.execute(
                "SELECT id, tid, parent, created, mode, text, author, email FROM comments ORDER BY id"
            )
            for row in rows:
                yield _comment(*row)
        except sqlite3.DatabaseError as error:
            raise ImportFileError(f"the Isso database could not be read: {error}") from None

    def _threads(self) -> Iterator[Record]:
        for thread_id, uri, title in self._connection.execute("SELECT id, uri, title FROM threads ORDER BY id").fetchall():
            url = self._address(str(uri or ""))
            yield SourceThread(key=str(thread_id), url=url, title=str(title or ""))

    def _address(self, uri: str) -> str:
        if urlsplit(uri).scheme or not self.base_url:
            return uri  # a path without a base URL was refused on opening
        return urljoin(self.base_url, uri)


def _comment(comment_id, thread_id, parent, created, mode, text, author, email) -> Record:
    source_id = f"{SOURCE}:{comment_id}"
    state = _MODES.get(mode)
    if state is None:
        return SkippedEntry(f"malformed comment (unknown mode {mode!r})", source_id)
    try:
        created_at = utc_from_timestamp(float(created))
    except (TypeError, ValueError, OverflowError, OSError):
        return SkippedEntry("malformed comment (bad created time)", source_id)
    return SourceComment(
        source_id=source_id,
        thread_key=str(thread_id),
        parent_id=f"{SOURCE}:{parent}" if parent else None,
        author_name=str(author or ""),
        author_email=str(email) if email else None,
        text=tidy(str(text or "")),
        created_at=created_at,
        state=state,
    )
