"""Sends the outbox over SMTP in the background, with retries; also queues the moderators'
digest and forgets addresses that were never confirmed.

Every server runs a sender; a message is taken with a lease (store/mail.py claim_due), so with
several servers on one database each message goes out once. A server that stops gives back the
messages it has not sent; those of a server that died are sent by another when the lease runs out.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import time
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Self

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from commentdesk import i18n
from commentdesk.config import Settings
from commentdesk.i18n.durations import duration_words
from commentdesk.services.background import BackgroundLoop, retry_delay_s
from commentdesk.services.notifications import messages
from commentdesk.services.notifications.addresses import CONFIRM_MAX_AGE_S, AddressBook
from commentdesk.store import mail as store
from commentdesk.store.models import OutgoingMail, utcnow

log = logging.getLogger(__name__)
# Seconds before the 1st, 2nd, … retry; after the last the message is marked failed.
RETRY_AFTER_S = (30, 120, 600, 1800, 7200)
LEASE = timedelta(minutes=2)
BATCH = 20
POLL_S = 2.0
HOUSEKEEPING_S = 300.0
SMTP_TIMEOUT_S = 15


class MailSender(BackgroundLoop):
    thread_name = "mail-sender"
    # A message being sent ends within the SMTP timeout.
    stop_wait_s = SMTP_TIMEOUT_S + 5

    def __init__(self, sessions: sessionmaker[Session], settings: Settings, addresses: AddressBook) -> None:
        super().__init__(poll_s=POLL_S)
        self.sessions, self.settings, self.addresses = sessions, settings, addresses
        self.base_url = settings.public_base_url()
        self._last_housekeeping = 0.0

    def start(self) -> Self:
        if self.settings.smtp_host:  # without a server nothing is sent
            super().start()
        return self

    # --- running (services/background.py) -----------------------------------------------------

    def work_round(self) -> bool:
        if time.monotonic() - self._last_housekeeping > HOUSEKEEPING_S:
            self._last_housekeeping = time.monotonic()
            self.housekeeping()
        return self.send_due() > 0

    def release_leases(self) -> None:
        with self.sessions() as session:
            store.release(session, self.name)
            session.commit()

    # --- sending --------------------------------------------------------------------------------

    def send_due(self) -> int:
        """Send one batch of due messages; returns how many were tried."""
        with self.sessions() as session:
            ids = store.claim_due(session, self.name, LEASE, BATCH)
            session.commit()
        if not ids:
            return 0
        try:
            connection = self._connect()
        except (OSError, smtplib.SMTPException) as error:
            for message_id in ids:
                self._failed(message_id, f"cannot reach the SMTP server: {error}")
            return len(ids)
        try:
            for message_id in ids:
                if self.stopping:
                    break  # the rest are given back at once rather than sent late by a stopping server
                self._send_one(connection, message_id)
        finally:
            try:
                connection.quit()
            except (OSError, smtplib.SMTPException):
                pass
        return len(ids)

    def _send_one(self, connection: smtplib.SMTP, message_id: int) -> None:
        with self.sessions() as session:
            mail = store.hold_for_sending(session, message_id, self.name, LEASE)
            if mail is None:
                session.commit()
                return
            recipient = self.addresses.decrypt(mail.recipient_cipher)
            if recipient is None:
                mail.status, mail.last_error = store.FAILED, "the address cannot be decrypted (the instance secret changed)"
                session.commit()
                return
            envelope = self._envelope(mail, recipient)
            session.commit()  # the renewed lease
        try:
            connection.send_message(envelope)
        except (OSError, smtplib.SMTPException) as error:
            self._failed(message_id, str(error))
            return
        with self.sessions() as session:
            mail = store.outgoing(session, message_id)
            if mail is not None:
                mail.status, mail.sent_at, mail.recipient_cipher = store.SENT, utcnow(), ""
                mail.claimed_by = mail.claimed_until = None
                session.commit()

    def _envelope(self, mail: OutgoingMail, recipient: str) -> EmailMessage:
        envelope = EmailMessage()
        envelope["From"] = self.settings.mail_from
        envelope["To"] = recipient
        envelope["Subject"] = mail.subject
        envelope["Message-ID"] = make_msgid(domain="commentdesk")
        envelope["Auto-Submitted"] = "auto-generated"
        if mail.unsubscribe_url:
            envelope["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
            envelope["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        envelope.set_content(mail.body)
        return envelope

    def _connect(self) -> smtplib.SMTP:
        settings = self.settings
        if settings.smtp_security == "tls":
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_S, context=ssl.create_default_context()
            )
        else:
            connection = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_S)
            if settings.smtp_security == "starttls":
                connection.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            connection.login(settings.smtp_username, settings.smtp_password)
        return connection

    def _failed(self, message_id: int, error: str) -> None:
        with self.sessions() as session:
            mail = store.outgoing(session, message_id)
            if mail is None or mail.claimed_by != self.name:
                return  # another server took it over; its try is the one that counts
            mail.attempts += 1
            mail.last_error = error[:2000]
            mail.claimed_by = mail.claimed_until = None
            if mail.attempts > len(RETRY_AFTER_S):
                mail.status, mail.recipient_cipher = store.FAILED, ""
                log.warning("mail %s failed for good: %s", message_id, error)
            else:
                delay = retry_delay_s(mail.attempts, RETRY_AFTER_S, jitter=(0.8, 1.2))
                mail.next_attempt_at = utcnow() + timedelta(seconds=delay)
            session.commit()

    # --- housekeeping ---------------------------------------------------------------------------

    def housekeeping(self) -> None:
        with self.sessions() as session:
            forgotten = store.forget_unconfirmed(session, utcnow() - timedelta(seconds=CONFIRM_MAX_AGE_S))
            session.commit()
        if forgotten:
            log.info("forgot %s e-mail addresses that were never confirmed", forgotten)
        self.queue_digest()

    def queue_digest(self) -> int:
        """Queue this period's digest for each moderator address that has none yet."""
        recipients = [address.strip() for address in self.settings.digest_to.split(",") if address.strip()]
        if not recipients:
            return 0
        period = int(time.time() // (max(self.settings.digest_hours, 1) * 3600))
        # The moderators' digest is worded in the server's default language.
        with self.sessions() as session, i18n.using(self.settings.default_language):
            now = utcnow()
            queues = [
                (name, held, reports, duration_words((now - oldest).total_seconds()) if oldest else "")
                for name, held, reports, oldest in store.queue_sizes(session)
            ]
            message = messages.digest(queues, f"{self.base_url}/moderate")
        queued = 0
        for address in recipients:
            email_hash = self.addresses.hash(address)
            with self.sessions() as session:
                session.add(
                    OutgoingMail(
                        kind=message.kind,
                        recipient_hash=email_hash,
                        recipient_cipher=self.addresses.encrypt(address),
                        subject=message.subject,
                        body=message.body,
                        dedupe_key=f"digest:{email_hash}:{period}",
                    )
                )
                try:
                    session.commit()
                    queued += 1
                except IntegrityError:
                    session.rollback()  # another server queued this period's digest
        return queued
