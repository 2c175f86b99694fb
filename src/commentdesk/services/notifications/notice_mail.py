"""E-mail to the notifier of illegal content (docs/dsa.md): which step of their notice sends which
message, written to the outbox in the step's transaction (services/notices.py announces each).

Only while SMTP is configured, and only while the notice still has the notifier's address: an
erased contact is sent nothing, and erasing it deletes what was not sent yet (store/notices.py).
The receipt counts against the address's hourly limit, as every reader message does (anyone can
file a notice giving any address); the review and the decision are a moderator's steps, one each
per notice, and the decision is owed to the notifier, so they are not dropped.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from commentdesk import i18n
from commentdesk.config import Settings
from commentdesk.i18n import gettext as _
from commentdesk.moderation.policy import Policy
from commentdesk.services import notices
from commentdesk.services.notifications import notice_messages, outbox
from commentdesk.services.notifications.addresses import AddressBook
from commentdesk.services.notifications.messages import Message
from commentdesk.store import articles, sites
from commentdesk.store import mail as store
from commentdesk.store.models import IllegalContentNotice, NoticeStatus, Site


class NoticeMailer:
    def __init__(self, settings: Settings, addresses: AddressBook) -> None:
        self.enabled = bool(settings.smtp_host)
        self.addresses = addresses
        self.base_url = settings.public_base_url()
        self.per_hour = settings.mail_per_hour
        self.contact_days = settings.notice_contact_days
        self.default_language = settings.default_language

    def install(self, sessions: sessionmaker) -> None:
        if self.enabled:
            sessions.kw.setdefault("info", {}).setdefault(notices.LISTENERS, []).append(self.on_notice)

    def on_notice(self, session: Session, notice: IllegalContentNotice) -> None:
        """The notice reached its current status: tell the notifier, if they left an address."""
        address = notices.notifier_address(notice, self.addresses)
        if not address or notice.contact_erased_at is not None:
            return
        site = sites.known_site(session, notice.site_id)
        with self._language(notice, site) as language:
            message = self._message(session, notice, site, f"{self.base_url}/notices/{notice.reference}?lang={language}")
        outbox.queue(
            session,
            message,
            site_id=notice.site_id,
            recipient_hash=self.addresses.hash(address),
            recipient_cipher=self.addresses.encrypt(address),
            per_hour=self.per_hour if notice.status == NoticeStatus.RECEIVED else None,
            dedupe_key=store.notice_mail_key(notice.id, notice.status),
        )

    def _message(self, session: Session, notice: IllegalContentNotice, site: Site, status_url: str) -> Message:
        title = articles.known_article(session, notice.comment.article_id).title
        if notice.status == NoticeStatus.RECEIVED:
            ground = _(notices.GROUNDS.get(notice.ground, notice.ground))
            return notice_messages.received(site.name, title, ground, notice.reference, status_url, self.contact_days)
        if notice.status == NoticeStatus.UNDER_REVIEW:
            return notice_messages.under_review(site.name, title, status_url, self.contact_days)
        removed_on = None
        if notice.status == NoticeStatus.ACTION_TAKEN:
            removed_on = _(notices.GROUNDS.get(notice.decision_ground or "", notice.decision_ground or ""))
        policy = Policy.for_site(site.policy)
        redress = " ".join(part for part in (policy.redress_words().strip(), policy.redress_url or "") if part)
        return notice_messages.decided(
            site.name, title, removed_on, notice.decision_explanation, redress, status_url, self.contact_days
        )

    def _language(self, notice: IllegalContentNotice, site: Site):
        """Word a message in the notice's language, else the site's default, else the server's."""
        return i18n.using(i18n.normalize(notice.language) or i18n.normalize(site.language) or self.default_language)
