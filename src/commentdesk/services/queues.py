"""The moderation queues: what each holds for a moderator, under their filters, and the badges' counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from commentdesk.services.accounts import Scope
from commentdesk.store import articles, audit, commenters, reports
from commentdesk.store import queues as queue_store
from commentdesk.store.models import (
    Article,
    Comment,
    Commenter,
    ModerationEvent,
    Report,
    utcnow,
)

# The queues, in the workspace's order (their names for moderators: web/moderate/words.py).
QUEUE_NAMES = queue_store.QUEUE_NAMES
# What the rejected queue shows: by default the work (automatic rejections no person has looked
# at); a moderator looking for a comment they rejected themselves switches to the others.
REJECTED_VIEW_NAMES = ("automatic", "moderators", "all")
DEFAULT_REJECTED_VIEW = queue_store.DEFAULT_REJECTED_VIEW
# Published comments stay in the post-moderation review queue this long unless reviewed.
RECENT_DAYS = 7
PAGE_SIZE = 50


@dataclass
class QueueFilter:
    site_id: int | None = None
    article_id: int | None = None
    reason: str | None = None
    commenter_id: int | None = None
    rejected: str = DEFAULT_REJECTED_VIEW  # which rejections the rejected queue shows (REJECTED_VIEW_NAMES)

    def __post_init__(self) -> None:
        if self.rejected not in REJECTED_VIEW_NAMES:
            self.rejected = DEFAULT_REJECTED_VIEW

    def as_params(self) -> dict[str, str]:
        named = {
            "site": self.site_id,
            "article": self.article_id,
            "reason": self.reason,
            "commenter": self.commenter_id,
            "rejected": None if self.rejected == DEFAULT_REJECTED_VIEW else self.rejected,
        }
        return {key: str(value) for key, value in named.items() if value not in (None, "")}

    @property
    def narrows(self) -> bool:
        """Whether the filters leave out part of a queue (the view of the rejected queue does not count)."""
        return any(value is not None and value != "" for value in (self.site_id, self.article_id, self.reason, self.commenter_id))


def queue_comments(
    session: Session, scope: Scope, queue: str, filters: QueueFilter, limit: int = PAGE_SIZE, now: datetime | None = None
) -> list[Comment]:
    """A page of the queue in priority order (store/queues.py says which)."""
    return queue_store.queue_page(
        session, scope.site_ids, queue, filters, now=now or utcnow(), recent_days=RECENT_DAYS, limit=limit
    )


def queue_counts(session: Session, scope: Scope, filters: QueueFilter, now: datetime | None = None) -> dict[str, int]:
    """How many comments each queue holds under these filters (the rejected queue: in the filters' view)."""
    now = now or utcnow()
    return {
        queue: queue_store.queue_size(session, scope.site_ids, queue, filters, now=now, recent_days=RECENT_DAYS)
        for queue in QUEUE_NAMES
    }


@dataclass
class QueueCounts:
    """The workspace's badges: `overall` is every queue's work on the moderator's sites, whatever the
    page's filters (the navigation's badges); `filtered` is what the page's filters leave."""

    overall: dict[str, int]
    filtered: dict[str, int]

    def as_dict(self) -> dict:
        return {"counts": self.overall, "filtered_counts": self.filtered}


def badge_counts(session: Session, scope: Scope, filters: QueueFilter, now: datetime | None = None) -> QueueCounts:
    overall = queue_counts(session, scope, QueueFilter(), now)
    same = not filters.narrows and filters.rejected == DEFAULT_REJECTED_VIEW
    return QueueCounts(overall, overall if same else queue_counts(session, scope, filters, now))


def events_by_comment(session: Session, comment_ids: list[int]) -> dict[int, list[ModerationEvent]]:
    """Each comment's audit history, oldest first, for the cards."""
    return audit.events_by_comment(session, comment_ids)


def unresolved_reports(session: Session, comment_ids: list[int]) -> dict[int, list[Report]]:
    return reports.unresolved_reports(session, comment_ids)


def filter_subjects(session: Session, filters: QueueFilter) -> tuple[Article | None, Commenter | None]:
    """The article and commenter the filters name, for the page's heading."""
    article = articles.article(session, filters.article_id) if filters.article_id else None
    commenter = commenters.commenter(session, filters.commenter_id) if filters.commenter_id else None
    return article, commenter
