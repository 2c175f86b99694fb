"""Which event leads to which message, written in the transaction that records the event.

The notifier reads the domain events (services/events.py) as they are recorded: a reply
published by posting, by the deferred check or by a moderator is mailed the same way, and a
change that is rolled back sends nothing.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from commentdesk import i18n
from commentdesk.config import Settings
from commentdesk.services import events
from commentdesk.services.notifications import messages, outbox
from commentdesk.services.notifications.addresses import AddressBook
from commentdesk.services.posting import outcome_of
from commentdesk.services.statements import statement_for
from commentdesk.store import articles, sites
from commentdesk.store import mail as store
from commentdesk.store.models import (
    Article,
    Comment,
    CommentStatus,
    DomainEvent,
    MailSubscriber,
    Site,
    utcnow,
)


class Notifier:
    def __init__(self, settings: Settings, secret: str) -> None:
        self.enabled = bool(settings.smtp_host)
        self.addresses = AddressBook(secret)
        self.base_url = settings.public_base_url()
        self.per_hour = settings.mail_per_hour
        self.default_language = settings.default_language

    def install(self, sessions: sessionmaker) -> None:
        if self.enabled:
            sessions.kw.setdefault("info", {}).setdefault(events.LISTENERS, []).append(self.on_event)

    # --- a reader asks --------------------------------------------------------------------------

    def watch(self, session: Session, comment: Comment, address: str, verified: bool = False, account: bool = False) -> None:
        """The author of `comment` wants e-mail about it: remember the address (encrypted) and,
        unless its owner has confirmed it for this comment, ask them to. Anyone can type an
        address, so a confirmation holds for the comment it was asked for only, never for a later
        comment someone else posts with the same address. A `verified` address (a signed-in
        reader's, which the publisher checked is theirs) counts as confirmed by this very ask;
        an `account` (a signed-in reader) whose comment the owner confirmed the address for once
        is not asked again, since an account is one person whatever they type."""
        site, article = sites.known_site(session, comment.site_id), articles.known_article(session, comment.article_id)
        email_hash = self.addresses.hash(address)
        subscriber = store.subscriber(session, comment.site_id, email_hash)
        if subscriber is None:
            # The language of the page the reader asked from (their own choice, else the site's
            # default, else their browser's): mail about their comments is written in it, whoever's
            # action sends it. A later ask keeps it, as the address is kept.
            subscriber = MailSubscriber(
                site_id=comment.site_id,
                email_hash=email_hash,
                address_cipher=self.addresses.encrypt(address),
                language=i18n.current(),
            )
            session.add(subscriber)
            session.flush()
        watch = store.watch(session, comment.id, subscriber.id)
        if watch.subscriber_id != subscriber.id or watch.confirmed_at is not None:
            return  # the comment's watch was set up already
        now = utcnow()
        if verified or (account and store.confirmed_for_commenter(session, subscriber.id, comment.commenter_id)):
            watch.confirmed_at = now
            if subscriber.confirmed_at is None:
                subscriber.confirmed_at = now
            return
        # One message per comment asked about: each needs its owner's own yes. The hourly limit
        # per address (outbox.queue) bounds how many a stranger can cause.
        subscriber.confirmation_sent_at = now
        token = self.addresses.confirm_token(subscriber.id, subscriber.email_hash, comment.id)
        confirm_url = f"{self.base_url}/mail/confirm?token={token}"
        with self._language(subscriber, site):
            message = messages.confirmation(site.name, article.title, confirm_url, self._unsubscribe_url(subscriber))
        self._queue(session, subscriber, message, dedupe_key=f"confirm:{comment.id}")

    def confirming(self, session: Session, token: str) -> MailSubscriber | None:
        """The subscriber a confirmation link is for, if it is valid and its comment is still
        watched by them; confirms nothing."""
        link = self.addresses.confirmed_subscriber(token)
        subscriber = store.subscriber_by_id(session, link.subscriber_id) if link is not None else None
        if link is None or subscriber is None or not link.is_for(subscriber.email_hash, subscriber.created_at):
            return None
        if link.comment_id is not None and store.watch_of(session, link.comment_id, subscriber.id) is None:
            return None
        return subscriber

    def confirm(self, session: Session, token: str) -> bool:
        """The address owner's yes, for the comment the link was sent about."""
        subscriber = self.confirming(session, token)
        link = self.addresses.confirmed_subscriber(token)
        if subscriber is None or link is None:
            return False
        now = utcnow()
        if link.comment_id is not None:
            watch = store.watch_of(session, link.comment_id, subscriber.id)
            if watch is not None and watch.confirmed_at is None:
                watch.confirmed_at = now
        else:
            # Signed in whole seconds: a comment of the same second as the link counts as before it.
            store.confirm_watches_up_to(session, subscriber.id, link.signed_at + timedelta(seconds=1), now)
        if subscriber.confirmed_at is None:
            subscriber.confirmed_at = now
        session.commit()
        return True

    def unsubscribe(self, session: Session, token: str) -> bool:
        link = self.addresses.unsubscribing_subscriber(token)
        if link is None:
            return False
        subscriber = store.subscriber_by_id(session, link.subscriber_id)
        # Gone already, or the id is another address's now: the link's own subscriber is unsubscribed.
        if subscriber is not None and link.is_for(subscriber.email_hash, subscriber.created_at):
            store.forget_subscriber(session, subscriber.id)
        session.commit()
        return True

    # --- comments move --------------------------------------------------------------------------

    def on_event(self, session: Session, event: DomainEvent, comment: Comment | None) -> None:
        if comment is None or comment.source_id is not None:
            return  # article events; imported comments were news long ago
        if event.kind == events.COMMENT_PUBLISHED and comment.parent_id is not None:
            self._tell_of_reply(session, comment)
        held_before = event.payload.get("previous_status") == events.STATUS_WORDS[CommentStatus.PENDING]
        # Only a moderator's decision: the message says a moderator read the comment. A held
        # comment its author edits is checked again, and the edit's answer tells them the outcome.
        by_moderator = event.payload.get("actor") == "moderator"
        if held_before and by_moderator and event.kind in (events.COMMENT_PUBLISHED, events.COMMENT_REJECTED):
            self._tell_of_decision(session, comment)

    def _tell_of_reply(self, session: Session, reply: Comment) -> None:
        if reply.parent_id is None:
            return
        watcher = store.confirmed_watcher(session, reply.parent_id)
        if watcher is None or watcher.email_hash == reply.email_hash or _same_author(reply):
            return  # nobody asked, or they answered themselves
        article = articles.known_article(session, reply.article_id)
        site = sites.known_site(session, reply.site_id)
        with self._language(watcher, site):
            message = messages.reply(
                site.name,
                article.title,
                reply.author_name,
                reply.text,
                self._read_url(article, reply.id),
                self._unsubscribe_url(watcher),
            )
        self._queue(session, watcher, message, dedupe_key=f"reply:{reply.id}")

    def _tell_of_decision(self, session: Session, comment: Comment) -> None:
        watcher = store.confirmed_watcher(session, comment.id)
        if watcher is None:
            return
        article = articles.known_article(session, comment.article_id)
        site = sites.known_site(session, comment.site_id)
        published = comment.status == CommentStatus.PUBLISHED
        explanation, reasons = "", []
        with self._language(watcher, site) as language:
            if not published:
                # The statement of reasons the author also sees on the page: why, who decided, how to appeal.
                statement = statement_for(session, comment)
                if statement is not None:
                    explanation, reasons = statement.as_text(), [words for _code, words in statement.reasons]
                else:
                    outcome = outcome_of(comment)
                    explanation, reasons = outcome.message, [words for _code, words in outcome.reasons]
            message = messages.decision(
                site.name,
                article.title,
                published,
                comment.text,
                explanation,
                reasons,
                self._read_url(article, comment.id),
                f"{self.base_url}/faq?site={site.slug}&lang={language}",
                self._unsubscribe_url(watcher),
            )
        self._queue(session, watcher, message, dedupe_key=f"decision:{comment.id}:{comment.status}")

    # --- the outbox -----------------------------------------------------------------------------

    def _queue(
        self, session: Session, subscriber: MailSubscriber, message: messages.Message, dedupe_key: str | None = None
    ) -> None:
        outbox.queue(
            session,
            message,
            site_id=subscriber.site_id,
            recipient_hash=subscriber.email_hash,
            recipient_cipher=subscriber.address_cipher,
            per_hour=self.per_hour,
            unsubscribe_url=self._unsubscribe_url(subscriber),
            dedupe_key=dedupe_key,
        )

    def _language(self, subscriber: MailSubscriber, site: Site):
        """Word a message in the reader's language, else the site's default, else the server's."""
        return i18n.using(i18n.normalize(subscriber.language) or i18n.normalize(site.language) or self.default_language)

    def _unsubscribe_url(self, subscriber: MailSubscriber) -> str:
        return f"{self.base_url}/mail/unsubscribe?token={self.addresses.unsubscribe_token(subscriber.id, subscriber.email_hash)}"

    def _read_url(self, article: Article, comment_id: int) -> str:
        base = article.url if article.url.startswith(("http://", "https://")) else f"{self.base_url}/articles/{article.id}"
        return f"{base}#comment-{comment_id}"


def _same_author(reply: Comment) -> bool:
    """Whether the reply's author wrote the comment it answers (a signed-in reader is one commenter
    whatever address they gave for mail)."""
    return reply.parent is not None and reply.parent.commenter_id == reply.commenter_id
