"""The transparency report's queries: notices, decisions and statements of reasons in a period."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commentdesk.store.models import (
    Comment,
    CommentStatus,
    IllegalContentNotice,
    ModerationEvent,
    NoticeStatus,
    StatementOfReasons,
)
from commentdesk.store.scoping import within_sites


@dataclass
class PeriodRows:
    notices_by_ground: dict[str, int]
    notices_by_outcome: dict[str, int]
    notices_open: int
    notices_handled: Sequence[Any]  # (received_at, decided_at)
    actions: Sequence[Any]  # (actor, action, count) of system and moderator events
    statements: Sequence[Any]  # (automated, event_id)
    reasons_of_event: dict[int, list]
    held_first_decisions: Sequence[Any]  # (comment created_at, first human decision at)


def _in_period(column, start: datetime, end: datetime):
    return (column >= start) & (column < end)


def period_rows(session: Session, start: datetime, end: datetime, site_ids: list[int] | None) -> PeriodRows:
    """What happened in [start, end) on the given sites (None: every site)."""
    notice = IllegalContentNotice
    received = within_sites(
        select(notice.ground, func.count()).where(_in_period(notice.received_at, start, end)), notice.site_id, site_ids
    )
    decided = within_sites(
        select(notice.status, func.count()).where(_in_period(notice.decided_at, start, end)), notice.site_id, site_ids
    )
    still_open = within_sites(
        select(func.count())
        .select_from(notice)
        .where(_in_period(notice.received_at, start, end), notice.status.in_(NoticeStatus.OPEN)),
        notice.site_id,
        site_ids,
    )
    handled = within_sites(
        select(notice.received_at, notice.decided_at).where(_in_period(notice.decided_at, start, end)), notice.site_id, site_ids
    )

    event = ModerationEvent
    actions = within_sites(
        select(event.actor, event.action, func.count()).where(
            _in_period(event.created_at, start, end), event.actor.in_(("system", "moderator"))
        ),
        event.site_id,
        site_ids,
    )
    statements = within_sites(
        select(StatementOfReasons.automated, StatementOfReasons.event_id).where(
            _in_period(StatementOfReasons.issued_at, start, end)
        ),
        StatementOfReasons.site_id,
        site_ids,
    )
    reasons_of: dict[int, list] = dict(
        session.execute(select(event.id, event.reasons).where(event.id.in_(select(statements.subquery().c.event_id)))).all()
    )
    # A held comment is handled when a moderator first decides it: the wait from its posting.
    first_decision = within_sites(
        select(Comment.created_at, func.min(event.created_at))
        .join(Comment, Comment.id == event.comment_id)
        .where(
            _in_period(event.created_at, start, end),
            event.actor == "moderator",
            event.action.in_(("approve", "reject")),
            event.from_status == CommentStatus.PENDING,
        ),
        event.site_id,
        site_ids,
    ).group_by(Comment.id, Comment.created_at)

    return PeriodRows(
        notices_by_ground=dict(session.execute(received.group_by(notice.ground)).all()),
        notices_by_outcome=dict(session.execute(decided.group_by(notice.status)).all()),
        notices_open=session.scalar(still_open) or 0,
        notices_handled=session.execute(handled).all(),
        actions=session.execute(actions.group_by(event.actor, event.action)).all(),
        statements=session.execute(statements).all(),
        reasons_of_event=reasons_of,
        held_first_decisions=session.execute(first_decision).all(),
    )
