"""Export a site's comments as JSON lines, one comment per line, streamed from the database.

Only what a publisher needs to move or study its comments leaves the database: never the
hashes of e-mail or network addresses.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TextIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commentdesk.store.models import Article, Comment, Site

BATCH_ROWS = 1000
_COLUMNS = (Comment.id, Article.url, Article.title, Comment.parent_id, Comment.author_name, Comment.created_at,
            Comment.status, Comment.text, Comment.scores, Comment.reasons, Comment.source_id)


def count_comments(session: Session, site: Site, statuses: list[str]) -> int:
    return session.scalar(select(func.count()).select_from(Comment).where(Comment.site_id == site.id, Comment.status.in_(statuses))) or 0


def exported_rows(session: Session, site: Site, statuses: list[str]) -> Iterator[dict]:
    """Comments in id order, so a parent always comes before its replies."""
    query = (
        select(*_COLUMNS).join(Article, Article.id == Comment.article_id)
        .where(Comment.site_id == site.id, Comment.status.in_(statuses))
        .order_by(Comment.id)
        .execution_options(yield_per=BATCH_ROWS)  # a server-side cursor: memory stays flat
    )
    for row in session.execute(query):
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


def write_jsonl(rows: Iterator[dict], out: TextIO) -> int:
    written = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
        written += 1
    return written
