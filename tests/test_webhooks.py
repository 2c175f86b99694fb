"""Signed webhooks from the outbox, against a real HTTP receiver on loopback.

The models are off here (every posted comment is held), so the published and rejected events
come from a moderator's decisions; what is tested is the event record and its delivery.
"""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from commentdesk.app import create_app
from commentdesk.services import accounts, events, webhook_signature
from commentdesk.services.sites import create_site
from commentdesk.services.webhook_delivery import WebhookDeliverer
from commentdesk.store import outbox
from commentdesk.store.models import DeliveryStatus, DomainEvent, WebhookDelivery
from server_processes import sign_in, workspace_csrf
from webhook_receiver import Receiver

PASSWORD = "correct horse battery"
ARTICLE = {"url": "https://news.example/tram", "title": "Council extends the tram line", "body": "The council voted."}
READER_EMAIL = "reader.private@example.org"


@pytest.fixture
def webhook_app(settings):
    settings.load_models = False
    settings.webhook_retry_base_ms = 50
    settings.webhook_timeout_ms = 3000
    app = create_app(settings)
    app.state.webhook_deliverer.poll_s = 0.05
    return app


@pytest.fixture
def client(webhook_app):
    with TestClient(webhook_app, follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture
def site(client):
    """(api headers, moderator's httpx client) for a site named news."""
    with client.app.state.sessions() as session:
        _site, key = create_site(
            session, "news", "The Daily Example", policy={"flood_per_minute_commenter": 1000, "flood_per_minute_address": 1000}
        )
        accounts.create_user(session, "mod", PASSWORD, "moderator")
        session.commit()
    return {"Authorization": f"Bearer {key}"}


def add_endpoint(client, headers, receiver: Receiver, **fields) -> dict:
    answer = client.post("/api/v1/webhooks", json={"url": receiver.url, **fields}, headers=headers)
    assert answer.status_code == 201, answer.text
    receiver.secret = answer.json()["secret"]
    return answer.json()


def wait_for(condition, within_s: float = 30, message: str = "condition"):
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {message}")


def recorded_events(app) -> dict[str, str]:
    with app.state.sessions() as session:
        return dict(session.execute(select(DomainEvent.event_id, DomainEvent.kind)).all())


def deliveries(app) -> list[WebhookDelivery]:
    with app.state.sessions() as session:
        return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def post(client, article_id: int, text: str) -> int:
    answer = client.post(
        f"/api/v1/articles/{article_id}/comments", json={"author_name": "Ann Reader", "author_email": READER_EMAIL, "text": text}
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["comment"]["id"]


def scripted_session(client, headers) -> None:
    """Every kind of event a site sees today: posts, decisions and an undo, a report, closing."""
    article = client.put("/api/v1/articles", json=ARTICLE, headers=headers).json()["id"]
    other = client.put("/api/v1/articles", json={**ARTICLE, "url": "https://news.example/lanes"}, headers=headers).json()["id"]
    first, second, third = (post(client, article, f"Comment number {n} on the tram line.") for n in (1, 2, 3))
    assert sign_in(client, "mod", PASSWORD).status_code == 303
    csrf = workspace_csrf(client)
    decide = client.post(
        "/moderate/api/decisions", json={"action": "approve", "ids": [first, third]}, headers={"X-CSRF-Token": csrf}
    )
    assert decide.status_code == 200, decide.text
    rejected = client.post(
        "/moderate/api/decisions",
        json={"action": "reject", "ids": [second], "reason": "off_topic"},
        headers={"X-CSRF-Token": csrf},
    )
    assert (
        client.post(
            "/moderate/api/undo", json={"event_ids": rejected.json()["event_ids"]}, headers={"X-CSRF-Token": csrf}
        ).status_code
        == 200
    )
    assert client.post(f"/api/v1/comments/{first}/reports", json={"reason": "spam"}).status_code == 201
    # The author corrects a comment, then withdraws it.
    mine = client.post(
        f"/api/v1/articles/{other}/comments",
        json={"author_name": "Ann Reader", "text": "The tram line should reach the hospital first."},
    ).json()
    edited = client.post(
        f"/api/v1/comments/{mine['comment']['id']}/edit",
        json={"edit_token": mine["edit_token"], "text": "The tram line should reach the hospital and the station first."},
    )
    assert edited.status_code == 200, edited.text
    deleted = client.post(f"/api/v1/comments/{mine['comment']['id']}/delete", json={"edit_token": mine["edit_token"]})
    assert deleted.status_code == 200, deleted.text

    closed = client.post(
        f"/moderate/articles/{article}/options", data={"comments_open": "0", "csrf_token": csrf}, follow_redirects=False
    )
    assert closed.status_code == 303
    assert (
        client.put(
            "/api/v1/articles", json={**ARTICLE, "url": "https://news.example/lanes", "comments_open": False}, headers=headers
        ).status_code
        == 200
    )
    assert other


def test_every_event_of_a_session_reaches_the_receiver_once_signed_and_without_private_data(client, site):
    with Receiver() as receiver:
        add_endpoint(client, site, receiver)
        scripted_session(client, site)
        recorded = recorded_events(client.app)
        wait_for(lambda: receiver.accepted_ids() == set(recorded), message="every event delivered")
        time.sleep(0.3)  # nothing more arrives

        got = receiver.accepted()
        assert Counter(request.event_id for request in got) == Counter(set(recorded))  # once each
        assert all(request.signed for request in got)
        assert Counter(recorded.values()) == {
            "comment.created": 4,
            "comment.held": 5,
            "comment.published": 2,
            "comment.rejected": 1,
            "comment.reported": 1,
            "article.closed": 2,
            "comment.edited": 1,
            "comment.deleted": 1,
        }
        for request in got:
            assert request.body["id"] == request.event_id and request.body["type"] == recorded[request.event_id]
            assert request.body["site"] == "news" and request.body["article"]["url"].startswith("https://news.example/")
            text = str(request.body)
            assert READER_EMAIL not in text and "email" not in text and "ip_hash" not in text
        rejected = next(request.body for request in got if request.body["type"] == "comment.rejected")
        assert rejected["comment"]["status"] == "rejected" and rejected["actor"] == "moderator"
        assert rejected["previous_status"] == "held"
        reported = next(request.body for request in got if request.body["type"] == "comment.reported")
        assert reported["report_reason"] == "spam"
        assert all(delivery.status == DeliveryStatus.DELIVERED for delivery in deliveries(client.app))


def test_a_failing_receiver_gets_everything_once_it_recovers(client, site):
    with Receiver() as receiver:
        receiver.failing = True
        endpoint = add_endpoint(client, site, receiver)
        article = client.put("/api/v1/articles", json=ARTICLE, headers=site).json()["id"]
        for n in range(3):
            post(client, article, f"Posted while the receiver is down, number {n}.")
        wait_for(lambda: all(d.attempts >= 2 for d in deliveries(client.app)), message="retries")
        listed = client.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries", headers=site).json()["deliveries"]
        assert {row["status"] for row in listed} == {"pending"}
        assert all(row["last_status_code"] == 500 and row["next_attempt_at"] for row in listed)

        receiver.failing = False
        recorded = recorded_events(client.app)
        wait_for(lambda: receiver.accepted_ids() == set(recorded), message="delivery after recovery")
        # The deliverer records a delivery once the receiver's answer is in, a moment after the receiver has it.
        wait_for(lambda: all(d.status == DeliveryStatus.DELIVERED for d in deliveries(client.app)), message="recorded")
        assert len(receiver.accepted()) == len(recorded) == 6  # each event accepted once


def test_deliveries_that_keep_failing_are_shown_failed_and_can_be_sent_again(client, site, webhook_app):
    webhook_app.state.webhook_deliverer.max_attempts = 2
    with Receiver() as receiver:
        receiver.failing = True
        endpoint = add_endpoint(client, site, receiver, events=["comment.created"])
        article = client.put("/api/v1/articles", json=ARTICLE, headers=site).json()["id"]
        post(client, article, "A comment whose webhook cannot be delivered.")
        wait_for(lambda: [d.status for d in deliveries(client.app)] == [DeliveryStatus.FAILED], message="failed")
        assert len(receiver.requests) == 2

        assert sign_in(client, "mod", PASSWORD).status_code == 303
        page = client.get("/moderate/webhooks")
        assert page.status_code == 200
        assert receiver.url in page.text and 'data-status="failed"' in page.text and "HTTP 500" in page.text
        receiver.failing = False
        retried = client.post(
            f"/moderate/webhooks/{endpoint['id']}/retry", data={"csrf_token": workspace_csrf(client)}, follow_redirects=False
        )
        assert retried.status_code == 303
        wait_for(lambda: len(receiver.accepted()) == 1, message="delivery after retry")
        wait_for(lambda: [d.status for d in deliveries(client.app)] == [DeliveryStatus.DELIVERED], message="recorded")
        assert len(receiver.accepted()) == 1


def test_endpoints_filter_pause_and_belong_to_their_site(client, site):
    with client.app.state.sessions() as session:
        _other, other_key = create_site(session, "other", "Other Paper")
        session.commit()
    other_headers = {"Authorization": f"Bearer {other_key}"}
    with Receiver() as receiver, Receiver() as paused:
        endpoint = add_endpoint(client, site, receiver, events=["comment.held"])
        pause = add_endpoint(client, site, paused)
        assert client.patch(f"/api/v1/webhooks/{pause['id']}", json={"active": False}, headers=site).json()["active"] is False
        listed = client.get("/api/v1/webhooks", headers=site).json()["webhooks"]
        assert [row["id"] for row in listed] == [endpoint["id"], pause["id"]]
        assert all("secret" not in row for row in listed)
        assert client.get("/api/v1/webhooks", headers=other_headers).json()["webhooks"] == []
        assert client.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries", headers=other_headers).status_code == 404
        assert client.delete(f"/api/v1/webhooks/{endpoint['id']}", headers=other_headers).status_code == 404

        article = client.put("/api/v1/articles", json=ARTICLE, headers=site).json()["id"]
        post(client, article, "Only the held event goes to the filtered endpoint.")
        wait_for(lambda: len(receiver.accepted()) == 1, message="the held event")
        time.sleep(0.3)
        assert [request.body["type"] for request in receiver.accepted()] == ["comment.held"]
        assert paused.requests == []
        assert client.delete(f"/api/v1/webhooks/{endpoint['id']}", headers=site).status_code == 204
        assert [row["id"] for row in client.get("/api/v1/webhooks", headers=site).json()["webhooks"]] == [pause["id"]]


@pytest.mark.parametrize(
    "body, code",
    [
        ({"url": "ftp://example.org/hook"}, "invalid_request"),
        ({"url": "javascript:alert(1)"}, "invalid_request"),
        ({"url": "https://user:pw@example.org/hook"}, "webhook_url_invalid"),
        # A parser would save these as another URL without a word: tab, line break, NUL, outer space.
        ({"url": "https://example.org/ho\tok"}, "invalid_request"),
        ({"url": "https://example.org/ho\nok"}, "invalid_request"),
        ({"url": "https://example.org/hook\u0000"}, "invalid_request"),
        ({"url": " https://example.org/hook"}, "invalid_request"),
        ({"url": "https://news..example.org/hook"}, "webhook_url_invalid"),  # a name no resolver takes
        ({"url": f"https://{'a' * 64}.example.org/hook"}, "webhook_url_invalid"),
        ({"url": "https://example.org/" + "a" * 2100}, "invalid_request"),
        ({"url": "https://example.org/hook", "events": ["comment.exploded"]}, "invalid_request"),
        ({"url": "https://example.org/hook", "secret": "mine"}, "invalid_request"),
        ({"url": 12}, "invalid_request"),
    ],
)
def test_bad_endpoints_are_refused_and_change_nothing(client, site, body, code):
    answer = client.post("/api/v1/webhooks", json=body, headers=site)
    assert answer.status_code == 422 and answer.json()["error"]["code"] == code
    assert client.get("/api/v1/webhooks", headers=site).json()["webhooks"] == []
    assert client.post("/api/v1/webhooks", json={"url": "https://example.org/hook"}).status_code == 401


def test_the_documented_signature_scheme():
    body = b'{"id":"e1","type":"comment.created"}'
    signed = webhook_signature.headers("whsec_test", "e1", body, now=1_700_000_000)
    assert signed["Commentdesk-Timestamp"] == "1700000000"
    assert signed["Commentdesk-Signature"].startswith("v1=") and len(signed["Commentdesk-Signature"]) == 67
    verify = webhook_signature.verify
    assert verify("whsec_test", body, "1700000000", signed["Commentdesk-Signature"], now=1_700_000_100)
    assert not verify("whsec_test", body + b" ", "1700000000", signed["Commentdesk-Signature"], now=1_700_000_100)
    assert not verify("whsec_other", body, "1700000000", signed["Commentdesk-Signature"], now=1_700_000_100)
    assert not verify("whsec_test", body, "1700000000", signed["Commentdesk-Signature"], now=1_700_001_000)  # too old
    assert not verify("whsec_test", body, "soon", signed["Commentdesk-Signature"])


def test_a_receiver_that_trickles_its_answer_is_cut_off_at_the_time_limit():
    """Each byte comes well within the time limit, the whole answer never: the try still ends."""
    stop = threading.Event()
    with socket.create_server(("127.0.0.1", 0)) as server:

        def trickle():
            connection, _address = server.accept()
            with connection:
                connection.recv(65536)
                while not stop.is_set():
                    connection.send(b"H")
                    stop.wait(0.05)

        threading.Thread(target=trickle, daemon=True).start()
        deliverer = WebhookDeliverer(sessionmaker(), timeout_s=0.5)
        deliverer.on_start()
        try:
            url = f"http://127.0.0.1:{server.getsockname()[1]}/hook"
            claimed = outbox.Claimed(1, 0, url, "whsec_test", "e1", {"id": "e1"})
            assert deliverer._post(claimed) == (None, "no answer within 0.5 s")
        finally:
            stop.set()
            deliverer.on_stop()


def test_every_event_kind_is_defined_and_unknown_ones_are_refused(client, site):
    assert set(events.KINDS) == {
        "comment.created",
        "comment.published",
        "comment.held",
        "comment.rejected",
        "comment.edited",
        "comment.deleted",
        "comment.reported",
        "article.closed",
    }
    with client.app.state.sessions() as session, pytest.raises(ValueError):
        events.record(session, "comment.exploded", article=None)


def test_the_webhooks_page_shows_only_the_moderators_own_sites(client, site):
    with client.app.state.sessions() as session:
        other, _key = create_site(session, "other", "Other Paper")
        session.flush()
        accounts.create_user(session, "elsewhere", PASSWORD, "moderator", site_ids=[other.id])
        session.commit()
    with Receiver() as receiver:
        endpoint = add_endpoint(client, site, receiver)
        assert sign_in(client, "elsewhere", PASSWORD).status_code == 303
        page = client.get("/moderate/webhooks")
        assert page.status_code == 200 and receiver.url not in page.text and "No site has a webhook yet" in page.text
        refused = client.post(f"/moderate/webhooks/{endpoint['id']}/retry", data={"csrf_token": workspace_csrf(client)})
        assert refused.status_code == 404
