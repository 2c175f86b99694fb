"""E-mail about their comments for readers signed in on the publisher's site (docs/sso.md,
docs/notifications.md): to the address in the publisher's token, confirmed first unless the
publisher says it verified it, else to an address the reader types; with the guests'
unsubscribing, storage and reply rules. A real SMTP server on loopback receives the mail."""

from __future__ import annotations

import re
import time
import uuid

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from commentdesk.app import create_app
from commentdesk.services.sites import create_site
from commentdesk.store.models import Comment, MailSubscriber, OutgoingMail
from mail_fixtures import link, mail_settings

SSO_SECRET = "a-publisher-secret-that-is-long-enough-for-hs256"
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
INES = "ines@example.org"


@pytest.fixture
def mail_client(tmp_path, database_url, models, smtp):
    app = create_app(mail_settings(tmp_path, database_url, smtp[1]), models=models)
    with TestClient(app) as client:
        with app.state.sessions() as session:
            _site, key = create_site(
                session, "courier", "The Courier", policy={"flood_per_minute_commenter": 1000, "flood_per_minute_address": 1000}
            )
            session.commit()
        auth = {"Authorization": f"Bearer {key}"}
        assert client.put("/api/v1/sso", json={"algorithm": "HS256", "key": SSO_SECRET}, headers=auth).status_code == 200
        client.article_id = client.put("/api/v1/articles", json=ARTICLE, headers=auth).json()["id"]
        yield client


def reader_token(**extra) -> str:
    now = int(time.time())
    claims = {"sub": "reader-7", "name": "Ines", "iat": now, "exp": now + 600, "jti": uuid.uuid4().hex, **extra}
    return jwt.encode(claims, SSO_SECRET, algorithm="HS256")


def sign_in(client, **claims) -> dict:
    response = client.post("/api/v1/reader/session", json={"site": "courier", "reader_token": reader_token(**claims)})
    assert response.status_code == 200, response.text
    return response.json()


def post(client, text, **extra):
    return client.post(
        f"/api/v1/articles/{client.article_id}/comments", json={"author_name": extra.pop("name", "Bilal"), "text": text, **extra}
    )


def outbox_kinds(client) -> list[str]:
    with client.app.state.sessions() as session:
        return list(session.scalars(select(OutgoingMail.kind).order_by(OutgoingMail.id)))


def test_a_reader_whose_address_the_publisher_verified_gets_mail_without_confirming(mail_client, smtp):
    inbox, _port = smtp
    reader = sign_in(mail_client, email=INES, email_verified=True)
    assert reader["email_known"] and reader["email_verified"]
    first = post(mail_client, FIRST, reader_session=reader["reader_session"], notify=True)
    assert first.status_code == 201 and first.json()["outcome"] == "published"
    with mail_client.app.state.sessions() as session:
        subscriber = session.scalars(select(MailSubscriber)).one()
        assert subscriber.confirmed_at is not None and INES not in subscriber.address_cipher  # stored encrypted, as a guest's
    assert outbox_kinds(mail_client) == []  # no confirmation to click

    assert post(mail_client, REPLY, parent_id=first.json()["comment"]["id"]).json()["outcome"] == "published"
    (reply,) = inbox.wait_for(INES, 1)
    assert reply["Subject"] == "Bilal replied to your comment"
    unsubscribe = reply["List-Unsubscribe"].strip("<>").removeprefix("http://testserver")
    assert mail_client.post(unsubscribe).status_code == 200
    with mail_client.app.state.sessions() as session:
        assert session.scalar(select(MailSubscriber)) is None


def test_an_address_the_publisher_did_not_verify_is_confirmed_first_and_a_typed_one_is_not_used(mail_client, smtp):
    inbox, _port = smtp
    reader = sign_in(mail_client, email=INES)
    assert reader["email_known"] and not reader["email_verified"]
    first = post(mail_client, FIRST, reader_session=reader["reader_session"], author_email="other@example.org", notify=True)
    assert first.status_code == 201
    (confirmation,) = inbox.wait_for(INES, 1)
    assert confirmation["Subject"] == "Confirm e-mail about your comments on The Courier"
    post(mail_client, REPLY, parent_id=first.json()["comment"]["id"])
    assert outbox_kinds(mail_client) == ["confirm"]  # nothing but the confirmation before it is confirmed

    assert mail_client.post(link(confirmation, "/mail/confirm")).status_code == 200
    post(
        mail_client,
        LOADING_HOURS,
        name="Chen",
        parent_id=first.json()["comment"]["id"],
    )
    assert inbox.wait_for(INES, 2)[-1]["Subject"] == "Chen replied to your comment"
    assert inbox.to("other@example.org") == []


def test_a_reader_without_an_address_in_the_token_types_one_and_hears_of_others_replies_only(mail_client, smtp):
    inbox, _port = smtp
    reader = sign_in(mail_client)
    assert not reader["email_known"] and not reader["email_verified"]
    refused = post(mail_client, FIRST, reader_session=reader["reader_session"], notify=True)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "email_required"
    with mail_client.app.state.sessions() as session:
        assert session.scalar(select(Comment)) is None

    first = post(mail_client, FIRST, reader_session=reader["reader_session"], author_email=INES, notify=True).json()
    (confirmation,) = inbox.wait_for(INES, 1)
    assert mail_client.post(link(confirmation, "/mail/confirm")).status_code == 200
    # Their own reply: the reply carries no address of theirs, but it is the same account.
    own = post(mail_client, REPLY, reader_session=reader["reader_session"], parent_id=first["comment"]["id"])
    assert own.json()["outcome"] == "published"
    assert outbox_kinds(mail_client) == ["confirm"]
    post(mail_client, LOADING_HOURS, name="Chen", parent_id=first["comment"]["id"])
    assert inbox.wait_for(INES, 2)[-1]["Subject"] == "Chen replied to your comment"


def test_the_reader_page_offers_mail_to_signed_in_readers(mail_client, smtp):
    inbox, _port = smtp
    article_page = f"/articles/{mail_client.article_id}"
    verified = mail_client.get(f"{article_page}/sign-in", params={"reader_token": reader_token(email=INES, email_verified=True)})
    assert "Commenting as" in verified.text and 'name="notify"' in verified.text
    assert 'name="author_email"' not in verified.text and "(to the address of your account)" in verified.text
    assert 'data-reader-email="verified"' in verified.text and 'data-email-notifications="true"' in verified.text

    token = re.search(r'name="token" value="([^"]+)"', verified.text).group(1)
    posted = mail_client.post(article_page + "/comments", data={"token": token, "text": FIRST, "notify": "on"})
    assert posted.status_code == 200 and "Your comment is published." in posted.text
    with mail_client.app.state.sessions() as session:
        assert session.scalars(select(MailSubscriber)).one().confirmed_at is not None

    mail_client.cookies.clear()
    no_address = mail_client.get(f"{article_page}/sign-in", params={"reader_token": reader_token(sub="reader-8")})
    assert 'name="notify"' in no_address.text and 'name="author_email"' in no_address.text
    assert "(we ask you to confirm first)" in no_address.text and "data-reader-email" not in no_address.text


def test_an_account_confirms_a_typed_address_once_and_another_account_typing_it_is_asked_anew(mail_client, smtp):
    inbox, _port = smtp
    ines = sign_in(mail_client)["reader_session"]
    first = post(mail_client, FIRST, reader_session=ines, author_email=INES, notify=True).json()
    (confirmation,) = inbox.wait_for(INES, 1)
    assert mail_client.post(link(confirmation, "/mail/confirm")).status_code == 200
    second = post(mail_client, LOADING_HOURS, reader_session=ines, author_email=INES, notify=True).json()
    assert outbox_kinds(mail_client) == ["confirm"]  # the same account: her yes stands

    mallory = sign_in(mail_client, sub="reader-9", name="Mallory")["reader_session"]
    theirs = post(
        mail_client, "Market Street needs the lanes before winter.", reader_session=mallory, author_email=INES, notify=True
    ).json()
    assert outbox_kinds(mail_client) == ["confirm", "confirm"]  # Ines is asked; nothing else is sent
    assert post(mail_client, REPLY, name="Chen", parent_id=theirs["comment"]["id"]).json()["outcome"] == "published"
    answer = "Loading hours before nine would keep the lanes clear for the school run."
    assert post(mail_client, answer, name="Dara", parent_id=second["comment"]["id"]).json()["outcome"] == "published"
    assert inbox.wait_for(INES, 3)[-1]["Subject"] == "Dara replied to your comment"
    time.sleep(2)
    assert outbox_kinds(mail_client) == ["confirm", "confirm", "reply"]
    assert first["outcome"] == "published"
