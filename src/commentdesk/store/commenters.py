"""Commenters: found by their identity hash, created once, their ban and their recent activity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Insert, String, bindparam, cast, func, select
from sqlalchemy.orm import Session, make_transient_to_detached, selectinload

from commentdesk.store.dialect import dialect_insert
from commentdesk.store.models import (
    Comment,
    Commenter,
    CommenterNote,
    CommentStatus,
    utcnow,
)

# The statements every post runs are built once: building one costs more than running it.
_BY_IDENTITY = select(Commenter).where(
    Commenter.site_id == bindparam("site_id"), Commenter.identity_hash == bindparam("identity_hash")
)


def commenter_by_identity(session: Session, site_id: int, identity_hash: str) -> Commenter | None:
    """The commenter, if known, without writing anything (posting reads before it writes)."""
    return session.scalar(_BY_IDENTITY, {"site_id": site_id, "identity_hash": identity_hash})


def commenter_for(
    session: Session, site_id: int, identity_hash: str, display_name: str, email_hash: str | None, is_account: bool = False
) -> Commenter:
    found = commenter_by_identity(session, site_id, identity_hash)
    if found is not None:
        found.display_name = display_name
        return found
    return add_commenter(session, site_id, identity_hash, display_name, email_hash, is_account)


def add_commenter(
    session: Session, site_id: int, identity_hash: str, display_name: str, email_hash: str | None, is_account: bool = False
) -> Commenter:
    """A commenter not found earlier in this request: created, or the one another request
    created at the same moment."""
    # Insert-or-ignore: another request may create the same commenter at the same moment. No
    # savepoint: on SQLite, releasing one outside a transaction would commit it.
    row = session.execute(
        _insert_commenter(session),
        {
            "site_id": site_id,
            "identity_hash": identity_hash,
            "display_name": display_name,
            "email_hash": email_hash,
            "is_account": is_account,
            "created_at": utcnow(),
        },
    ).one_or_none()
    if row is None:
        return session.scalars(_BY_IDENTITY, {"site_id": site_id, "identity_hash": identity_hash}).one()
    # The new row, in the session as if loaded (a Core statement: the ORM's insert costs more than the row).
    created = Commenter(**row._mapping)
    make_transient_to_detached(created)
    session.add(created)
    return created


# Per backend (the ON CONFLICT spelling is the dialect's), built once.
_INSERT_COMMENTER: dict[str, Insert] = {}


def _insert_commenter(session: Session) -> Insert:
    backend = session.get_bind().dialect.name
    if backend not in _INSERT_COMMENTER:
        table = Commenter.__table__
        _INSERT_COMMENTER[backend] = (
            dialect_insert(session, table)
            .values(
                site_id=bindparam("site_id"),
                identity_hash=bindparam("identity_hash"),
                display_name=bindparam("display_name"),
                email_hash=bindparam("email_hash"),
                published_count=0,
                pending_count=0,
                rejected_count=0,
                banned_until=None,
                ban_reason="",
                is_account=bindparam("is_account"),
                created_at=bindparam("created_at"),
            )
            .on_conflict_do_nothing(index_elements=[table.c.site_id, table.c.identity_hash])
            .returning(*table.columns)
        )
    return _INSERT_COMMENTER[backend]


def is_banned(commenter: Commenter, now: datetime | None = None) -> bool:
    return commenter.banned_until is not None and commenter.banned_until > (now or utcnow())


_REJECTIONS_SINCE = (
    select(func.count())
    .select_from(Comment)
    .where(
        Comment.commenter_id == bindparam("commenter_id"),
        Comment.status == CommentStatus.REJECTED,
        Comment.created_at >= bindparam("since"),
    )
)


def recent_rejections(session: Session, commenter_id: int, days: int) -> int:
    since = utcnow() - timedelta(days=days)
    return session.scalar(_REJECTIONS_SINCE, {"commenter_id": commenter_id, "since": since}) or 0


@dataclass
class Activity:
    """A commenter's recent posts, for the duplicate checks (per-minute counts: store/flood.py)."""

    same_text_by_commenter: bool
    recent_fingerprints: list[int]


_SAME_TEXT = (
    select(Comment.id)
    .where(
        Comment.commenter_id == bindparam("commenter_id"),
        Comment.created_at >= bindparam("since"),
        Comment.text == bindparam("text"),
    )
    .limit(1)
)
# The newest few hundred fingerprints in the window bound the cost on busy sites. They come back
# as one comma-separated string: fetched row by row, SQLite's driver gives up the interpreter
# lock for every one of the 500 rows, and under load each handover costs a thread switch.
_NEWEST_FINGERPRINTS = (
    select(Comment.fingerprint.label("fingerprint"))
    .where(
        Comment.site_id == bindparam("site_id"),
        Comment.created_at >= bindparam("since"),
        Comment.fingerprint.is_not(None),
        Comment.commenter_id != bindparam("commenter_id"),
    )
    .order_by(Comment.created_at.desc())
    .limit(500)
    .subquery()
)
_OTHERS_FINGERPRINTS = select(func.aggregate_strings(cast(_NEWEST_FINGERPRINTS.c.fingerprint, String), ","))


def recent_activity(session: Session, site_id: int, commenter_id: int, text: str, window_minutes: int) -> Activity:
    window_start = utcnow() - timedelta(minutes=window_minutes)
    same_text = session.scalar(_SAME_TEXT, {"commenter_id": commenter_id, "since": window_start, "text": text}) is not None
    # Core, not ORM, execution: the ORM's result handling costs more than the query.
    joined = (
        session.connection()
        .execute(_OTHERS_FINGERPRINTS, {"site_id": site_id, "since": window_start, "commenter_id": commenter_id})
        .scalar()
    )
    return Activity(same_text, [int(value) for value in joined.split(",")] if joined else [])


def commenter(session: Session, commenter_id: int) -> Commenter | None:
    return session.get(Commenter, commenter_id)


def known_commenter(session: Session, commenter_id: int) -> Commenter:
    """A commenter that must exist (a stored comment's)."""
    return session.get_one(Commenter, commenter_id)


def pending_comment_ids(session: Session, commenter_id: int) -> list[int]:
    return list(
        session.scalars(select(Comment.id).where(Comment.commenter_id == commenter_id, Comment.status == CommentStatus.PENDING))
    )


def newest_comments(session: Session, commenter_id: int, limit: int) -> list[Comment]:
    """The commenter's newest comments with their articles, newest first."""
    return list(
        session.scalars(
            select(Comment)
            .where(Comment.commenter_id == commenter_id)
            .order_by(Comment.id.desc())
            .limit(limit)
            .options(selectinload(Comment.article))
        )
    )


def add_note(session: Session, commenter_id: int, *, user_id: int, author_name: str, text: str) -> CommenterNote:
    note = CommenterNote(commenter_id=commenter_id, user_id=user_id, author_name=author_name, text=text)
    session.add(note)
    return note


def notes(session: Session, commenter_id: int) -> list[CommenterNote]:
    """Moderators' notes on the commenter, newest first."""
    return list(
        session.scalars(select(CommenterNote).where(CommenterNote.commenter_id == commenter_id).order_by(CommenterNote.id.desc()))
    )
