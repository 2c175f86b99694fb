"""The webhook deliverer in this process against a receiver on the loopback address: signed POSTs,
2xx recorded as delivered, anything else tried again with backoff, and failed for good after the
last try. No database connection is held while a POST is in flight."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from commentdesk.services import events, webhook_signature, webhooks
from commentdesk.services.webhook_delivery import WebhookDeliverer, backoff_s, request_body
from commentdesk.store import outbox
from commentdesk.store.models import DeliveryStatus, WebhookDelivery
from db_fixtures import add_article


class Receiver:
    """A loopback HTTP server that answers each POST with the next status of `answers`."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.received: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 -- the name http.server calls
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(({key: value for key, value in self.headers.items()}, body))
                status = receiver.answers.pop(0) if len(receiver.answers) > 1 else receiver.answers[0]
                if status == "slow":
                    time.sleep(1.5)
                    status = 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver_factory():
    made = []

    def make(*answers):
        receiver = Receiver(answers)
        made.append(receiver)
        return receiver

    yield make
    for receiver in made:
        receiver.close()


def queue_event(session, site, url):
    endpoint, secret = webhooks.create(session, site, url, [])
    event = events.record(session, events.ARTICLE_CLOSED, article=add_article(session, site))
    session.commit()
    return endpoint, secret, event


def deliver_due(deliverer, session):
    """Claim and deliver what is due now, as the background loop would, and wait for the results."""
    claimed = outbox.claim_due(session, deliverer.name, deliverer.lease_s, 10)
    for delivery in claimed:
        with deliverer._lock:
            deliverer._in_flight += 1
        deliverer._deliver(delivery)
    return claimed


def stored(session):
    session.expire_all()
    return session.scalars(select(WebhookDelivery)).one()


@pytest.fixture
def deliverer(sessions):
    made = WebhookDeliverer(sessions, timeout_s=1.0, max_attempts=3, retry_base_s=0, poll_s=0.05, threads=2, name="test-server")
    import httpx

    made._client = httpx.Client(timeout=httpx.Timeout(made.timeout_s), follow_redirects=False, trust_env=False)
    yield made
    made._client.close()


def test_a_2xx_answer_is_recorded_as_delivered_with_a_valid_signature(session, site, deliverer, receiver_factory):
    receiver = receiver_factory(204)
    _endpoint, secret, event = queue_event(session, site, receiver.url)
    assert len(deliver_due(deliverer, session)) == 1
    row = stored(session)
    assert (row.status, row.attempts, row.last_status_code, row.last_error) == (DeliveryStatus.DELIVERED, 1, 204, "")
    headers, body = receiver.received[0]
    assert headers["Commentdesk-Event-Id"] == event.event_id and headers["Commentdesk-Attempt"] == "1"
    assert webhook_signature.verify(secret, body, headers["Commentdesk-Timestamp"], headers["Commentdesk-Signature"])
    assert json.loads(body)["type"] == "article.closed" and headers["Content-Type"] == "application/json"


def test_an_error_answer_is_tried_again_then_failed_for_good(session, site, deliverer, receiver_factory):
    receiver = receiver_factory(500)
    queue_event(session, site, receiver.url)
    for attempt in (1, 2):
        deliver_due(deliverer, session)
        row = stored(session)
        assert (row.status, row.attempts, row.last_status_code, row.last_error) == ("pending", attempt, 500, "answered HTTP 500")
    deliver_due(deliverer, session)
    row = stored(session)
    assert row.status == DeliveryStatus.FAILED and row.attempts == 3
    assert deliver_due(deliverer, session) == []  # failed deliveries wait for a person
    assert [headers["Commentdesk-Attempt"] for headers, _body in receiver.received] == ["1", "2", "3"]


def test_a_receiver_that_recovers_gets_the_same_event(session, site, deliverer, receiver_factory):
    receiver = receiver_factory(503, 200)
    _endpoint, _secret, event = queue_event(session, site, receiver.url)
    deliver_due(deliverer, session)
    deliver_due(deliverer, session)
    assert stored(session).status == DeliveryStatus.DELIVERED
    ids = {headers["Commentdesk-Event-Id"] for headers, _body in receiver.received}
    assert ids == {event.event_id} and len(receiver.received) == 2


def test_redirects_are_not_followed(session, site, deliverer, receiver_factory):
    receiver = receiver_factory(302)
    queue_event(session, site, receiver.url)
    deliver_due(deliverer, session)
    assert stored(session).last_status_code == 302 and stored(session).status == "pending"


def test_no_answer_in_time_is_a_failed_try(session, site, deliverer, receiver_factory):
    receiver = receiver_factory("slow")
    queue_event(session, site, receiver.url)
    deliver_due(deliverer, session)
    row = stored(session)
    assert row.status == "pending" and row.last_status_code is None and row.last_error == "no answer within 1 s"


def test_a_receiver_that_is_not_there_is_a_failed_try(session, site, deliverer):
    queue_event(session, site, "http://127.0.0.1:9/nothing-listens-here")
    deliver_due(deliverer, session)
    row = stored(session)
    assert row.status == "pending" and row.last_status_code is None and "Connect" in row.last_error


def test_a_host_name_that_cannot_be_looked_up_is_a_failed_try(session, site, deliverer):
    endpoint, _secret, _event = queue_event(session, site, "http://127.0.0.1:9/hook")
    endpoint.url = "http://a..b.example/hook"  # saved before such names were refused
    session.commit()
    deliver_due(deliverer, session)
    row = stored(session)
    assert (row.status, row.attempts) == ("pending", 1) and "UnicodeError" in row.last_error


def test_the_background_loop_delivers_what_is_recorded(sessions, session, site, receiver_factory):
    receiver = receiver_factory(200)
    deliverer = WebhookDeliverer(sessions, timeout_s=2.0, max_attempts=3, retry_base_s=0, poll_s=0.05, threads=2)
    deliverer.start()
    try:
        queue_event(session, site, receiver.url)
        deliverer.wake()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and stored(session).status != DeliveryStatus.DELIVERED:
            time.sleep(0.05)
        assert stored(session).status == DeliveryStatus.DELIVERED
        assert receiver.received[0][0]["User-Agent"].startswith("commentdesk-webhooks/")
    finally:
        deliverer.stop(wait_s=5)


def test_a_paused_endpoint_is_sent_nothing_until_it_is_resumed(session, site):
    endpoint, _secret, _event = queue_event(session, site, "http://127.0.0.1:9/hook")
    webhooks.update(session, endpoint, active=False)
    assert outbox.claim_due(session, "server-1", 60, 10) == []
    webhooks.update(session, endpoint, active=True)
    assert len(outbox.claim_due(session, "server-1", 60, 10)) == 1


def test_stopping_twice_and_a_stopped_deliverer_are_harmless(sessions):
    deliverer = WebhookDeliverer(sessions, poll_s=0.05)
    deliverer.stop()
    deliverer.start()
    deliverer.stop(wait_s=2)
    deliverer.stop(wait_s=2)


@pytest.mark.parametrize("settings", [{"timeout_s": 0}, {"max_attempts": 0}, {"retry_base_s": -1}, {"threads": 0}])
def test_impossible_settings_are_refused(sessions, settings):
    with pytest.raises(ValueError, match="must be positive"):
        WebhookDeliverer(sessions, **settings)


def test_backoff_doubles_with_jitter_up_to_the_cap():
    for attempts, full in ((1, 10), (2, 20), (3, 40), (20, 3600)):
        for _ in range(20):
            assert full * 0.5 <= backoff_s(attempts, 10) <= full
    assert backoff_s(0, 10) <= 10 and backoff_s(5, 0) == 0


def test_the_body_is_compact_utf8_json():
    assert request_body({"text": "Grüße", "n": [1, 2]}) == '{"text":"Grüße","n":[1,2]}'.encode()
