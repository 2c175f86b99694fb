"""Database tables. Every count a reader page shows is stored, so a page never counts rows."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    literal_column,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from commentdesk.statuses import CommentStatus  # noqa: F401  (the store's callers import it from here)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class Site(Base):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    api_key_hash: Mapped[str] = mapped_column(String(128))
    # Per-site moderation policy overrides (thresholds, word lists, pre-moderation...); see moderation.policy.
    policy: Mapped[dict] = mapped_column(JSON, default=dict)
    faq_markdown: Mapped[str] = mapped_column(Text, default="")
    # Reader sign-in through the publisher (services/reader_identity.py): the algorithm the site
    # chose and its HS256 secret or RS256/ES256 public key (PEM). Never sent back by the API.
    sso_algorithm: Mapped[str | None] = mapped_column(String(8), nullable=True)
    sso_key: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The language readers get when their page names none (commentdesk.i18n.LANGUAGES); None: the server's default.
    language: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # Raised by every UPDATE of the row, in the same statement: cached reader responses
    # built from this row are checked against it with one look-up (services/read_cache.py).
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0", onupdate=literal_column("revision + 1"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    articles: Mapped[list[Article]] = relationship(back_populates="site")


class Article(Base):
    __tablename__ = "articles"
    __table_args__ = (UniqueConstraint("site_id", "url", name="uq_articles_site_url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(200), default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    comments_open: Mapped[bool] = mapped_column(Boolean, default=True)
    premoderate: Mapped[bool] = mapped_column(Boolean, default=False)
    published_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Raised by every UPDATE of the row, in the same statement: cached reader responses
    # built from this row are checked against it with one look-up (services/read_cache.py).
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0", onupdate=literal_column("revision + 1"))

    site: Mapped[Site] = relationship(back_populates="articles")


class ArticlePassages(Base):
    """The article's passages and their embeddings, computed once per article text and model."""

    __tablename__ = "article_passages"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    model_version: Mapped[str] = mapped_column(String(100))
    content_hash: Mapped[str] = mapped_column(String(64))
    passages: Mapped[list] = mapped_column(JSON)
    vectors: Mapped[bytes] = mapped_column(LargeBinary)


class Commenter(Base):
    """A reader who comments, known per site by the hash of their e-mail (or of their name)."""

    __tablename__ = "commenters"
    __table_args__ = (UniqueConstraint("site_id", "identity_hash", name="uq_commenters_site_identity"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    identity_hash: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(100))
    email_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    published_count: Mapped[int] = mapped_column(Integer, default=0)
    pending_count: Mapped[int] = mapped_column(Integer, default=0)
    rejected_count: Mapped[int] = mapped_column(Integer, default=0)
    banned_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ban_reason: Mapped[str] = mapped_column(Text, default="")
    # A reader signed in through the publisher: identity_hash is then the keyed hash of the
    # publisher's account id, so a new display name is still the same commenter.
    is_account: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Comment(Base):
    __tablename__ = "comments"
    __table_args__ = (
        # A thread's first page: the newest published top-level comments of one article.
        Index("ix_comments_thread_roots", "article_id", "status", "depth", "created_at", "id"),
        # The replies under a page of top-level comments.
        Index("ix_comments_thread_replies", "root_id", "status", "created_at", "id"),
        # Moderation queues and flood limits.
        Index("ix_comments_site_status_created", "site_id", "status", "created_at"),
        Index("ix_comments_site_ip_created", "site_id", "ip_hash", "created_at"),
        Index("ix_comments_commenter_created", "commenter_id", "created_at"),
        Index("ix_comments_site_created", "site_id", "created_at"),
        # An imported comment is imported once per site (comments posted here have no source id).
        Index("uq_comments_site_source", "site_id", "source_id", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"), nullable=True)
    # The top-level comment of the thread (itself for a top-level comment): replies of any depth
    # are fetched by one indexed look-up.
    root_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    depth: Mapped[int] = mapped_column(Integer, default=0)
    commenter_id: Mapped[int] = mapped_column(ForeignKey("commenters.id"))
    author_name: Mapped[str] = mapped_column(String(100))
    email_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    ip_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Published replies anywhere below this comment when it is top-level.
    reply_count: Mapped[int] = mapped_column(Integer, default=0)
    report_count: Mapped[int] = mapped_column(Integer, default=0)
    # The automatic decision: scores, reasons (code, message, evidence) and model versions.
    scores: Mapped[dict] = mapped_column(JSON, default=dict)
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    model_versions: Mapped[dict] = mapped_column(JSON, default=dict)
    system_decision: Mapped[str] = mapped_column(String(16), default="")
    # Highest-first order for the moderator queue.
    priority: Mapped[float] = mapped_column(Float, default=0.0)
    # 64-bit SimHash of the normalised text, for near-duplicate detection.
    fingerprint: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # Where an imported comment came from ("disqus:<id>", ...), unique per site; None for comments posted here.
    source_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # SHA-256 of the secret edit token handed to the author with the 201 (services/own_comments.py).
    edit_token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # Keyed hash of the first-party token the embed keeps for a guest: a guest ban covers it.
    guest_token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Deleted by its author: the row stays (its replies hang on it, moderators keep its record),
    # readers see "comment deleted", and it counts in no reader-facing count.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    article: Mapped[Article] = relationship()
    parent: Mapped[Comment | None] = relationship(remote_side="Comment.id")
    commenter: Mapped[Commenter] = relationship()


class CommentRevision(Base):
    """An earlier version of a comment its author edited, with the decision it had then."""

    __tablename__ = "comment_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    scores: Mapped[dict] = mapped_column(JSON, default=dict)
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GuestBan(Base):
    """What else a ban of a guest covers while it lasts: the network address and the embed's
    first-party token they posted from (keyed hashes), so a new name does not get them back in."""

    __tablename__ = "guest_bans"
    __table_args__ = (Index("ix_guest_bans_key", "site_id", "key_hash", "until"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    commenter_id: Mapped[int] = mapped_column(ForeignKey("commenters.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # "address" or "guest_token"
    key_hash: Mapped[str] = mapped_column(String(64))
    until: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UsedReaderToken(Base):
    """A publisher-signed sign-in token already used, kept until it expires: the primary key
    refuses a replay even when two servers see the same token at the same moment."""

    __tablename__ = "used_reader_tokens"

    site_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ModerationEvent(Base):
    """One decision on a comment, automatic or human. Rows are only ever added."""

    __tablename__ = "moderation_events"
    __table_args__ = (Index("ix_events_created", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    actor: Mapped[str] = mapped_column(String(16))  # "system" or "moderator"
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    actor_name: Mapped[str] = mapped_column(String(100), default="system")
    action: Mapped[str] = mapped_column(String(32))  # publish, hold, reject, restore, report...
    from_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_status: Mapped[str] = mapped_column(String(16))
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    scores: Mapped[dict] = mapped_column(JSON, default=dict)
    model_versions: Mapped[dict] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Report(Base):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), index=True)
    reason: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    ip_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class LoginFailure(Base):
    """A failed workspace sign-in, by keyed hash of the client address; kept for the throttle window."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_address_created", "address_hash", "created_at"),
        Index("ix_login_failures_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class User(Base):
    """A moderator or administrator of the workspace."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))  # "moderator" or "admin"
    # Site ids this user may moderate; null means every site.
    site_ids: Mapped[list | None] = mapped_column(JSON, nullable=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The workspace language this user chose (commentdesk.i18n.LANGUAGES); None: as readers get it.
    language: Mapped[str | None] = mapped_column(String(16), nullable=True)


class CommenterNote(Base):
    __tablename__ = "commenter_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commenter_id: Mapped[int] = mapped_column(ForeignKey("commenters.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    author_name: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Nudge(Base):
    """A warning shown to an author before storing: "this may break the guidelines, edit it?".

    The draft itself is not kept (it was never posted); only its hash, to tell whether the
    author edited it before sending it again.
    """

    __tablename__ = "nudges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    draft_hash: Mapped[str] = mapped_column(String(64))
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Filled when the author sends the comment after the nudge.
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"), nullable=True)
    edited: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ArticleEvent(Base):
    """A moderator's action on an article as a whole (closing comments, pre-moderation). Only added to."""

    __tablename__ = "article_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    actor_name: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(32))  # close, reopen, premoderate, stop_premoderating
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FloodMark(Base):
    """One post counted against a per-minute limit, per commenter or per network address.

    Rows live about a minute; they are written and counted in one short transaction under a
    lock per key (store/flood.py), so concurrent posts can never slip past a limit together.
    """

    __tablename__ = "flood_marks"
    __table_args__ = (
        Index("ix_flood_marks_key_created", "site_id", "kind", "key_hash", "created_at"),
        Index("ix_flood_marks_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # "commenter" or "address"
    key_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ModeratorSession(Base):
    """A signed-in workspace session; the cookie holds a random token, this row its hash.

    Signing out deletes the row, so a copied cookie stops working at once.
    """

    __tablename__ = "moderator_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    # A fingerprint of the password hash at sign-in: a new password ends the session.
    password_fingerprint: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ModerationJob(Base):
    """A stored comment waiting for its automatic check: the durable moderation queue.

    `inputs` keeps what the check needs besides the comment, article and parent rows, as it was
    when the comment was posted (the commenter's record, the recent activity). A server takes a
    job by writing its name and a lease; a job whose lease ran out (its server stopped) is taken
    again by any server.
    """

    __tablename__ = "moderation_jobs"
    __table_args__ = (Index("ix_moderation_jobs_due", "not_before", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), unique=True)
    inputs: Mapped[dict] = mapped_column(JSON, default=dict)
    # Checks tried that ended in a model failure; after a few the comment is held for a person.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    not_before: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LoginLock(Base):
    """Failed sign-ins per attempted username (hashed), whether or not such an account exists,
    so the lockout looks the same for every name."""

    __tablename__ = "login_locks"

    name_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DomainEvent(Base):
    """Something that happened to a comment or an article, recorded in the transaction that made
    it happen: the outbox every integration reads (webhooks today). Rows are only ever added.

    `payload` is the event as receivers get it (services/events.py builds it); it never holds a
    commenter's e-mail or network address, not even hashed.
    """

    __tablename__ = "domain_events"
    __table_args__ = (Index("ix_domain_events_site_id", "site_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)  # a UUID, the receivers' idempotency key
    kind: Mapped[str] = mapped_column(String(40))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookEndpoint(Base):
    """A URL a site wants its events POSTed to, signed with the endpoint's own secret."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    # The signing key; needed in the clear to sign, shown to the site once, at creation.
    secret: Mapped[str] = mapped_column(String(100))
    # Event kinds sent to this endpoint; an empty list means every kind.
    event_kinds: Mapped[list] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # After a failed try, none of the endpoint's deliveries is tried before this (None: no wait):
    # a receiver that is down would otherwise take a delivery thread for every new event.
    backoff_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class DeliveryStatus:
    PENDING = "pending"  # waiting for its first try or a retry
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # every try failed; shown to moderators, retried only by hand
    ALL = (PENDING, DELIVERED, FAILED)


class WebhookDelivery(Base):
    """One event for one endpoint: written with the event, claimed by one server at a time under
    a lease (claimed_until), so a server that dies mid-delivery leaves it to another."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "endpoint_id", name="uq_webhook_deliveries_event_endpoint"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at", "id"),
        Index("ix_webhook_deliveries_endpoint", "endpoint_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("domain_events.id", ondelete="CASCADE"))
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MailSubscriber(Base):
    """A reader who asked for e-mail about their comments, per site.

    The address is kept only encrypted (services/notifications/addresses.py), only from the
    moment the reader asks, and is deleted when they unsubscribe or never confirm; the keyed
    hash finds the row again when the same reader asks a second time.
    """

    __tablename__ = "mail_subscribers"
    __table_args__ = (UniqueConstraint("site_id", "email_hash", name="uq_mail_subscribers_site_email"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    email_hash: Mapped[str] = mapped_column(String(64))
    address_cipher: Mapped[str] = mapped_column(Text)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    confirmation_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # The language the reader read the page in when they asked; None: the site's default.
    language: Mapped[str | None] = mapped_column(String(16), nullable=True)


class CommentWatch(Base):
    """A comment whose replies, and whose moderation outcome, its author wants to hear about.

    Confirmed for this comment alone: anyone can type an address, so the owner confirming it
    for one comment says nothing about a comment someone else posted with it."""

    __tablename__ = "comment_watches"

    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("mail_subscribers.id", ondelete="CASCADE"), index=True)
    # None: nothing is mailed about the comment until the address's owner confirms it.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class OutgoingMail(Base):
    """A message waiting to be sent, or sent: the durable mail outbox.

    A server takes a message by writing its name and a lease, like moderation jobs; a message
    whose lease ran out is taken again. Once sent, the recipient's address is erased from the row.
    """

    __tablename__ = "outgoing_mail"
    __table_args__ = (
        Index("ix_outgoing_mail_due", "status", "next_attempt_at"),
        Index("ix_outgoing_mail_recipient_created", "recipient_hash", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(32))
    recipient_hash: Mapped[str] = mapped_column(String(64))
    recipient_cipher: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # The one-click unsubscribe address (RFC 8058) for messages about a reader's comments.
    unsubscribe_url: Mapped[str] = mapped_column(String(2000), default="")
    # Makes a scheduled message (the moderators' digest) unique across servers.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), nullable=True, unique=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class NoticeStatus:
    """Where an illegal-content notice stands (EU Digital Services Act, Art. 16)."""

    RECEIVED = "received"
    UNDER_REVIEW = "under_review"
    ACTION_TAKEN = "action_taken"
    NO_ACTION = "no_action"
    OPEN = (RECEIVED, UNDER_REVIEW)
    DECIDED = (ACTION_TAKEN, NO_ACTION)
    ALL = OPEN + DECIDED


class IllegalContentNotice(Base):
    """A reader's notice that a comment is illegal: ground, explanation, the notifier's contact
    (erased some time after the decision), and the decision with its time, so handling time can
    be measured. `reference` is the unguessable id the notifier looks the notice up by."""

    __tablename__ = "illegal_content_notices"
    __table_args__ = (
        Index("ix_notices_site_status", "site_id", "status", "received_at"),
        Index("ix_notices_received", "received_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"), nullable=True)
    ground: Mapped[str] = mapped_column(String(32))
    explanation: Mapped[str] = mapped_column(Text)
    notifier_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    # The notifier's address, encrypted like a reader's (services/notifications/addresses.py).
    notifier_email_cipher: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Only on notices stored before addresses were encrypted (migration 0015), until the server
    # starts and encrypts them (services/notices.encrypt_plain_contacts).
    plain_notifier_email: Mapped[str | None] = mapped_column("notifier_email", String(254), nullable=True)
    good_faith: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default=NoticeStatus.RECEIVED)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    review_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_by_name: Mapped[str] = mapped_column(String(100), default="")
    # What was done to the comment ("remove" or "none"), on which ground, and why, in writing.
    decision_action: Mapped[str | None] = mapped_column(String(16), nullable=True)
    decision_ground: Mapped[str | None] = mapped_column(String(32), nullable=True)
    decision_explanation: Mapped[str] = mapped_column(Text, default="")
    contact_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The language of the page the notice was sent from; the notifier's e-mail is written in it.
    language: Mapped[str | None] = mapped_column(String(16), nullable=True)

    comment: Mapped[Comment] = relationship()
    report: Mapped[Report | None] = relationship()


class StatementOfReasons(Base):
    """A rejection's statement of reasons (DSA Art. 17), issued with every rejection: it points at
    the decision's event (its reasons) and says whether the decision was automated. The author
    reads it with the comment's outcome, with the site's redress text."""

    __tablename__ = "statements_of_reasons"
    __table_args__ = (Index("ix_statements_site_issued", "site_id", "issued_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    event_id: Mapped[int] = mapped_column(ForeignKey("moderation_events.id"))
    automated: Mapped[bool] = mapped_column(Boolean)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[ModerationEvent] = relationship()
