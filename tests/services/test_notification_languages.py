"""E-mail in the reader's language, received by a real SMTP server on loopback: the language the
reader's page was in is kept with their subscription, so the moderator's decision, made in an
English workspace, still reaches them in German; the moderators' digest is in the server's default."""

from __future__ import annotations

from test_notifications import ALICE, mail_client, post  # noqa: F401 - a fixture

from commentdesk.app import create_app
from commentdesk.services import accounts, workspace
from commentdesk.services.notifications.sender import MailSender
from commentdesk.services.sites import create_site
from commentdesk.store.db import migrate
from commentdesk.store.models import Article, MailSubscriber
from mail_fixtures import link, mail_settings

HELD_TEXT = "Die Geschäfte an der Market Street werden die Radwege überstehen; der Rat sollte den Lieferplan veröffentlichen."


def _flat(message) -> str:
    return " ".join(message.get_content().replace(">", " ").split())


def test_a_german_reader_gets_german_mail_whoever_acts(mail_client, smtp):  # noqa: F811 - fixtures
    inbox, _port = smtp
    first = mail_client.post(
        f"/api/v1/articles/{mail_client.article_id}/comments?lang=de",
        json={
            "author_name": "Alice",
            "text": "Geschützte Radwege machen den Schulweg für Kinder sicherer.",
            "author_email": ALICE,
            "notify": True,
        },
    )
    assert first.status_code == 201
    (confirmation,) = inbox.wait_for(ALICE, 1)
    assert confirmation["Subject"] == "E-Mails zu Ihren Kommentaren auf The Courier bestätigen"
    assert "Um diese Adresse zu bestätigen, öffnen Sie:" in confirmation.get_content()
    assert "Keine E-Mails mehr zu Ihren Kommentaren:" in confirmation.get_content()
    assert mail_client.post(link(confirmation, "/mail/confirm")).status_code == 200
    with mail_client.app.state.sessions() as session:
        assert session.query(MailSubscriber).one().language == "de"
        session.get(Article, mail_client.article_id).premoderate = True
        accounts.create_user(session, "mod", "a long enough password", "admin")
        session.commit()
    held = post(mail_client, HELD_TEXT, author_email=ALICE, notify=True).json()  # no lang= now: the subscription keeps German
    assert held["outcome"] == "held"
    # Each comment is confirmed on its own; the second ask is in German too.
    second_confirmation = inbox.wait_for(ALICE, 2)[-1]
    assert second_confirmation["Subject"] == "E-Mails zu Ihren Kommentaren auf The Courier bestätigen"
    assert mail_client.post(link(second_confirmation, "/mail/confirm")).status_code == 200
    with mail_client.app.state.sessions() as session:
        workspace.decide(
            session, accounts.user_by_name(session, "mod"), [held["comment"]["id"]], "reject", rejection_reason="off_topic"
        )
    decision = inbox.wait_for(ALICE, 3)[-1]
    assert decision["Subject"] == "Ihr Kommentar wurde nicht veröffentlicht"
    body = _flat(decision)
    assert (
        "hat Ihren Kommentar zu „Council approves protected cycle lanes on Market Street“ gelesen und nicht veröffentlicht."
        in body
    )
    assert "der Rat sollte den Lieferplan veröffentlichen" in body  # the reader's own words, quoted as written
    assert "/faq?site=courier&lang=de" in body
    assert "außergerichtliche Streitbeilegungsstelle" in body  # how to appeal: the default words, in German
    assert "was not published" not in body and "A moderator" not in body and "out-of-court" not in body


def test_the_digest_is_in_the_servers_default_language(tmp_path, database_url, models, smtp):  # noqa: F811 - fixture
    inbox, port = smtp
    settings = mail_settings(tmp_path, database_url, port, digest_to="desk@courier.example", default_language="de")
    app = create_app(settings, models=models)
    migrate(app.state.engine)
    with app.state.sessions() as session:
        site, _key = create_site(session, "courier", "The Courier")
        site.language = "ur"  # a site's readers' language; the moderators' digest keeps the server's
        session.commit()
    sender = MailSender(app.state.sessions, settings, app.state.notifier.addresses)
    assert sender.queue_digest() == 1
    sender.send_due()
    (digest,) = inbox.wait_for("desk@courier.example", 1)
    assert digest["Subject"] == "Wartende Kommentare: 0"
    assert "0 Kommentare warten auf die Moderation, und 0 Meldungen sind offen." in digest.get_content()
    assert "The Courier: 0 wartend, 0 Meldungen" in digest.get_content()
    app.state.engine.dispose()
