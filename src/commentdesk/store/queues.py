"""The moderation queues as queries: which comments each queue holds, in which order, and how many.

The services say what a queue is for (services/queues.py); this module is the SQL of it. Reasons
are matched as text so that the same query runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import Select, Text, and_, cast, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from commentdesk.store.models import Comment, CommentStatus, ModerationEvent, Report
from commentdesk.store.scoping import within_sites

QUEUE_NAMES = ("held", "reported", "recent", "rejected")
HUMAN_DECISIONS = ("approve", "reject", "restore")
UNDO = "undo"
DEFAULT_REJECTED_VIEW = "automatic"


def _last_human_action():
    """The action of a comment's newest human decision (or undo); NULL when none."""
    return (
        select(ModerationEvent.action)
        .where(
            ModerationEvent.comment_id == Comment.id,
            ModerationEvent.actor == "moderator",
            ModerationEvent.action.in_(HUMAN_DECISIONS + (UNDO,)),
        )
        .order_by(ModerationEvent.id.desc())
        .limit(1)
        .correlate(Comment)
        .scalar_subquery()
    )


def _unresolved_report():
    # Notices of illegal content have their own queue (services/notices.py).
    return exists().where(Report.comment_id == Comment.id, Report.resolved_at.is_(None), Report.reason != "illegal_content")


def _queue_condition(queue: str, now: datetime, recent_days: int, rejected_view: str):
    last_human = _last_human_action()
    not_reviewed = or_(last_human.is_(None), last_human == UNDO)
    # A comment its author deleted is shown to no reader: nothing left to decide or answer for.
    if queue == "held":
        return and_(Comment.status == CommentStatus.PENDING, Comment.deleted_at.is_(None))
    if queue == "reported":
        return and_(Comment.status == CommentStatus.PUBLISHED, Comment.deleted_at.is_(None), _unresolved_report())
    if queue == "recent":
        return and_(
            Comment.status == CommentStatus.PUBLISHED, Comment.created_at >= now - timedelta(days=recent_days), not_reviewed
        )
    if queue == "rejected":
        if rejected_view == "moderators":
            return and_(Comment.status == CommentStatus.REJECTED, last_human == "reject")
        if rejected_view == "all":
            return Comment.status == CommentStatus.REJECTED
        # Automatic rejections waiting for a human to confirm or overturn them.
        return and_(Comment.status == CommentStatus.REJECTED, not_reviewed)
    raise ValueError(f"unknown queue {queue!r}")


def _filtered(query: Select, site_ids: Iterable[int] | None, filters) -> Select:
    """`filters` has site_id, article_id, commenter_id and reason (services.queues.QueueFilter)."""
    query = within_sites(query, Comment.site_id, site_ids)
    if filters.site_id is not None:
        query = query.where(Comment.site_id == filters.site_id)
    if filters.article_id is not None:
        query = query.where(Comment.article_id == filters.article_id)
    if filters.commenter_id is not None:
        query = query.where(Comment.commenter_id == filters.commenter_id)
    if filters.reason:
        # Reasons are a JSON list stored as text on both backends; its serialised form is stable
        # ("code": "x"), so a text match finds a code without backend-specific JSON functions.
        needle = f'"code": "{filters.reason}"'
        query = query.where(cast(Comment.reasons, Text).contains(needle, autoescape=True))
    return query


def queue_page(
    session: Session, site_ids: Iterable[int] | None, queue: str, filters, *, now: datetime, recent_days: int, limit: int
) -> list[Comment]:
    """A page of the queue in priority order: reported first, then the highest priority, then the oldest.

    Rejections a person already made are not work: those views show the latest decided first."""
    query = _filtered(select(Comment).where(_queue_condition(queue, now, recent_days, filters.rejected)), site_ids, filters)
    if queue == "rejected" and filters.rejected != DEFAULT_REJECTED_VIEW:
        query = query.order_by(Comment.updated_at.desc(), Comment.id.desc())
    else:
        query = query.order_by((Comment.report_count > 0).desc(), Comment.priority.desc(), Comment.created_at, Comment.id)
    query = query.options(selectinload(Comment.article), selectinload(Comment.parent), selectinload(Comment.commenter))
    return list(session.scalars(query.limit(limit)))


def queue_size(session: Session, site_ids: Iterable[int] | None, queue: str, filters, *, now: datetime, recent_days: int) -> int:
    condition = _queue_condition(queue, now, recent_days, filters.rejected)
    return session.scalar(_filtered(select(func.count()).select_from(Comment).where(condition), site_ids, filters)) or 0
