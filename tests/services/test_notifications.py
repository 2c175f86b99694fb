"""E-mail to readers end to end: a real SMTP server (aiosmtpd) on loopback receives what
commentdesk sends: confirmation, replies, decisions, unsubscribing, retries, the digest."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from commentdesk.app import create_app
from commentdesk.services import accounts, workspace
from commentdesk.services.notifications.sender import MailSender
from commentdesk.services.sites import create_site
from commentdesk.store.models import Article, Comment, CommentWatch, MailSubscriber, OutgoingMail
from mail_fixtures import free_port, link, mail_settings

ARTICLE = {
    "url": "https://news.example/city/cycle-lanes",
    "title": "Council approves protected cycle lanes on Market Street",
    "body": (
        "The city council voted to build protected cycle lanes along Market Street next spring. Shop owners worried "
        "about deliveries and parking; cycling groups said the lanes would make the route safe for children."
    ),
}
FIRST = "Protected lanes on Market Street will make the school run safer for children who cycle."
REPLY = "Deliveries can use the side streets in the morning, so the shop owners' worry about the lanes is manageable."
LOADING_HOURS = "The side streets idea works only if the council enforces the loading hours."
ALICE = "alice@example.org"


@pytest.fixture
def mail_client(tmp_path, database_url, models, smtp):
    app = create_app(mail_settings(tmp_path, database_url, smtp[1]), models=models)
    with TestClient(app) as client:
        with app.state.sessions() as session:
            _site, key = create_site(
                session, "courier", "The Courier", policy={"flood_per_minute_commenter": 1000, "flood_per_minute_address": 1000}
            )
            session.commit()
        article_id = client.put("/api/v1/articles", json=ARTICLE, headers={"Authorization": f"Bearer {key}"}).json()["id"]
        client.article_id = article_id
        yield client


def post(client, text, **extra):
    return client.post(
        f"/api/v1/articles/{client.article_id}/comments", json={"author_name": extra.pop("name", "Alice"), "text": text, **extra}
    )


def confirm_alice(client, smtp) -> int:
    inbox, _port = smtp
    response = post(client, FIRST, author_email=ALICE, notify=True)
    assert response.status_code == 201 and response.json()["outcome"] == "published"
    (confirmation,) = inbox.wait_for(ALICE, 1)
    assert confirmation["Subject"] == "Confirm e-mail about your comments on The Courier"
    # Opening the link (as a mail scanner does) shows a button and confirms nothing; the button does.
    page = client.get(link(confirmation, "/mail/confirm"))
    assert page.status_code == 200 and "Confirm my address" in page.text
    with client.app.state.sessions() as session:
        assert session.scalar(select(MailSubscriber)).confirmed_at is None
    page = client.post(link(confirmation, "/mail/confirm"))
    assert page.status_code == 200 and "Address confirmed" in page.text
    return response.json()["comment"]["id"]


def test_a_confirmed_reader_hears_of_a_reply_and_can_unsubscribe_in_one_click(mail_client, smtp):
    inbox, _port = smtp
    first_id = confirm_alice(mail_client, smtp)
    assert post(mail_client, REPLY, name="Bilal", parent_id=first_id).json()["outcome"] == "published"
    _confirmation, reply = inbox.wait_for(ALICE, 2)
    assert reply["Subject"] == "Bilal replied to your comment"
    assert "Deliveries can use the side streets" in " ".join(reply.get_content().replace(">", " ").split())
    assert "https://news.example/city/cycle-lanes#comment-" in reply.get_content()
    assert reply["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = reply["List-Unsubscribe"].strip("<>").removeprefix("http://testserver")

    assert mail_client.get(unsubscribe).status_code == 200  # a page with a button: opening the link changes nothing
    with mail_client.app.state.sessions() as session:
        assert session.scalar(select(MailSubscriber)) is not None
    assert mail_client.post(unsubscribe).status_code == 200
    with mail_client.app.state.sessions() as session:
        assert session.scalar(select(MailSubscriber)) is None and session.scalar(select(CommentWatch)) is None
        assert all(ALICE not in (mail.recipient_cipher + mail.body) for mail in session.scalars(select(OutgoingMail)))

    post(
        mail_client,
        "A second reply: the lanes should continue past the station to the school itself.",
        name="Chen",
        parent_id=first_id,
    )
    time.sleep(3)
    assert len(inbox.to(ALICE)) == 2


def test_nothing_but_the_confirmation_reaches_an_address_never_confirmed(mail_client, smtp):
    inbox, _port = smtp
    first_id = post(mail_client, FIRST, author_email=ALICE, notify=True).json()["comment"]["id"]
    inbox.wait_for(ALICE, 1)
    post(mail_client, REPLY, name="Bilal", parent_id=first_id)
    time.sleep(3)
    assert len(inbox.to(ALICE)) == 1
    with mail_client.app.state.sessions() as session:
        subscriber = session.scalar(select(MailSubscriber))
        assert ALICE not in subscriber.address_cipher and subscriber.confirmed_at is None


def test_the_author_of_a_held_comment_hears_the_decision_with_the_reason(mail_client, smtp):
    inbox, _port = smtp
    confirm_alice(mail_client, smtp)
    with mail_client.app.state.sessions() as session:
        session.get(Article, mail_client.article_id).premoderate = True
        accounts.create_user(session, "mod", "a long enough password", "admin")
        session.commit()
    held = post(
        mail_client,
        "Market Street shops will survive the lanes; the council should publish the delivery plan.",
        author_email=ALICE,
        notify=True,
    ).json()
    assert held["outcome"] == "held"
    # A confirmation holds for its own comment: the held one is asked about anew.
    second_confirmation = inbox.wait_for(ALICE, 2)[-1]
    assert second_confirmation["Subject"] == "Confirm e-mail about your comments on The Courier"
    assert link(second_confirmation, "/mail/confirm") != link(inbox.to(ALICE)[0], "/mail/confirm")
    assert mail_client.post(link(second_confirmation, "/mail/confirm")).status_code == 200
    with mail_client.app.state.sessions() as session:
        workspace.decide(
            session, accounts.user_by_name(session, "mod"), [held["comment"]["id"]], "reject", rejection_reason="off_topic"
        )
    decision = inbox.wait_for(ALICE, 3)[-1]
    assert decision["Subject"] == "Your comment was not published"
    assert "the council should publish the delivery plan" in " ".join(decision.get_content().replace(">", " ").split())
    assert "/faq?site=courier" in decision.get_content()
    assert "This decision was made by a moderator." in decision.get_content()


def test_a_stranger_who_types_a_confirmed_address_cannot_have_mail_sent_there(mail_client, smtp):
    """Alice confirmed mail about her comment. Someone else posts as a guest with her address and
    ticks the box: Alice receives one message asking her to confirm that comment (which she
    ignores), and the replies to it, and the decision on it, never reach her."""
    inbox, _port = smtp
    alices = confirm_alice(mail_client, smtp)
    with mail_client.app.state.sessions() as session:
        accounts.create_user(session, "mod", "a long enough password", "admin")
        session.commit()
    strangers = post(
        mail_client,
        "Cycle lanes on Market Street should have been built years ago, before the new school opened.",
        name="Mallory",
        author_email=ALICE,
        notify=True,
    ).json()["comment"]["id"]
    ask = inbox.wait_for(ALICE, 2)[-1]
    assert ask["Subject"] == "Confirm e-mail about your comments on The Courier"
    assert post(mail_client, REPLY, name="Bilal", parent_id=strangers).json()["outcome"] == "published"
    with mail_client.app.state.sessions() as session:
        session.get(Article, mail_client.article_id).premoderate = True
        session.commit()
    held = post(
        mail_client,
        "The council should publish the delivery plan for Market Street shops before the lanes open.",
        name="Mallory",
        author_email=ALICE,
        notify=True,
    ).json()
    assert held["outcome"] == "held"
    with mail_client.app.state.sessions() as session:
        workspace.decide(session, accounts.user_by_name(session, "mod"), [held["comment"]["id"]], "approve")
        session.get(Article, mail_client.article_id).premoderate = False
        session.commit()
    # A reply to Alice's own comment still reaches her: her confirmation stands for it.
    assert post(mail_client, LOADING_HOURS, name="Chen", parent_id=alices).json()["outcome"] == "published"
    messages = inbox.wait_for(ALICE, 4)
    time.sleep(2)
    subjects = [message["Subject"] for message in inbox.to(ALICE)]
    assert subjects == [
        "Confirm e-mail about your comments on The Courier",
        "Confirm e-mail about your comments on The Courier",
        "Confirm e-mail about your comments on The Courier",
        "Chen replied to your comment",
    ]
    assert "side streets idea" in " ".join(messages[-1].get_content().split())
    with mail_client.app.state.sessions() as session:
        assert [
            watch.confirmed_at is not None for watch in session.scalars(select(CommentWatch).order_by(CommentWatch.comment_id))
        ] == [
            True,
            False,
            False,
        ]


def test_asking_for_mail_needs_an_address_and_a_server_that_sends_mail(mail_client, client, auth):
    refused = post(mail_client, FIRST, notify=True)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "email_required"
    article_id = client.put("/api/v1/articles", json=ARTICLE, headers=auth).json()["id"]
    assert client.get(f"/api/v1/articles/{article_id}").json()["email_notifications"] is False
    unavailable = client.post(
        f"/api/v1/articles/{article_id}/comments",
        json={"author_name": "Alice", "text": FIRST, "author_email": ALICE, "notify": True},
    )
    assert unavailable.status_code == 422 and unavailable.json()["error"]["code"] == "notifications_unavailable"
    with client.app.state.sessions() as session:
        assert session.scalar(select(Comment)) is None


def test_the_reader_page_offers_mail_only_where_it_is_sent(mail_client, client, auth):
    assert 'name="notify"' in mail_client.get(f"/articles/{mail_client.article_id}").text
    article_id = client.put("/api/v1/articles", json=ARTICLE, headers=auth).json()["id"]
    assert 'name="notify"' not in client.get(f"/articles/{article_id}").text


def test_a_bad_link_changes_nothing(mail_client):
    assert mail_client.get("/mail/confirm?token=not-a-real-token-at-all").status_code == 400
    assert mail_client.post("/mail/confirm?token=not-a-real-token-at-all").status_code == 400
    assert mail_client.post("/mail/unsubscribe?token=not-a-real-token-at-all").status_code == 400
    assert mail_client.get("/mail/confirm").status_code == 422


def test_one_address_gets_at_most_the_hourly_limit(tmp_path, database_url, models, smtp):
    app = create_app(mail_settings(tmp_path, database_url, smtp[1], mail_per_hour=2), models=models)
    with TestClient(app) as client:
        with app.state.sessions() as session:
            _site, key = create_site(
                session, "courier", "The Courier", policy={"flood_per_minute_commenter": 1000, "flood_per_minute_address": 1000}
            )
            session.commit()
        client.article_id = client.put("/api/v1/articles", json=ARTICLE, headers={"Authorization": f"Bearer {key}"}).json()["id"]
        first_id = confirm_alice(client, smtp)
        for number, text in enumerate(
            [
                REPLY,
                "The side streets idea works only if the council enforces the loading hours.",
                "Parents at the school have asked for these lanes for years, good to see them.",
            ]
        ):
            post(client, text, name=f"Reader{number}", parent_id=first_id)
        with app.state.sessions() as session:
            assert session.scalar(select(OutgoingMail.id).where(OutgoingMail.kind == "reply").limit(5)) is not None
            assert len(session.scalars(select(OutgoingMail)).all()) == 2  # the confirmation and one reply


def test_a_message_the_smtp_server_cannot_take_is_retried_and_then_sent(tmp_path, database_url, models, smtp):
    inbox, live_port = smtp
    settings = mail_settings(tmp_path, database_url, free_port())  # nothing listens there
    app = create_app(settings, models=models)
    with app.state.sessions() as session:
        from commentdesk.store.db import migrate

        migrate(app.state.engine)
        session.add(
            OutgoingMail(
                kind="digest",
                recipient_hash="h",
                recipient_cipher=app.state.notifier.addresses.encrypt(ALICE),
                subject="Comments waiting: 3",
                body="3 comments wait.",
            )
        )
        session.commit()
    sender = MailSender(app.state.sessions, settings, app.state.notifier.addresses)
    assert sender.send_due() == 1
    with app.state.sessions() as session:
        mail = session.scalar(select(OutgoingMail))
        assert mail.status == "pending" and mail.attempts == 1 and "cannot reach" in mail.last_error
        mail.next_attempt_at = mail.created_at
        session.commit()
    settings.smtp_port = live_port  # the server is back
    assert sender.send_due() == 1
    assert inbox.wait_for(ALICE, 1)[0]["Subject"] == "Comments waiting: 3"
    with app.state.sessions() as session:
        mail = session.scalar(select(OutgoingMail))
        assert mail.status == "sent" and mail.recipient_cipher == ""
    app.state.engine.dispose()


def test_two_servers_queue_one_digest_per_period(tmp_path, database_url, models, smtp):
    inbox, port = smtp
    settings = mail_settings(tmp_path, database_url, port, digest_to="desk@courier.example, night@courier.example")
    app = create_app(settings, models=models)
    from commentdesk.store.db import migrate

    migrate(app.state.engine)
    with app.state.sessions() as session:
        create_site(session, "courier", "The Courier")
        session.commit()
    first = MailSender(app.state.sessions, settings, app.state.notifier.addresses)
    second = MailSender(app.state.sessions, settings, app.state.notifier.addresses)
    assert first.queue_digest() == 2 and second.queue_digest() == 0
    first.send_due()
    second.send_due()
    (digest,) = inbox.wait_for("desk@courier.example", 1)
    assert "The Courier: 0 waiting" in digest.get_content() and "http://testserver/moderate" in digest.get_content()
    assert len(inbox.to("night@courier.example")) == 1
    app.state.engine.dispose()
