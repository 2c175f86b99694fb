"""Domain events: the one place where "something happened to a comment or an article" is recorded.

Services call `record` (or `record_status`) inside the transaction that makes the change, so an
event exists exactly when its change was committed: the change and its event stand or fall
together, whatever crashes afterwards. The `domain_events` table is the outbox; webhooks are
one reader of it (a delivery row per event and endpoint, written here in the same transaction),
and any later integration reads the same rows.

A payload names the site, the article and the comment, with the comment's status, author name,
text and reason codes. It never holds a commenter's e-mail or network address, not even hashed.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from commentdesk.store import articles, inserts, sites, webhooks
from commentdesk.store.models import (
    Article,
    Comment,
    CommentStatus,
    DomainEvent,
    Site,
    WebhookDelivery,
    utcnow,
)

COMMENT_CREATED = "comment.created"
COMMENT_PUBLISHED = "comment.published"
COMMENT_HELD = "comment.held"
COMMENT_REJECTED = "comment.rejected"
COMMENT_EDITED = "comment.edited"
COMMENT_DELETED = "comment.deleted"
COMMENT_REPORTED = "comment.reported"
ARTICLE_CLOSED = "article.closed"

KINDS = (
    COMMENT_CREATED,
    COMMENT_PUBLISHED,
    COMMENT_HELD,
    COMMENT_REJECTED,
    COMMENT_EDITED,
    COMMENT_DELETED,
    COMMENT_REPORTED,
    ARTICLE_CLOSED,
)

# The event a comment's new status announces; "checking" announces nothing (its check decides it).
STATUS_KINDS = {
    CommentStatus.PUBLISHED: COMMENT_PUBLISHED,
    CommentStatus.PENDING: COMMENT_HELD,
    CommentStatus.REJECTED: COMMENT_REJECTED,
}
# What receivers read as the comment's status: the words the reader is told.
STATUS_WORDS = {
    CommentStatus.PUBLISHED: "published",
    CommentStatus.PENDING: "held",
    CommentStatus.REJECTED: "rejected",
    CommentStatus.CHECKING: "checking",
}

# Readers of events inside the recording transaction besides webhooks (e-mail to readers): each
# owner adds a callable (session, event, comment) to its session factory's info under this key.
LISTENERS = "commentdesk_event_listeners"

# Set on a session that wrote webhook deliveries, so that an after-commit hook (the webhook
# deliverer of this process) can start on them at once instead of at its next poll. An event no
# endpoint wants wakes nothing: its claim round would find nothing new.
RECORDED_FLAG = "commentdesk_events_recorded"


def record(
    session: Session,
    kind: str,
    *,
    comment: Comment | None = None,
    article: Article | None = None,
    actor: str = "system",
    details: dict | None = None,
) -> DomainEvent:
    """Record one event in the caller's transaction (the caller commits). Give the comment for a
    comment event; the article for an article event (a comment's article is found from it).

    One line at the place where the change happens, e.g. after an edit is stored:
    ``events.record(session, events.COMMENT_EDITED, comment=comment, actor="reader")``.
    """
    if comment is None and article is None:
        raise ValueError("an event is about a comment or an article")
    return _record_all(session, [(kind, actor, details or {})], comment, article)[0]


def record_status(
    session: Session, comment: Comment, previous_status: str | None, *, actor: str, details: dict | None = None
) -> DomainEvent | None:
    """The event for a comment's decision (published, held, rejected), when its status changed."""
    kind = STATUS_KINDS.get(comment.status)
    if kind is None or comment.status == previous_status:
        return None
    return record(session, kind, comment=comment, actor=actor, details=_status_details(previous_status, details))


def record_posted(session: Session, comment: Comment) -> list[DomainEvent]:
    """The events of a comment just posted: comment.created (by its reader), then its decision
    (by the system) when it was decided at once; written together, with one look-up of the
    site's webhook endpoints."""
    wanted: list[tuple[str, str, dict]] = [(COMMENT_CREATED, "reader", {})]
    if comment.status in STATUS_KINDS:
        wanted.append((STATUS_KINDS[comment.status], "system", _status_details(None, None)))
    return _record_all(session, wanted, comment, None)


def _status_details(previous_status: str | None, details: dict | None) -> dict:
    return {"previous_status": STATUS_WORDS.get(previous_status) if previous_status else None, **(details or {})}


def _record_all(
    session: Session, wanted: list[tuple[str, str, dict]], comment: Comment | None, article: Article | None
) -> list[DomainEvent]:
    """Events (kind, actor, details) about one comment or article, in this order."""
    for kind, _actor, _details in wanted:
        if kind not in KINDS:
            raise ValueError(f"unknown event kind {kind!r}")
    if session.new:
        session.flush()  # the comment or article may be one of them, still without its id
    if article is None:
        assert comment is not None
        article = articles.known_article(session, comment.article_id)
    site = sites.known_site(session, article.site_id)
    recorded = []
    for kind, actor, details in wanted:
        event = DomainEvent(event_id=str(uuid.uuid4()), kind=kind, site_id=site.id, created_at=utcnow())
        event.payload = _payload(event, site, article, comment, actor, details)
        recorded.append(event)
    # Written now, together: their ids are what their deliveries and listeners use.
    inserts.insert_all_loaded(session, recorded, key="event_id")
    endpoints = webhooks.active_endpoints(session, site.id)
    deliveries = 0
    for event in recorded:
        deliveries += _fan_out(session, event, endpoints)
        for listener in session.info.get(LISTENERS, ()):
            listener(session, event, comment)
    if deliveries:
        session.info[RECORDED_FLAG] = True
    return recorded


def _payload(event: DomainEvent, site: Site, article: Article, comment: Comment | None, actor: str, details: dict) -> dict:
    payload = {
        "id": event.event_id,
        "type": event.kind,
        "created_at": event.created_at.isoformat(),
        "site": site.slug,
        "actor": actor,
        "article": {"id": article.id, "url": article.url, "title": article.title, "comments_open": bool(article.comments_open)},
        "comment": None,
    }
    if comment is not None:
        payload["comment"] = {
            "id": comment.id,
            "parent_id": comment.parent_id,
            "status": STATUS_WORDS.get(comment.status, comment.status),
            "author_name": comment.author_name,
            "text": comment.text,
            "created_at": comment.created_at.isoformat() if comment.created_at else None,
            "reasons": [reason.get("code") for reason in comment.reasons or [] if isinstance(reason, dict)],
        }
    payload.update(details)
    return payload


def _fan_out(session: Session, event: DomainEvent, endpoints: list[tuple[int, list | None]]) -> int:
    """One pending delivery per active endpoint of the site that wants this kind of event; how many."""
    now = utcnow()
    wanted = [endpoint_id for endpoint_id, kinds in endpoints if not kinds or event.kind in kinds]
    for endpoint_id in wanted:
        session.add(
            WebhookDelivery(
                event_id=event.id,
                endpoint_id=endpoint_id,
                status="pending",
                attempts=0,
                next_attempt_at=now,
                last_error="",
                created_at=now,
            )
        )
    return len(wanted)
