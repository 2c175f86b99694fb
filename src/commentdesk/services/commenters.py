"""What moderators do about a commenter: ban or suspend, lift it, keep notes, read their record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from commentdesk.services import decisions
from commentdesk.services.comment_input import clean_text
from commentdesk.store import audit, commenters, guest_bans
from commentdesk.store.models import (
    Comment,
    Commenter,
    CommenterNote,
    ModerationEvent,
    User,
    utcnow,
)
from commentdesk.store.queues import HUMAN_DECISIONS, UNDO

# A ban that does not end: far enough ahead for any purpose, and valid on every backend.
PERMANENT = datetime(9999, 12, 31, tzinfo=UTC)


def ban(
    session: Session,
    user: User,
    commenter: Commenter,
    *,
    days: int | None,
    reason: str,
    reject_pending: bool = False,
    now: datetime | None = None,
) -> datetime:
    """Suspend for `days`, or ban for good when days is None; logged as a note and on their newest comment."""
    reason = clean_text(reason)  # as notices' explanations: PostgreSQL cannot store NUL
    now = now or utcnow()
    until = PERMANENT if days is None else now + timedelta(days=days)
    commenter.banned_until = until
    commenter.ban_reason = reason
    # A guest could come back under a new name: the ban covers their recent addresses and embed tokens too.
    guest_bans.record(session, commenter, until)
    kind = "ban" if days is None else "suspend"
    described = "Banned" if days is None else f"Suspended for {days} day{'s' if days != 1 else ''}"
    audit.log_on_newest_comment(
        session, commenter.id, user_id=user.id, username=user.username, action=kind, note=f"{described}. {reason}".strip()
    )
    commenters.add_note(
        session,
        commenter.id,
        user_id=user.id,
        author_name=user.username,
        text=f"{described}: {reason or 'no reason given'}",
    )
    if reject_pending:
        pending = commenters.pending_comment_ids(session, commenter.id)
        if pending:
            session.flush()
            decisions.decide(
                session,
                user,
                pending,
                "reject",
                rejection_reason="other",
                note=f"Rejected with the {kind} of the commenter.",
                commit=False,
            )
    session.commit()
    return until


def unban(session: Session, user: User, commenter: Commenter) -> bool:
    """Lift the commenter's ban or suspension; False, changing and logging nothing, when there is none."""
    if not commenters.is_banned(commenter):
        return False
    commenter.banned_until = None
    guest_bans.lift(session, commenter)
    audit.log_on_newest_comment(
        session, commenter.id, user_id=user.id, username=user.username, action="unban", note="Ban lifted."
    )
    commenters.add_note(session, commenter.id, user_id=user.id, author_name=user.username, text="Ban lifted.")
    session.commit()
    return True


def add_note(session: Session, user: User, commenter: Commenter, text: str) -> CommenterNote | None:
    """The note, or None when there is nothing to keep (only space or control characters)."""
    text = clean_text(text)
    if not text:
        return None
    note = commenters.add_note(session, commenter.id, user_id=user.id, author_name=user.username, text=text)
    session.commit()
    return note


@dataclass
class CommenterRecord:
    commenter: Commenter
    comments: list[Comment]
    last_human: dict[int, ModerationEvent]
    notes: list[CommenterNote]
    rejection_rate: float | None
    banned: bool


def commenter_record(session: Session, commenter: Commenter, limit: int = 200) -> CommenterRecord:
    comments = commenters.newest_comments(session, commenter.id, limit)
    last_human = audit.last_human_events(session, [comment.id for comment in comments], HUMAN_DECISIONS + (UNDO,))
    decided = (commenter.published_count or 0) + (commenter.rejected_count or 0)
    rate = (commenter.rejected_count or 0) / decided if decided else None
    return CommenterRecord(
        commenter, comments, last_human, commenters.notes(session, commenter.id), rate, commenters.is_banned(commenter)
    )
