"""Authors' own changes to their comments: earlier versions kept for moderators, and deletion.

Deleting keeps the row, so replies keep their place and moderators their record; the comment
leaves every reader-facing count at once (repository._count skips deleted comments).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from commentdesk.store.models import (
    Article,
    Comment,
    CommentRevision,
    CommentStatus,
    ModerationEvent,
    utcnow,
)


def keep_version(session: Session, comment: Comment, now: datetime) -> CommentRevision:
    """Store the comment as it is now, before an edit replaces it."""
    revision = CommentRevision(
        comment_id=comment.id,
        text=comment.text,
        status=comment.status,
        scores=dict(comment.scores or {}),
        reasons=list(comment.reasons or []),
        written_at=comment.edited_at or comment.created_at,
        replaced_at=now,
    )
    session.add(revision)
    return revision


def versions(session: Session, comment_ids: list[int]) -> dict[int, list[CommentRevision]]:
    """Earlier versions per comment, oldest first."""
    found: dict[int, list[CommentRevision]] = {}
    if not comment_ids:
        return found
    rows = session.scalars(
        select(CommentRevision)
        .where(CommentRevision.comment_id.in_(comment_ids))
        .order_by(CommentRevision.comment_id, CommentRevision.id)
    )
    for row in rows:
        found.setdefault(row.comment_id, []).append(row)
    return found


def mark_deleted(session: Session, comment: Comment, *, actor_name: str, now: datetime | None = None) -> ModerationEvent:
    """Delete the comment for readers: it leaves the counts it was in, and the log records who did it."""
    now = now or utcnow()
    if comment.status == CommentStatus.PUBLISHED:
        session.execute(
            update(Article).where(Article.id == comment.article_id).values(published_count=Article.published_count - 1)
        )
        if comment.parent_id is not None and comment.root_id is not None:
            session.execute(update(Comment).where(Comment.id == comment.root_id).values(reply_count=Comment.reply_count - 1))
    else:
        # Nothing readers see changed, but the thread page is rebuilt all the same: cheap and certain.
        touch_article(session, comment.article_id)
    comment.deleted_at = now
    event = ModerationEvent(
        comment_id=comment.id,
        site_id=comment.site_id,
        actor="author",
        actor_name=actor_name,
        action="delete",
        from_status=comment.status,
        to_status=comment.status,
        reasons=[],
        scores=dict(comment.scores or {}),
        model_versions=dict(comment.model_versions or {}),
        note="Deleted by its author.",
        created_at=now,
    )
    session.add(event)
    return event


def touch_article(session: Session, article_id: int) -> None:
    """Raise the article's revision: cached thread pages built before this change are stale."""
    session.execute(update(Article).where(Article.id == article_id).values(revision=Article.revision + 1))
