"""Writing a message to the mail outbox (`outgoing_mail`) in the caller's transaction, so it is
sent exactly when the change that caused it is committed (services/notifications/sender.py
sends it). Every message to a reader or a notifier passes here: once per key, and within the
hourly limit of its address."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy.orm import Session

from commentdesk.services.notifications.messages import Message
from commentdesk.store import mail as store
from commentdesk.store.models import OutgoingMail, utcnow

log = logging.getLogger(__name__)


def queue(
    session: Session,
    message: Message,
    *,
    site_id: int,
    recipient_hash: str,
    recipient_cipher: str,
    per_hour: int | None,
    unsubscribe_url: str = "",
    dedupe_key: str | None = None,
) -> bool:
    """Add the message unless one with its key was queued before, or its address had `per_hour`
    messages in the last hour (then it is dropped, not delayed; None: no limit); whether it was added."""
    if dedupe_key and store.already_queued(session, dedupe_key):
        return False
    if per_hour is not None and store.messages_since(session, recipient_hash, utcnow() - timedelta(hours=1)) >= per_hour:
        log.info("%s mail dropped: its address had %s messages in the last hour", message.kind, per_hour)
        return False
    session.add(
        OutgoingMail(
            site_id=site_id,
            kind=message.kind,
            recipient_hash=recipient_hash,
            recipient_cipher=recipient_cipher,
            subject=message.subject,
            body=message.body,
            unsubscribe_url=unsubscribe_url,
            dedupe_key=dedupe_key,
        )
    )
    return True
