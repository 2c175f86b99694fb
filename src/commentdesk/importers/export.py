"""Export a site's comments as JSON lines, one comment per line, streamed from the database.

Only what a publisher needs to move or study its comments leaves the database: never the
hashes of e-mail or network addresses.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO

from sqlalchemy.orm import Session

from commentdesk.store import exports
from commentdesk.store.models import Site


def count_comments(session: Session, site: Site, statuses: list[str]) -> int:
    return exports.count_comments(session, site.id, statuses)


def exported_rows(session: Session, site: Site, statuses: list[str]) -> Iterator[dict]:
    """Comments in id order, so a parent always comes before its replies."""
    for row in exports.comment_rows(session, site.id, statuses):
        yield {
            "id": row.id,
            "article_url": row.url,
            "article_title": row.title,
            "parent_id": row.parent_id,
            "author_name": row.author_name,
            "created_at": row.created_at.isoformat(),
            "status": row.status,
            "text": row.text,
            "scores": row.scores or {},
            "reasons": row.reasons or [],
            "source_id": row.source_id,
        }


def write_jsonl(rows: Iterator[dict], out: IO[str]) -> int:
    written = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
        written += 1
    return written
