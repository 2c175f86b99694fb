"""Comments that arrived before their thread or their parent, kept on disk until they can be placed.

An export may list every post before the threads, or replies before what they answer; keeping
those comments in memory made memory grow with the file. They wait in a temporary SQLite file
instead (deleted when the import ends) and come back in small batches.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from datetime import datetime

from commentdesk.importers.records import SourceComment

BATCH = 50


class WaitingRoom:
    def __init__(self) -> None:
        handle, self._path = tempfile.mkstemp(prefix="commentdesk-import-", suffix=".sqlite3")
        os.close(handle)
        self._db = sqlite3.connect(self._path)
        # A scratch file: nothing in it needs to survive a crash.
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE waiting (seq INTEGER PRIMARY KEY, kind TEXT, key TEXT, source_id TEXT, data TEXT)")
        self._db.execute("CREATE INDEX waiting_key ON waiting (kind, key, seq)")
        self._db.execute("CREATE INDEX waiting_source ON waiting (source_id)")

    def add(self, key: tuple[str, str], comment: SourceComment) -> None:
        data = json.dumps(
            [
                comment.source_id,
                comment.thread_key,
                comment.parent_id,
                comment.author_name,
                comment.author_email,
                comment.text,
                comment.created_at.isoformat(),
                comment.state,
            ]
        )
        self._db.execute("INSERT INTO waiting (kind, key, source_id, data) VALUES (?, ?, ?, ?)", (*key, comment.source_id, data))

    def take(self, key: tuple[str, str], limit: int = BATCH) -> list[SourceComment]:
        """Up to `limit` comments waiting on `key`, oldest first; they leave the room."""
        rows = self._db.execute(
            "SELECT seq, data FROM waiting WHERE kind = ? AND key = ? ORDER BY seq LIMIT ?", (*key, limit)
        ).fetchall()
        if rows:
            self._db.executemany("DELETE FROM waiting WHERE seq = ?", [(seq,) for seq, _data in rows])
        return [_comment(data) for _seq, data in rows]

    def keys(self, kind: str | None = None) -> list[tuple[str, str]]:
        query = "SELECT DISTINCT kind, key FROM waiting" + (" WHERE kind = ?" if kind else "") + " ORDER BY kind, key"
        return [tuple(row) for row in self._db.execute(query, (kind,) if kind else ())]

    def holds(self, source_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM waiting WHERE source_id = ? LIMIT 1", (source_id,)).fetchone() is not None

    def __bool__(self) -> bool:
        return self._db.execute("SELECT 1 FROM waiting LIMIT 1").fetchone() is not None

    def close(self) -> None:
        self._db.close()
        try:
            os.unlink(self._path)
        except FileNotFoundError:
            pass


def _comment(data: str) -> SourceComment:
    source_id, thread_key, parent_id, name, email, text, created_at, state = json.loads(data)
    return SourceComment(
        source_id=source_id,
        thread_key=thread_key,
        parent_id=parent_id,
        author_name=name,
        author_email=email,
        text=text,
        created_at=datetime.fromisoformat(created_at),
        state=state,
    )
