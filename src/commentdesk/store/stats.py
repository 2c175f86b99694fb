"""The dashboard's queries: arrivals, decisions and nudges in a window, on a moderator's sites.

Only the columns the figures need are read; the figures are worked out in services/workspace_stats.py
so the same code runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commentdesk.store.models import (
    Article,
    Comment,
    CommentStatus,
    ModerationEvent,
    Nudge,
    Site,
)
from commentdesk.store.scoping import within_sites


@dataclass(frozen=True)
class Window:
    """Which rows the dashboard counts: the moderator's sites, optionally one site or article."""

    site_ids: Iterable[int] | None
    site_id: int | None = None
    article_id: int | None = None

    def limit(self, query, site_column, article_column):
        query = within_sites(query, site_column, self.site_ids)
        if self.site_id is not None:
            query = query.where(site_column == self.site_id)
        if self.article_id is not None:
            query = query.where(article_column == self.article_id)
        return query


def arrivals(session: Session, window: Window, start: datetime):
    """(created_at, system_decision, status, reasons, site_id, article_id) of comments since `start`."""
    return session.execute(
        window.limit(
            select(
                Comment.created_at, Comment.system_decision, Comment.status, Comment.reasons, Comment.site_id, Comment.article_id
            ).where(Comment.created_at >= start),
            Comment.site_id,
            Comment.article_id,
        )
    )


def sites_by_id(session: Session, site_ids: Iterable[int]) -> dict[int, Site]:
    ids = list(site_ids)
    return {site.id: site for site in session.scalars(select(Site).where(Site.id.in_(ids)))} if ids else {}


def articles_by_id(session: Session, article_ids: Iterable[int]) -> dict[int, Article]:
    ids = list(article_ids)
    return {article.id: article for article in session.scalars(select(Article).where(Article.id.in_(ids)))} if ids else {}


def oldest_held(session: Session, window: Window) -> datetime | None:
    return session.scalar(
        window.limit(
            select(func.min(Comment.created_at)).where(Comment.status == CommentStatus.PENDING),
            Comment.site_id,
            Comment.article_id,
        )
    )


def first_human_decisions(session: Session, window: Window, actions: tuple[str, ...]) -> Sequence[Any]:
    """(comment id, first decided, arrived, system decision) for each comment a moderator decided."""
    return session.execute(
        window.limit(
            select(ModerationEvent.comment_id, func.min(ModerationEvent.created_at), Comment.created_at, Comment.system_decision)
            .join(Comment, Comment.id == ModerationEvent.comment_id)
            .where(ModerationEvent.actor == "moderator", ModerationEvent.action.in_(actions))
            .group_by(ModerationEvent.comment_id, Comment.created_at, Comment.system_decision),
            Comment.site_id,
            Comment.article_id,
        )
    ).all()


def overrides_since(session: Session, window: Window, actions: tuple[str, ...], start: datetime) -> int:
    """Human decisions since `start` that changed the comment's status."""
    return (
        session.scalar(
            window.limit(
                select(func.count())
                .select_from(ModerationEvent)
                .join(Comment, Comment.id == ModerationEvent.comment_id)
                .where(
                    ModerationEvent.actor == "moderator",
                    ModerationEvent.action.in_(actions),
                    ModerationEvent.created_at >= start,
                    ModerationEvent.from_status != ModerationEvent.to_status,
                ),
                Comment.site_id,
                Comment.article_id,
            )
        )
        or 0
    )


def nudges_since(session: Session, window: Window, start: datetime) -> Sequence[Any]:
    """(edited, outcome) of the nudges shown since `start`."""
    return session.execute(
        window.limit(select(Nudge.edited, Nudge.outcome).where(Nudge.created_at >= start), Nudge.site_id, Nudge.article_id)
    ).all()
