"""A site's comments read out for export, streamed in id order (a parent before its replies)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commentdesk.store.models import Article, Comment

BATCH_ROWS = 1000
_COLUMNS = (
    Comment.id,
    Article.url,
    Article.title,
    Comment.parent_id,
    Comment.author_name,
    Comment.created_at,
    Comment.status,
    Comment.text,
    Comment.scores,
    Comment.reasons,
    Comment.source_id,
)


def count_comments(session: Session, site_id: int, statuses: list[str]) -> int:
    return (
        session.scalar(select(func.count()).select_from(Comment).where(Comment.site_id == site_id, Comment.status.in_(statuses)))
        or 0
    )


def comment_rows(session: Session, site_id: int, statuses: list[str]) -> Iterator:
    """Rows with id, url, title, parent_id, author_name, created_at, status, text, scores, reasons, source_id."""
    query = (
        select(*_COLUMNS)
        .join(Article, Article.id == Comment.article_id)
        .where(Comment.site_id == site_id, Comment.status.in_(statuses))
        .order_by(Comment.id)
        .execution_options(yield_per=BATCH_ROWS)  # a server-side cursor: memory stays flat
    )
    yield from session.execute(query)
