"""Reading threads: pages of published comments walked along an index from a cursor."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from commentdesk.store.cursors import decode_cursor, encode_cursor
from commentdesk.store.models import Comment, CommentStatus

MAX_PAGE_SIZE = 100
REPLIES_PER_THREAD = 50
# Statuses of a comment readers no longer see: as a top-level comment with published replies it
# is shown as a placeholder (`thread_page`).
OUT_OF_VIEW = (CommentStatus.REJECTED, CommentStatus.PENDING)


@dataclass
class ThreadPage:
    roots: list[Comment]
    replies: dict[int, list[Comment]]  # root id -> published replies, oldest first
    more_replies: dict[int, str | None]  # root id -> cursor for the rest of its replies
    parent_names: dict[int, str]  # comment id -> author name shown, for "Replying to" ("": hidden)
    next_cursor: str | None


def thread_page(session: Session, article_id: int, cursor: str | None, limit: int) -> ThreadPage:
    """The newest published top-level comments after `cursor`, each with its first replies.

    Both queries walk an index from a known position, so a page costs the same in a thread of
    ten comments or of a hundred thousand.
    """
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    query = select(Comment).where(
        Comment.article_id == article_id,
        Comment.status == CommentStatus.PUBLISHED,
        Comment.depth == 0,
        # a comment its author deleted stays only to hold its replies
        or_(Comment.deleted_at.is_(None), Comment.reply_count > 0),
    )
    if cursor:
        when, comment_id = decode_cursor(cursor)
        before_cursor = or_(Comment.created_at < when, and_(Comment.created_at == when, Comment.id < comment_id))
        query = query.where(before_cursor)
    rows = list(session.scalars(query.order_by(Comment.created_at.desc(), Comment.id.desc()).limit(limit + 1)).all())
    # Top-level comments taken out of view after readers answered them (rejected or held by a
    # moderator, or edited into either by their author) stay as placeholders holding their
    # published replies, as a deleted one does: the replies are counted and must be seen.
    # Looked for apart, within the stretch of the thread this page covers, so the published
    # roots' query keeps walking its index in order.
    holding = select(Comment).where(
        Comment.article_id == article_id,
        Comment.status.in_(OUT_OF_VIEW),
        Comment.depth == 0,
        Comment.reply_count > 0,
    )
    if cursor:
        holding = holding.where(before_cursor)
    if len(rows) > limit:
        edge = rows[limit]
        holding = holding.where(
            or_(Comment.created_at > edge.created_at, and_(Comment.created_at == edge.created_at, Comment.id > edge.id))
        )
    placeholders = session.scalars(holding.order_by(Comment.created_at.desc(), Comment.id.desc()).limit(limit + 1)).all()
    if placeholders:
        rows = sorted([*rows, *placeholders], key=lambda row: (row.created_at, row.id), reverse=True)[: limit + 1]
    roots = rows[:limit]
    next_cursor = encode_cursor(roots[-1].created_at, roots[-1].id) if len(rows) > limit and roots else None
    replies: dict[int, list[Comment]] = {}
    more: dict[int, str | None] = {}
    for root in roots:
        if root.reply_count == 0:
            replies[root.id], more[root.id] = [], None
            continue
        replies[root.id], more[root.id] = reply_page(session, root.id, None, REPLIES_PER_THREAD)
    parent_names = _parent_names(session, [reply for group in replies.values() for reply in group])
    return ThreadPage(roots, replies, more, parent_names, next_cursor)


def reply_page(session: Session, root_id: int, cursor: str | None, limit: int) -> tuple[list[Comment], str | None]:
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    query = select(Comment).where(Comment.root_id == root_id, Comment.status == CommentStatus.PUBLISHED, Comment.depth > 0)
    if cursor:
        when, comment_id = decode_cursor(cursor)
        query = query.where(or_(Comment.created_at > when, and_(Comment.created_at == when, Comment.id > comment_id)))
    rows = session.scalars(query.order_by(Comment.created_at, Comment.id).limit(limit + 1)).all()
    page = list(rows[:limit])
    next_cursor = encode_cursor(page[-1].created_at, page[-1].id) if len(rows) > limit and page else None
    return _without_bare_deletions(page), next_cursor


def _without_bare_deletions(replies: list[Comment]) -> list[Comment]:
    """A deleted reply stays in view ("comment deleted") only when a reply shown answers it."""
    answered = {reply.parent_id for reply in replies if reply.deleted_at is None}
    return [reply for reply in replies if reply.deleted_at is None or reply.id in answered]


def _parent_names(session: Session, comments: list[Comment]) -> dict[int, str]:
    ids = {comment.parent_id for comment in comments if comment.parent_id is not None}
    if not ids:
        return {}
    rows = session.execute(
        select(Comment.id, Comment.author_name, Comment.status, Comment.deleted_at).where(Comment.id.in_(ids))
    ).all()
    return {row.id: shown_author_name(row) for row in rows}


def shown_author_name(comment) -> str:
    """The name readers see for a comment: none for one deleted or out of view, whose words and
    author are hidden (a moderator may have rejected it for its name)."""
    if comment.deleted_at is not None or comment.status != CommentStatus.PUBLISHED:
        return ""
    return comment.author_name
