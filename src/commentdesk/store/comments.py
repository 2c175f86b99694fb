"""Comments: adding one and changing its status.

Status changes go through `change_status` alone, so the stored counts that reader pages show
(published comments per article, replies per thread, a commenter's record) stay exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, Update, bindparam, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from commentdesk.store.inserts import insert_loaded
from commentdesk.store.models import (
    Article,
    Comment,
    Commenter,
    CommentStatus,
    ModerationEvent,
    StatementOfReasons,
    utcnow,
)


def comment(session: Session, comment_id: int, *, for_update: bool = False) -> Comment | None:
    return session.get(Comment, comment_id, with_for_update=for_update or None)


# Posting runs these on every comment: built once, as Core statements on the tables, because
# building them, or a flush of the ORM's unit of work, costs more than running them.
_COMMENTS = cast(Table, Comment.__table__)
# Part of the insert, not a change: updated_at stays as inserted.
_ROOT_IS_ITSELF = (
    update(_COMMENTS)
    .where(_COMMENTS.c.id == bindparam("row_id"))
    .values(root_id=_COMMENTS.c.id, updated_at=_COMMENTS.c.updated_at)
)


def add_comment(session: Session, comment: Comment, *, actor_reasons: list, scores: dict, model_versions: dict) -> Comment:
    """Insert a new comment (a new object with its columns set, no relationships) with its
    automatic decision and keep every stored count right. The comment is then in the session
    as if loaded: every column, its id and root_id included, is readable without a query."""
    insert_loaded(session, comment)
    if comment.parent_id is None:
        session.execute(_ROOT_IS_ITSELF, {"row_id": comment.id})
        set_committed_value(comment, "root_id", comment.id)
    _count(session, comment, comment.status, +1)
    event = insert_loaded(
        session,
        ModerationEvent(
            comment_id=comment.id,
            site_id=comment.site_id,
            actor="system",
            actor_name="system",
            action=comment.system_decision,
            from_status=None,
            to_status=comment.status,
            reasons=actor_reasons,
            scores=scores,
            model_versions=model_versions,
        ),
    )
    if comment.system_decision != "imported":  # a rejection made elsewhere is not this site's decision
        _issue_statement(session, comment, event)
    return comment


def lock(session: Session, comment_ids: list[int]) -> None:
    """Hold the comments' rows until the transaction ends (PostgreSQL; SQLite's writer is single)."""
    session.execute(select(Comment.id).where(Comment.id.in_(comment_ids)).order_by(Comment.id).with_for_update())


def change_status(
    session: Session,
    comment: Comment,
    new_status: str,
    *,
    actor: str,
    actor_name: str,
    actor_user_id: int | None = None,
    action: str | None = None,
    reasons: list | None = None,
    note: str = "",
) -> ModerationEvent:
    """Move a comment to `new_status`, logging the decision; counts follow the move."""
    if new_status not in CommentStatus.ALL:
        raise ValueError(f"unknown status {new_status!r}")
    old_status = comment.status
    if old_status != new_status:
        _count(session, comment, old_status, -1)
        comment.status = new_status
        comment.updated_at = utcnow()
        _count(session, comment, new_status, +1)
    event = ModerationEvent(
        comment_id=comment.id,
        site_id=comment.site_id,
        actor=actor,
        actor_name=actor_name,
        actor_user_id=actor_user_id,
        action=action or new_status,
        from_status=old_status,
        to_status=new_status,
        reasons=reasons or [],
        scores=dict(comment.scores or {}),
        model_versions=dict(comment.model_versions or {}),
        note=note,
    )
    session.add(event)
    _issue_statement(session, comment, event)
    return event


def _issue_statement(session: Session, comment: Comment, event: ModerationEvent) -> None:
    """Every rejection comes with a statement of reasons for its author (EU Digital Services Act,
    Art. 17); written here, where every status change passes, so no way of rejecting can skip it."""
    # An undo puts back the earlier rejection, whose statement stands again.
    if event.to_status == CommentStatus.REJECTED and event.from_status != CommentStatus.REJECTED and event.action != "undo":
        session.add(
            StatementOfReasons(
                comment_id=comment.id,
                site_id=comment.site_id,
                event=event,
                automated=event.actor == "system",
                issued_at=event.created_at or utcnow(),
            )
        )


@dataclass(frozen=True)
class _StoredCount:
    """UPDATE model's table SET column = column + :delta WHERE id = :row_id, built once; the
    table's columns its UPDATEs also change (`onupdate`: an article's revision, the times)."""

    model: type
    column: str
    statement: Update
    also_changed: tuple[str, ...]


def _adding(model, column: str) -> _StoredCount:
    table = model.__table__
    statement = update(table).where(table.c.id == bindparam("row_id")).values({column: table.c[column] + bindparam("delta")})
    return _StoredCount(model, column, statement, tuple(c.key for c in table.columns if c.onupdate is not None))


# The commenter's count follows the comment's status.
_COMMENTER_COUNTS = {
    status: _adding(Commenter, column)
    for status, column in (
        (CommentStatus.PUBLISHED, "published_count"),
        (CommentStatus.PENDING, "pending_count"),
        (CommentStatus.REJECTED, "rejected_count"),
    )
}
_ARTICLE_COUNT = _adding(Article, "published_count")
_REPLY_COUNT = _adding(Comment, "reply_count")


def _count(session: Session, comment: Comment, status: str, delta: int) -> None:
    """Adjust stored counts with atomic UPDATEs so concurrent writers never lose an increment."""
    if status == CommentStatus.CHECKING:
        return  # a comment still being checked counts nowhere yet
    _add(session, _COMMENTER_COUNTS[status], comment.commenter_id, delta)
    # A comment its author deleted stays in the author's record but counts on no reader page.
    if status != CommentStatus.PUBLISHED or comment.deleted_at is not None:
        return
    _add(session, _ARTICLE_COUNT, comment.article_id, delta)
    if comment.parent_id is not None and comment.root_id is not None:
        _add(session, _REPLY_COUNT, comment.root_id, delta)


def _add(session: Session, count: _StoredCount, row_id: int, delta: int) -> None:
    """Run one count's UPDATE. A row already loaded in the session is left as an ORM UPDATE
    leaves it: the new count set, the columns the UPDATE also changed read fresh when asked for."""
    session.execute(count.statement, {"row_id": row_id, "delta": delta})
    loaded = session.identity_map.get(identity_key(count.model, row_id))
    if loaded is None:
        return
    if count.column in loaded.__dict__:
        set_committed_value(loaded, count.column, loaded.__dict__[count.column] + delta)
    stale = [key for key in count.also_changed if key in loaded.__dict__]
    if stale:
        session.expire(loaded, stale)


def with_articles(session: Session, comment_ids: list[int]) -> list[tuple[Comment, Article]]:
    """The comments with their articles; callers keep `comment_ids` to a few hundred."""
    return [
        (row, article)
        for row, article in session.execute(
            select(Comment, Article).join(Article, Article.id == Comment.article_id).where(Comment.id.in_(comment_ids))
        ).all()
    ]


def texts(session: Session, comment_ids: list[int]) -> dict[int, str]:
    if not comment_ids:
        return {}
    return dict(session.execute(select(Comment.id, Comment.text).where(Comment.id.in_(set(comment_ids)))).all())


def latest_statement(session: Session, comment_id: int) -> StatementOfReasons | None:
    """The newest statement of reasons issued for the comment."""
    return session.scalar(
        select(StatementOfReasons)
        .where(StatementOfReasons.comment_id == comment_id)
        .order_by(StatementOfReasons.id.desc())
        .limit(1)
    )


def recent_authors(session: Session, comment_ids: list[int], since: datetime) -> list[tuple[int, str, bool]]:
    """(comment id, identity hash, is an account) of the comments posted since `since`, not deleted."""
    return [
        (comment_id, identity, is_account)
        for comment_id, identity, is_account in session.execute(
            select(Comment.id, Commenter.identity_hash, Commenter.is_account)
            .join(Commenter, Commenter.id == Comment.commenter_id)
            .where(Comment.id.in_(comment_ids), Comment.created_at >= since, Comment.deleted_at.is_(None))
        ).all()
    ]


def imported(session: Session, site_id: int, source_id: str):
    """(id, root_id, depth, article_id) of the comment imported from `source_id`, or None."""
    return session.execute(
        select(Comment.id, Comment.root_id, Comment.depth, Comment.article_id).where(
            Comment.site_id == site_id, Comment.source_id == source_id
        )
    ).first()


def backdate(session: Session, comment_id: int, when: datetime) -> None:
    """Give a comment and its events an earlier time (the demo's seeded comments)."""
    session.execute(update(Comment).where(Comment.id == comment_id).values(created_at=when, updated_at=when))
    session.execute(update(ModerationEvent).where(ModerationEvent.comment_id == comment_id).values(created_at=when))
