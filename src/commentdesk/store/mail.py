"""Queries of the e-mail parts: subscribers, watched comments, the mail outbox, and the messages
to notifiers of illegal content."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from commentdesk.store import leases
from commentdesk.store.models import (
    Comment,
    CommentStatus,
    CommentWatch,
    MailSubscriber,
    NoticeStatus,
    OutgoingMail,
    Report,
    Site,
    utcnow,
)

PENDING, SENT, FAILED = "pending", "sent", "failed"


def an_address_cipher(session: Session) -> str | None:
    """The cipher of one subscriber's address, if any."""
    return session.scalar(select(MailSubscriber.address_cipher).limit(1))


def subscriber(session: Session, site_id: int, email_hash: str) -> MailSubscriber | None:
    return session.scalar(
        select(MailSubscriber).where(MailSubscriber.site_id == site_id, MailSubscriber.email_hash == email_hash)
    )


def watch(session: Session, comment_id: int, subscriber_id: int) -> CommentWatch:
    """The comment's watch (one per comment: its author's), added for `subscriber_id` when it has none."""
    row = session.get(CommentWatch, comment_id)
    if row is None:
        row = CommentWatch(comment_id=comment_id, subscriber_id=subscriber_id)
        session.add(row)
    return row


def confirmed_watcher(session: Session, comment_id: int) -> MailSubscriber | None:
    """Who is told about this comment's replies and outcome: only a subscriber who confirmed
    their address for this very comment."""
    return session.scalar(
        select(MailSubscriber)
        .join(CommentWatch, CommentWatch.subscriber_id == MailSubscriber.id)
        .where(CommentWatch.comment_id == comment_id, CommentWatch.confirmed_at.is_not(None))
    )


def watch_of(session: Session, comment_id: int, subscriber_id: int) -> CommentWatch | None:
    row = session.get(CommentWatch, comment_id)
    return row if row is not None and row.subscriber_id == subscriber_id else None


def confirmed_for_commenter(session: Session, subscriber_id: int, commenter_id: int) -> bool:
    """Whether the address's owner confirmed it for some comment of this commenter."""
    return (
        session.scalar(
            select(CommentWatch.comment_id)
            .join(Comment, Comment.id == CommentWatch.comment_id)
            .where(
                CommentWatch.subscriber_id == subscriber_id,
                CommentWatch.confirmed_at.is_not(None),
                Comment.commenter_id == commenter_id,
            )
            .limit(1)
        )
        is not None
    )


def confirm_watches_up_to(session: Session, subscriber_id: int, signed_at: datetime, now: datetime) -> int:
    """Confirm the subscriber's watches on comments posted by `signed_at` (a confirm link from
    before links named their comment: it can only have been sent for one of those); how many."""
    ids = list(
        session.scalars(
            select(CommentWatch.comment_id)
            .join(Comment, Comment.id == CommentWatch.comment_id)
            .where(
                CommentWatch.subscriber_id == subscriber_id,
                CommentWatch.confirmed_at.is_(None),
                Comment.created_at <= signed_at,
            )
        )
    )
    if ids:
        session.execute(update(CommentWatch).where(CommentWatch.comment_id.in_(ids)).values(confirmed_at=now))
    return len(ids)


def forget_subscriber(session: Session, subscriber_id: int) -> None:
    """Unsubscribing: the address, the watches and any unsent message to it go."""
    row = session.get(MailSubscriber, subscriber_id)
    if row is None:
        return
    session.execute(delete(CommentWatch).where(CommentWatch.subscriber_id == subscriber_id))
    session.execute(
        delete(OutgoingMail).where(
            OutgoingMail.recipient_hash == row.email_hash, OutgoingMail.status == PENDING, OutgoingMail.site_id == row.site_id
        )
    )
    session.delete(row)


def notice_mail_key(notice_id: int, status: str) -> str:
    """The outbox key of the message telling a notifier their notice reached `status`: each is sent
    once, and erasing the notifier's contact finds them by it."""
    return f"notice:{notice_id}:{status}"


def forget_notice_mail(session: Session, notice_ids: list[int]) -> None:
    """The notifier's contact is erased: their messages not sent yet go too."""
    keys = [notice_mail_key(notice_id, status) for notice_id in notice_ids for status in NoticeStatus.ALL]
    session.execute(delete(OutgoingMail).where(OutgoingMail.dedupe_key.in_(keys), OutgoingMail.status == PENDING))


def forget_unconfirmed(session: Session, older_than: datetime) -> int:
    """Addresses never confirmed are not kept: they were given, but the reader never agreed."""
    stale = list(
        session.scalars(
            select(MailSubscriber.id).where(MailSubscriber.confirmed_at.is_(None), MailSubscriber.created_at < older_than)
        )
    )
    for subscriber_id in stale:
        forget_subscriber(session, subscriber_id)
    # A confirmed address's watch that was never confirmed (a comment someone else posted with
    # it, or one its owner let go) is of no use once its link has expired.
    session.execute(
        delete(CommentWatch).where(
            CommentWatch.confirmed_at.is_(None),
            CommentWatch.comment_id.in_(select(Comment.id).where(Comment.created_at < older_than)),
        )
    )
    return len(stale)


def messages_since(session: Session, recipient_hash: str, since: datetime) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(OutgoingMail)
            .where(OutgoingMail.recipient_hash == recipient_hash, OutgoingMail.created_at >= since)
        )
        or 0
    )


def claim_due(session: Session, claimer: str, lease: timedelta, limit: int) -> list[int]:
    """Take up to `limit` due messages for this server (store/leases.py); their ids."""
    now = utcnow()
    return leases.claim(
        session,
        OutgoingMail,
        claimer,
        now=now,
        until=now + lease,
        limit=limit,
        due=[OutgoingMail.status == PENDING, OutgoingMail.next_attempt_at <= now],
        order_by=[OutgoingMail.next_attempt_at],
    )


def hold_for_sending(session: Session, message_id: int, claimer: str, lease: timedelta) -> OutgoingMail | None:
    """The message, its lease renewed for one more send, if `claimer` still holds it unsent; else
    None (another server took it over after this one's lease ran out, or it was sent). A batch of
    slow sends can outlast the lease it was claimed with; checking and renewing in one UPDATE just
    before each send means a message is never sent by two servers."""
    if not leases.renew(session, OutgoingMail, [message_id], claimer, utcnow() + lease):
        return None
    mail = session.get(OutgoingMail, message_id)
    return mail if mail is not None and mail.status == PENDING else None


def release(session: Session, claimer: str) -> None:
    """Give back the unsent messages `claimer` holds (a server stopping), so another server sends them now."""
    leases.release(session, OutgoingMail, claimer, OutgoingMail.status == PENDING)


def recent_messages(session: Session, limit: int = 50) -> list[OutgoingMail]:
    return list(session.scalars(select(OutgoingMail).order_by(OutgoingMail.id.desc()).limit(limit)))


def queue_sizes(session: Session) -> list[tuple[str, int, int, datetime | None]]:
    """Per site: (name, comments waiting for a moderator, unresolved reports, oldest waiting since)."""
    rows: list[tuple[str, int, int, datetime | None]] = []
    for site in session.scalars(select(Site).order_by(Site.name)):
        held, oldest = session.execute(
            select(func.count(), func.min(Comment.created_at)).where(
                Comment.site_id == site.id, Comment.status == CommentStatus.PENDING
            )
        ).one()
        reports = (
            session.scalar(
                select(func.count())
                .select_from(Report)
                .join(Comment, Comment.id == Report.comment_id)
                .where(Comment.site_id == site.id, Report.resolved_at.is_(None))
            )
            or 0
        )
        rows.append((site.name, held, reports, oldest))
    return rows


def subscriber_by_id(session: Session, subscriber_id: int) -> MailSubscriber | None:
    return session.get(MailSubscriber, subscriber_id)


def outgoing(session: Session, message_id: int) -> OutgoingMail | None:
    return session.get(OutgoingMail, message_id)


def already_queued(session: Session, dedupe_key: str) -> bool:
    """Whether a message with this key was queued before (a reply or decision is told once)."""
    return session.scalar(select(OutgoingMail.id).where(OutgoingMail.dedupe_key == dedupe_key).limit(1)) is not None
