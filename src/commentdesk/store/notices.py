"""Notices of illegal content: look-ups, the moderators' queue, the once-only decision, erasure."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from commentdesk.store import mail
from commentdesk.store.db import changed_rows
from commentdesk.store.models import Comment, IllegalContentNotice, NoticeStatus, Report
from commentdesk.store.scoping import within_sites

# Notices erased per statement: with their messages' keys, within every database's limit on bound parameters.
ERASE_BATCH = 100


def open_notice_from(session: Session, comment_id: int, ip_hash: str) -> bool:
    return (
        session.scalar(
            select(IllegalContentNotice.id)
            .join(Report, Report.id == IllegalContentNotice.report_id)
            .where(
                IllegalContentNotice.comment_id == comment_id,
                IllegalContentNotice.status.in_(NoticeStatus.OPEN),
                Report.ip_hash == ip_hash,
            )
            .limit(1)
        )
        is not None
    )


def removal_ground(session: Session, comment_id: int) -> str | None:
    """The legal ground of the latest notice on which the comment was removed; None if none was."""
    return session.scalar(
        select(IllegalContentNotice.decision_ground)
        .where(IllegalContentNotice.comment_id == comment_id, IllegalContentNotice.decision_action == "remove")
        .order_by(IllegalContentNotice.decided_at.desc(), IllegalContentNotice.id.desc())
        .limit(1)
    )


def by_reference(session: Session, reference: str) -> IllegalContentNotice | None:
    return session.scalar(select(IllegalContentNotice).where(IllegalContentNotice.reference == reference))


def notice(session: Session, notice_id: int) -> IllegalContentNotice | None:
    return session.get(IllegalContentNotice, notice_id)


def queue(session: Session, site_ids: Iterable[int] | None, status: str | None, limit: int) -> list[IllegalContentNotice]:
    """Open notices oldest first (the deadline runs from receipt); decided ones newest first."""
    query = within_sites(
        select(IllegalContentNotice).options(selectinload(IllegalContentNotice.comment).selectinload(Comment.article)),
        IllegalContentNotice.site_id,
        site_ids,
    )
    if status in NoticeStatus.DECIDED:
        query = query.where(IllegalContentNotice.status == status).order_by(IllegalContentNotice.decided_at.desc())
    else:
        wanted = [status] if status in NoticeStatus.OPEN else list(NoticeStatus.OPEN)
        query = query.where(IllegalContentNotice.status.in_(wanted)).order_by(
            IllegalContentNotice.received_at, IllegalContentNotice.id
        )
    return list(session.scalars(query.limit(limit)))


def open_count(session: Session, site_ids: Iterable[int] | None) -> int:
    query = select(func.count()).select_from(IllegalContentNotice).where(IllegalContentNotice.status.in_(NoticeStatus.OPEN))
    return session.scalar(within_sites(query, IllegalContentNotice.site_id, site_ids)) or 0


def claim_decision(
    session: Session,
    notice_id: int,
    *,
    status: str,
    action: str,
    ground: str | None,
    explanation: str,
    now: datetime,
    user_id: int,
    username: str,
) -> bool:
    """Record the decision if the notice is still open; False when another moderator decided first.

    Decided once, even when two moderators send their decisions at the same moment: only the
    first conditional update finds the notice still open."""
    return bool(
        changed_rows(
            session,
            update(IllegalContentNotice)
            .where(IllegalContentNotice.id == notice_id, IllegalContentNotice.status.in_(NoticeStatus.OPEN))
            .values(
                status=status,
                decision_action=action,
                decision_ground=ground,
                decision_explanation=explanation,
                decided_at=now,
                decided_by_user_id=user_id,
                decided_by_name=username,
                review_started_at=func.coalesce(IllegalContentNotice.review_started_at, now),
            )
            .execution_options(synchronize_session="fetch"),
        )
    )


def resolve_report(session: Session, report_id: int, now: datetime) -> None:
    session.execute(update(Report).where(Report.id == report_id, Report.resolved_at.is_(None)).values(resolved_at=now))


def erase_contacts_decided_before(session: Session, before: datetime, now: datetime) -> int:
    """Erase the notifier's name and e-mail from notices decided before `before`, and the messages
    to them not sent yet; returns how many."""
    due = list(
        session.scalars(
            select(IllegalContentNotice.id).where(
                IllegalContentNotice.decided_at.is_not(None),
                IllegalContentNotice.decided_at <= before,
                IllegalContentNotice.contact_erased_at.is_(None),
                or_(
                    IllegalContentNotice.notifier_name.is_not(None),
                    IllegalContentNotice.notifier_email_cipher.is_not(None),
                    IllegalContentNotice.plain_notifier_email.is_not(None),
                ),
            )
        )
    )
    erased = 0
    for start in range(0, len(due), ERASE_BATCH):
        batch = due[start : start + ERASE_BATCH]
        mail.forget_notice_mail(session, batch)
        erased += changed_rows(
            session,
            update(IllegalContentNotice)
            .where(IllegalContentNotice.id.in_(batch), IllegalContentNotice.contact_erased_at.is_(None))
            .values(notifier_name=None, notifier_email_cipher=None, plain_notifier_email=None, contact_erased_at=now),
        )
    return erased


def plain_contacts(session: Session) -> list[tuple[int, str]]:
    """(notice id, address) of the notices that keep their notifier's address in the clear."""
    rows = session.execute(
        select(IllegalContentNotice.id, IllegalContentNotice.plain_notifier_email).where(
            IllegalContentNotice.plain_notifier_email.is_not(None)
        )
    )
    return [(notice_id, address) for notice_id, address in rows if address is not None]


def replace_plain_contact(session: Session, notice_id: int, address: str, cipher: str) -> bool:
    """Keep the address only as `cipher`; False when another server did it first (or the contact
    was erased meanwhile)."""
    return bool(
        changed_rows(
            session,
            update(IllegalContentNotice)
            .where(IllegalContentNotice.id == notice_id, IllegalContentNotice.plain_notifier_email == address)
            .values(notifier_email_cipher=cipher, plain_notifier_email=None),
        )
    )


def an_encrypted_contact(session: Session) -> str | None:
    """The cipher of one notifier's address stored encrypted, if any."""
    return session.scalar(
        select(IllegalContentNotice.notifier_email_cipher).where(IllegalContentNotice.notifier_email_cipher.is_not(None)).limit(1)
    )
