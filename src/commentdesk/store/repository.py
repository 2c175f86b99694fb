"""The storage interface the rest of commentdesk uses: threads, comments, status changes, reports.

Status changes go through `change_status` alone, so the stored counts that reader pages show
(published comments per article, replies per thread, a commenter's record) stay exact.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from commentdesk.store.bounds import MAX_ID
from commentdesk.store.models import (
    Article,
    ArticlePassages,
    Comment,
    Commenter,
    CommentStatus,
    ModerationEvent,
    Nudge,
    Report,
    Site,
    StatementOfReasons,
    utcnow,
)

MAX_PAGE_SIZE = 100
REPLIES_PER_THREAD = 50


class InvalidCursor(ValueError):
    pass


def keyed_hash(secret: str, value: str) -> str:
    """A keyed hash: e-mail addresses and network addresses are never stored in the clear."""
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# --- cursors --------------------------------------------------------------------------------

def encode_cursor(created_at: datetime, comment_id: int) -> str:
    raw = json.dumps([created_at.isoformat(), comment_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        stamp, comment_id = json.loads(raw)
        when = datetime.fromisoformat(stamp)
        if when.tzinfo is None or type(comment_id) is not int or not 0 <= comment_id <= MAX_ID:
            raise ValueError
        return when, comment_id
    except (ValueError, TypeError, json.JSONDecodeError) as error:
        raise InvalidCursor("The cursor is not one this server gave out.") from error


# --- sites and articles ---------------------------------------------------------------------

def site_by_slug(session: Session, slug: str) -> Site | None:
    return session.scalar(select(Site).where(Site.slug == slug))


def site_by_api_key(session: Session, key: str) -> Site | None:
    return session.scalar(select(Site).where(Site.api_key_hash == hash_api_key(key)))


def article_by_url(session: Session, site_id: int, url: str) -> Article | None:
    return session.scalar(select(Article).where(Article.site_id == site_id, Article.url == url))


def upsert_article(session: Session, site: Site, url: str, **fields) -> tuple[Article, bool]:
    """Create or update the article at `url`; returns it and whether it was created."""
    article = article_by_url(session, site.id, url)
    created = article is None
    if article is None:
        article = Article(site_id=site.id, url=url)
        session.add(article)
    for name, value in fields.items():
        if value is not None:
            setattr(article, name, value)
    session.flush()
    return article, created


def comments_closed(article: Article, close_after_days: int | None, now: datetime | None = None) -> bool:
    if not article.comments_open:
        return True
    closing = closing_time(article, close_after_days)
    return closing is not None and (now or utcnow()) > closing


def closing_time(article: Article, close_after_days: int | None) -> datetime | None:
    """When comments close by the site's age limit; None when they stay open."""
    if close_after_days and article.published_at:
        return article.published_at + timedelta(days=close_after_days)
    return None


# --- passages cache -------------------------------------------------------------------------

def article_content_hash(article: Article) -> str:
    return hashlib.sha256(f"{article.title}\n\n{article.body}".encode()).hexdigest()


def cached_passages(session: Session, article: Article, model_version: str) -> tuple[list[str], np.ndarray] | None:
    row = session.get(ArticlePassages, article.id)
    if row is None or row.model_version != model_version or row.content_hash != article_content_hash(article):
        return None
    vectors = np.frombuffer(row.vectors, dtype=np.float32).reshape(len(row.passages), -1)
    return list(row.passages), vectors


def store_passages(session: Session, article: Article, model_version: str, passages: list[str], vectors: np.ndarray) -> None:
    """Write the cache in one upsert: readers posting the first comments of an article at the
    same moment all compute the same passages, and the last write simply wins."""
    values = {"article_id": article.id, "model_version": model_version, "content_hash": article_content_hash(article),
              "passages": list(passages), "vectors": np.ascontiguousarray(vectors, dtype=np.float32).tobytes()}
    statement = dialect_insert(session, ArticlePassages).values(values)
    session.execute(statement.on_conflict_do_update(
        index_elements=[ArticlePassages.article_id],
        set_={name: statement.excluded[name] for name in values if name != "article_id"},
    ))


def dialect_insert(session: Session, model):
    """INSERT with ON CONFLICT, for the backend in use (SQLite and PostgreSQL spell it alike)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)


# --- commenters -----------------------------------------------------------------------------

def commenter_by_identity(session: Session, site_id: int, identity_hash: str) -> Commenter | None:
    """The commenter, if known, without writing anything (posting reads before it writes)."""
    return session.scalar(select(Commenter).where(Commenter.site_id == site_id, Commenter.identity_hash == identity_hash))


def commenter_for(session: Session, site_id: int, identity_hash: str, display_name: str, email_hash: str | None,
                  is_account: bool = False) -> Commenter:
    found = session.scalar(select(Commenter).where(Commenter.site_id == site_id, Commenter.identity_hash == identity_hash))
    if found is not None:
        found.display_name = display_name
        return found
    # Insert-or-ignore: another request may create the same commenter at the same moment. No
    # savepoint: on SQLite, releasing one outside a transaction would commit it.
    session.execute(dialect_insert(session, Commenter).values(
        site_id=site_id, identity_hash=identity_hash, display_name=display_name, email_hash=email_hash,
        published_count=0, pending_count=0, rejected_count=0, ban_reason="", is_account=is_account, created_at=utcnow(),
    ).on_conflict_do_nothing(index_elements=[Commenter.site_id, Commenter.identity_hash]))
    return session.scalars(select(Commenter).where(Commenter.site_id == site_id, Commenter.identity_hash == identity_hash)).one()


def is_banned(commenter: Commenter, now: datetime | None = None) -> bool:
    return commenter.banned_until is not None and commenter.banned_until > (now or utcnow())


def recent_rejections(session: Session, commenter_id: int, days: int) -> int:
    since = utcnow() - timedelta(days=days)
    return session.scalar(
        select(func.count()).select_from(Comment).where(
            Comment.commenter_id == commenter_id, Comment.status == CommentStatus.REJECTED, Comment.created_at >= since
        )
    ) or 0


@dataclass
class Activity:
    """A commenter's recent posts, for the duplicate checks (per-minute counts: store/flood.py)."""

    same_text_by_commenter: bool
    recent_fingerprints: list[int]


def recent_activity(session: Session, site_id: int, commenter_id: int, text: str, window_minutes: int) -> Activity:
    window_start = utcnow() - timedelta(minutes=window_minutes)
    same_text = session.scalar(
        select(Comment.id).where(Comment.commenter_id == commenter_id, Comment.created_at >= window_start, Comment.text == text).limit(1)
    ) is not None
    # The newest few hundred fingerprints in the window bound the cost on busy sites.
    fingerprints = session.scalars(
        select(Comment.fingerprint)
        .where(Comment.site_id == site_id, Comment.created_at >= window_start, Comment.fingerprint.is_not(None), Comment.commenter_id != commenter_id)
        .order_by(Comment.created_at.desc())
        .limit(500)
    ).all()
    return Activity(same_text, [fingerprint for fingerprint in fingerprints if fingerprint is not None])


# --- comments and status --------------------------------------------------------------------

def add_comment(session: Session, comment: Comment, *, actor_reasons: list, scores: dict, model_versions: dict) -> Comment:
    """Insert a new comment with its automatic decision and keep every stored count right."""
    session.add(comment)
    session.flush()
    if comment.parent_id is None:
        comment.root_id = comment.id
    _count(session, comment, comment.status, +1)
    event = ModerationEvent(
        comment_id=comment.id, site_id=comment.site_id, actor="system", actor_name="system",
        action=comment.system_decision, from_status=None, to_status=comment.status,
        reasons=actor_reasons, scores=scores, model_versions=model_versions,
    )
    session.add(event)
    if comment.system_decision != "imported":  # a rejection made elsewhere is not this site's decision
        _issue_statement(session, comment, event)
    return comment


def change_status(session: Session, comment: Comment, new_status: str, *, actor: str, actor_name: str,
                  actor_user_id: int | None = None, action: str | None = None, reasons: list | None = None, note: str = "") -> ModerationEvent:
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
        comment_id=comment.id, site_id=comment.site_id, actor=actor, actor_name=actor_name, actor_user_id=actor_user_id,
        action=action or new_status, from_status=old_status, to_status=new_status, reasons=reasons or [],
        scores=dict(comment.scores or {}), model_versions=dict(comment.model_versions or {}), note=note,
    )
    session.add(event)
    _issue_statement(session, comment, event)
    return event


def _issue_statement(session: Session, comment: Comment, event: ModerationEvent) -> None:
    """Every rejection comes with a statement of reasons for its author (EU Digital Services Act,
    Art. 17); written here, where every status change passes, so no way of rejecting can skip it."""
    # An undo puts back the earlier rejection, whose statement stands again.
    if event.to_status == CommentStatus.REJECTED and event.from_status != CommentStatus.REJECTED and event.action != "undo":
        session.add(StatementOfReasons(comment_id=comment.id, site_id=comment.site_id, event=event,
                                       automated=event.actor == "system", issued_at=event.created_at or utcnow()))


def _count(session: Session, comment: Comment, status: str, delta: int) -> None:
    """Adjust stored counts with atomic UPDATEs so concurrent writers never lose an increment."""
    if status == CommentStatus.CHECKING:
        return  # a comment still being checked counts nowhere yet
    column = {CommentStatus.PUBLISHED: Commenter.published_count, CommentStatus.PENDING: Commenter.pending_count,
              CommentStatus.REJECTED: Commenter.rejected_count}[status]
    session.execute(update(Commenter).where(Commenter.id == comment.commenter_id).values({column: column + delta}))
    # A comment its author deleted stays in the author's record but counts on no reader page.
    if status != CommentStatus.PUBLISHED or comment.deleted_at is not None:
        return
    session.execute(update(Article).where(Article.id == comment.article_id).values(published_count=Article.published_count + delta))
    if comment.parent_id is not None and comment.root_id is not None:
        session.execute(update(Comment).where(Comment.id == comment.root_id).values(reply_count=Comment.reply_count + delta))


# --- reading threads ------------------------------------------------------------------------

@dataclass
class ThreadPage:
    roots: list[Comment]
    replies: dict[int, list[Comment]]       # root id -> published replies, oldest first
    more_replies: dict[int, str | None]      # root id -> cursor for the rest of its replies
    parent_names: dict[int, str]             # comment id -> author name, for "Replying to"
    next_cursor: str | None


def thread_page(session: Session, article_id: int, cursor: str | None, limit: int) -> ThreadPage:
    """The newest published top-level comments after `cursor`, each with its first replies.

    Both queries walk an index from a known position, so a page costs the same in a thread of
    ten comments or of a hundred thousand.
    """
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    query = select(Comment).where(Comment.article_id == article_id, Comment.status == CommentStatus.PUBLISHED, Comment.depth == 0,
                                  # a comment its author deleted stays only to hold its replies
                                  or_(Comment.deleted_at.is_(None), Comment.reply_count > 0))
    if cursor:
        when, comment_id = decode_cursor(cursor)
        query = query.where(or_(Comment.created_at < when, and_(Comment.created_at == when, Comment.id < comment_id)))
    rows = session.scalars(query.order_by(Comment.created_at.desc(), Comment.id.desc()).limit(limit + 1)).all()
    roots = list(rows[:limit])
    next_cursor = encode_cursor(roots[-1].created_at, roots[-1].id) if len(rows) > limit and roots else None
    replies: dict[int, list[Comment]] = {}
    more: dict[int, str | None] = {}
    for root in roots:
        if root.reply_count == 0:
            replies[root.id], more[root.id] = [], None
            continue
        replies[root.id], more[root.id] = reply_page(session, root.id, None, REPLIES_PER_THREAD)
    parent_names = _parent_names(session, [reply for group in replies.values() for reply in group])
    return ThreadPage(roots, replies, more, parent_names, next_cursor)


def reply_page(session: Session, root_id: int, cursor: str | None, limit: int) -> tuple[list[Comment], str | None]:
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    query = select(Comment).where(Comment.root_id == root_id, Comment.status == CommentStatus.PUBLISHED, Comment.depth > 0)
    if cursor:
        when, comment_id = decode_cursor(cursor)
        query = query.where(or_(Comment.created_at > when, and_(Comment.created_at == when, Comment.id > comment_id)))
    rows = session.scalars(query.order_by(Comment.created_at, Comment.id).limit(limit + 1)).all()
    page = list(rows[:limit])
    next_cursor = encode_cursor(page[-1].created_at, page[-1].id) if len(rows) > limit and page else None
    return _without_bare_deletions(page), next_cursor


def _without_bare_deletions(replies: list[Comment]) -> list[Comment]:
    """A deleted reply stays in view ("comment deleted") only when a reply shown answers it."""
    answered = {reply.parent_id for reply in replies if reply.deleted_at is None}
    return [reply for reply in replies if reply.deleted_at is None or reply.id in answered]


def _parent_names(session: Session, comments: list[Comment]) -> dict[int, str]:
    ids = {comment.parent_id for comment in comments if comment.parent_id is not None}
    if not ids:
        return {}
    return dict(session.execute(select(Comment.id, Comment.author_name).where(Comment.id.in_(ids))).all())


# Built once: the counts endpoint also runs it on the event loop (services/read_cache.py).
PUBLISHED_COUNTS = select(Article.id, Article.published_count).where(Article.id.in_(bindparam("ids", expanding=True)))


def published_counts(session: Session, article_ids: list[int]) -> dict[int, int]:
    rows = session.execute(PUBLISHED_COUNTS, {"ids": article_ids}).all()
    return {article_id: count for article_id, count in rows}


# --- reports --------------------------------------------------------------------------------

def add_report(session: Session, comment: Comment, reason: str, note: str, ip_hash: str | None) -> Report:
    report = Report(comment_id=comment.id, reason=reason, note=note, ip_hash=ip_hash)
    session.add(report)
    session.execute(update(Comment).where(Comment.id == comment.id).values(report_count=Comment.report_count + 1))
    session.add(ModerationEvent(
        comment_id=comment.id, site_id=comment.site_id, actor="reader", actor_name="reader", action="report",
        from_status=comment.status, to_status=comment.status, reasons=[{"code": f"report_{reason}", "message": note or reason, "evidence": []}],
        scores=dict(comment.scores or {}), model_versions=dict(comment.model_versions or {}),
    ))
    return report


def already_reported(session: Session, comment_id: int, ip_hash: str | None) -> bool:
    if not ip_hash:
        return False
    return session.scalar(select(Report.id).where(Report.comment_id == comment_id, Report.ip_hash == ip_hash).limit(1)) is not None


def nudge_stats(session: Session, site_id: int) -> dict:
    rows = session.execute(select(Nudge.edited, Nudge.outcome).where(Nudge.site_id == site_id)).all()
    sent = [row for row in rows if row.outcome is not None]
    edited = [row for row in sent if row.edited]
    passed = [row for row in edited if row.outcome == CommentStatus.PUBLISHED]
    return {
        "nudged": len(rows), "sent_after_nudge": len(sent), "edited": len(edited), "edited_and_published": len(passed),
        "unchanged": len(sent) - len(edited), "abandoned": len(rows) - len(sent),
        "edit_pass_rate": round(len(passed) / len(edited), 4) if edited else None,
    }


def now_utc() -> datetime:
    return datetime.now(UTC)
