"""The audit trail: moderation events per comment, article events, and the log's pages."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from commentdesk.store.models import Article, ArticleEvent, Comment, ModerationEvent
from commentdesk.store.scoping import within_sites


def event(session: Session, event_id: int) -> ModerationEvent | None:
    return session.get(ModerationEvent, event_id)


def latest_decision_id(session: Session, comment_id: int) -> int | None:
    """The newest event of the comment that is not a reader's report."""
    return session.scalar(
        select(func.max(ModerationEvent.id)).where(ModerationEvent.comment_id == comment_id, ModerationEvent.action != "report")
    )


def newest_event_id(session: Session) -> int:
    """The id of the newest moderation event, 0 when there is none: a page marks what it showed with it."""
    return session.scalar(select(func.max(ModerationEvent.id))) or 0


def decided_by_others_since(
    session: Session, comment_ids: list[int], after_id: int, user_id: int, actions: tuple[str, ...]
) -> ModerationEvent | None:
    """The first moderator event among `actions` on these comments after `after_id` by another user."""
    if not comment_ids:
        return None
    return session.scalars(
        select(ModerationEvent)
        .where(
            ModerationEvent.comment_id.in_(comment_ids),
            ModerationEvent.id > after_id,
            ModerationEvent.actor == "moderator",
            ModerationEvent.action.in_(actions),
            or_(ModerationEvent.actor_user_id.is_(None), ModerationEvent.actor_user_id != user_id),
        )
        .order_by(ModerationEvent.id)
        .limit(1)
    ).first()


def events_by_comment(session: Session, comment_ids: list[int]) -> dict[int, list[ModerationEvent]]:
    """Each comment's audit history, oldest first, in one query."""
    found: dict[int, list[ModerationEvent]] = {comment_id: [] for comment_id in comment_ids}
    if not comment_ids:
        return found
    rows = session.scalars(
        select(ModerationEvent).where(ModerationEvent.comment_id.in_(comment_ids)).order_by(ModerationEvent.id)
    )
    for row in rows:
        found[row.comment_id].append(row)
    return found


def last_human_events(session: Session, comment_ids: list[int], actions: tuple[str, ...]) -> dict[int, ModerationEvent]:
    """Each comment's newest moderator event among `actions`."""
    found: dict[int, ModerationEvent] = {}
    if not comment_ids:
        return found
    rows = session.scalars(
        select(ModerationEvent)
        .where(
            ModerationEvent.comment_id.in_(comment_ids), ModerationEvent.actor == "moderator", ModerationEvent.action.in_(actions)
        )
        .order_by(ModerationEvent.id)
    )
    for row in rows:
        found[row.comment_id] = row
    return found


def add_article_event(session: Session, article: Article, action: str, *, user_id: int | None, actor_name: str) -> None:
    session.add(
        ArticleEvent(article_id=article.id, site_id=article.site_id, action=action, actor_user_id=user_id, actor_name=actor_name)
    )


def article_events(
    session: Session, site_ids: Iterable[int] | None, site_id: int | None = None, limit: int = 50
) -> list[tuple[ArticleEvent, Article]]:
    """The newest article-level actions on these sites."""
    query = (
        select(ArticleEvent, Article)
        .join(Article, Article.id == ArticleEvent.article_id)
        .order_by(ArticleEvent.id.desc())
        .limit(limit)
    )
    if site_id is not None:
        query = query.where(ArticleEvent.site_id == site_id)
    query = within_sites(query, ArticleEvent.site_id, site_ids)
    return [(row, article) for row, article in session.execute(query)]


def audit_page(
    session: Session, site_ids: Iterable[int] | None, filters, before_id: int | None = None, limit: int = 100
) -> list[tuple[ModerationEvent, Comment]]:
    """Events newest first, with their comments; `before_id` pages back through the log.

    `filters` has comment_id, actor, action, site_id and text (services.audit.AuditFilter)."""
    query = within_sites(
        select(ModerationEvent, Comment).join(Comment, Comment.id == ModerationEvent.comment_id),
        ModerationEvent.site_id,
        site_ids,
    )
    if filters.comment_id is not None:
        query = query.where(ModerationEvent.comment_id == filters.comment_id)
    if filters.actor:
        query = query.where(or_(ModerationEvent.actor == filters.actor, ModerationEvent.actor_name == filters.actor))
    if filters.action:
        query = query.where(ModerationEvent.action == filters.action)
    if filters.site_id is not None:
        query = query.where(ModerationEvent.site_id == filters.site_id)
    if filters.text:
        query = query.where(
            or_(
                Comment.text.icontains(filters.text, autoescape=True),
                ModerationEvent.note.icontains(filters.text, autoescape=True),
            )
        )
    if before_id is not None:
        query = query.where(ModerationEvent.id < before_id)
    return [(row, comment) for row, comment in session.execute(query.order_by(ModerationEvent.id.desc()).limit(limit)).all()]


def log_on_newest_comment(session: Session, commenter_id: int, *, user_id: int, username: str, action: str, note: str) -> None:
    """Bans are logged in the audit trail against the commenter's newest comment (the log is per comment)."""
    newest = session.scalar(select(Comment).where(Comment.commenter_id == commenter_id).order_by(Comment.id.desc()).limit(1))
    if newest is None:
        return
    session.add(
        ModerationEvent(
            comment_id=newest.id,
            site_id=newest.site_id,
            actor="moderator",
            actor_name=username,
            actor_user_id=user_id,
            action=action,
            from_status=newest.status,
            to_status=newest.status,
            reasons=[],
            scores={},
            model_versions={},
            note=note,
        )
    )


def moderator_events(session: Session, actions: tuple[str, ...], site_id: int | None = None) -> list[ModerationEvent]:
    """Moderators' events among `actions`, by comment, oldest first (the training data replays them)."""
    query = (
        select(ModerationEvent)
        .where(ModerationEvent.actor == "moderator", ModerationEvent.action.in_(actions))
        .order_by(ModerationEvent.comment_id, ModerationEvent.id)
    )
    if site_id is not None:
        query = query.where(ModerationEvent.site_id == site_id)
    return list(session.scalars(query))
