"""A batch of slow SMTP sends can outlast the lease it was claimed with: each message is checked
and its lease renewed just before it is sent, so two servers never send the same message."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from commentdesk.app import create_app
from commentdesk.config import Settings
from commentdesk.services.notifications.sender import LEASE, MailSender
from commentdesk.store import mail as store
from commentdesk.store.db import migrate
from commentdesk.store.models import OutgoingMail, utcnow


class RecordingConnection:
    """Stands in for an SMTP connection: remembers what it was asked to send."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send_message(self, envelope) -> None:
        self.sent.append(envelope["Subject"])


def _app_with_one_message(tmp_path, database_url, models):
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key="test-secret",
        smtp_host="127.0.0.1",
        smtp_port=1,
        smtp_security="none",
        mail_from="desk@courier.example",
        public_url="http://testserver",
    )
    app = create_app(settings, models=models)
    migrate(app.state.engine)
    with app.state.sessions() as session:
        session.add(
            OutgoingMail(
                kind="digest",
                recipient_hash="h",
                recipient_cipher=app.state.notifier.addresses.encrypt("a@example.org"),
                subject="Comments waiting: 1",
                body="1 comment waits.",
            )
        )
        session.commit()
    first = MailSender(app.state.sessions, settings, app.state.notifier.addresses)
    second = MailSender(app.state.sessions, settings, app.state.notifier.addresses)
    return app, first, second


def _message(app) -> OutgoingMail:
    with app.state.sessions() as session:
        return session.scalar(select(OutgoingMail))


def _claim(app, sender: MailSender) -> list[int]:
    with app.state.sessions() as session:
        ids = store.claim_due(session, sender.name, LEASE, 10)
        session.commit()
    return ids


def _expire_leases(app) -> None:
    with app.state.sessions() as session:
        for mail in session.scalars(select(OutgoingMail)):
            mail.claimed_until = utcnow() - timedelta(seconds=1)
        session.commit()


def test_a_message_taken_over_after_the_lease_ran_out_is_sent_once(tmp_path, database_url, models):
    app, first, second = _app_with_one_message(tmp_path, database_url, models)
    (message_id,) = _claim(app, first)
    _expire_leases(app)  # the first server's batch was slow
    assert _claim(app, second) == [message_id]

    late, prompt = RecordingConnection(), RecordingConnection()
    first._send_one(late, message_id)  # type: ignore[arg-type]
    second._send_one(prompt, message_id)  # type: ignore[arg-type]

    assert late.sent == [] and prompt.sent == ["Comments waiting: 1"]
    mail = _message(app)
    assert mail.status == "sent" and mail.recipient_cipher == ""
    app.state.engine.dispose()


def test_sending_renews_the_lease_so_no_other_server_can_take_the_message(tmp_path, database_url, models):
    app, first, second = _app_with_one_message(tmp_path, database_url, models)
    (message_id,) = _claim(app, first)
    _expire_leases(app)
    # Nobody took it over yet: the first server still holds it and renews the lease as it sends.
    with app.state.sessions() as session:
        held = store.hold_for_sending(session, message_id, first.name, LEASE)
        session.commit()
    assert held is not None and held.id == message_id
    assert _claim(app, second) == []
    app.state.engine.dispose()


def test_a_failure_reported_by_a_server_that_lost_the_message_changes_nothing(tmp_path, database_url, models):
    app, first, second = _app_with_one_message(tmp_path, database_url, models)
    (message_id,) = _claim(app, first)
    _expire_leases(app)
    _claim(app, second)

    first._failed(message_id, "connection reset")

    mail = _message(app)
    assert mail.attempts == 0 and not mail.last_error and mail.claimed_by == second.name
    app.state.engine.dispose()


def test_a_sent_message_is_not_held_for_sending_again(tmp_path, database_url, models):
    app, first, _second = _app_with_one_message(tmp_path, database_url, models)
    (message_id,) = _claim(app, first)
    first._send_one(RecordingConnection(), message_id)  # type: ignore[arg-type]
    with app.state.sessions() as session:
        assert store.hold_for_sending(session, message_id, first.name, LEASE) is None
    app.state.engine.dispose()
