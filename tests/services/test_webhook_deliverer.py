"""The webhook deliverer in this process against a receiver on the loopback address: signed POSTs,
2xx recorded as delivered, anything else tried again with backoff, and failed for good after the
last try. No database connection is held while a POST is in flight."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from sqlalchemy import select

from commentdesk.services import events, webhook_delivery, webhook_signature, webhooks
from commentdesk.services.sites import create_site
from commentdesk.services.webhook_delivery import WebhookDeliverer, backoff_s, request_body
from commentdesk.store import outbox
from commentdesk.store.models import DeliveryStatus, WebhookDelivery, utcnow
from db_fixtures import add_article
from webhook_receiver import Receiver as HoldingReceiver


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


def test_threads_are_shared_out_among_the_endpoints_with_work():
    # One endpoint alone may use all but one thread; beside another, at most its share.
    assert outbox.shares({1: 100}, {}, 8, share=4, most=7) == {1: 7}
    assert outbox.shares({1: 100, 2: 100}, {}, 8, share=4, most=7) == {1: 4, 2: 4}
    # A stuck endpoint holding seven tries leaves the free thread to the other site.
    assert outbox.shares({1: 100, 2: 1}, {1: 7}, 1, share=4, most=7) == {2: 1}
    assert outbox.shares({1: 100}, {1: 7}, 1, share=4, most=7) == {}
    # No more than an endpoint has due; the longest-waiting endpoint first when threads are few.
    assert outbox.shares({1: 100, 2: 1, 3: 1}, {}, 8, share=4, most=7) == {1: 4, 2: 1, 3: 1}
    assert outbox.shares({3: 5, 1: 5}, {}, 1, share=4, most=7) == {3: 1}


def test_an_endpoint_with_much_queued_leaves_the_claim_to_the_others(session, site):
    stuck, _secret = webhooks.create(session, site, "http://127.0.0.1:9/stuck", [])
    for number in range(8):
        events.record(session, events.ARTICLE_CLOSED, article=add_article(session, site, url=f"https://news.example/{number}"))
    other_site, _key = create_site(session, "other", "The Other Example")
    healthy, _secret = webhooks.create(session, other_site, "http://127.0.0.1:9/healthy", [])
    events.record(session, events.ARTICLE_CLOSED, article=add_article(session, other_site))
    session.commit()

    first = outbox.claim_due(session, "server-1", 60, 6, share=3, most=5)
    assert sorted(delivery.endpoint_id for delivery in first) == [stuck.id] * 3 + [healthy.id]
    # This server's tries in flight count against their endpoint: beside the other endpoint's
    # try it is at its share; alone it may take up to `most`, and no more.
    assert outbox.claim_due(session, "server-1", 60, 6, held={stuck.id: 3, healthy.id: 1}, share=3, most=5) == []
    assert len(outbox.claim_due(session, "server-1", 60, 6, held={stuck.id: 3}, share=3, most=5)) == 2
    assert outbox.claim_due(session, "server-1", 60, 6, held={stuck.id: 5}, share=3, most=5) == []
    # Another server shares out its own threads.
    assert len(outbox.claim_due(session, "server-2", 60, 6, share=3, most=5)) == 3


def test_a_receiver_that_never_answers_does_not_hold_up_another_sites_webhook(sessions, session, site, receiver_factory):
    with HoldingReceiver() as stuck:
        stuck.hold.set()
        webhooks.create(session, site, stuck.url, [])
        for number in range(12):
            events.record(
                session, events.ARTICLE_CLOSED, article=add_article(session, site, url=f"https://news.example/{number}")
            )
        session.commit()
        deliverer = WebhookDeliverer(sessions, timeout_s=8.0, max_attempts=3, retry_base_s=30, poll_s=0.05, threads=4)
        deliverer.start()
        try:
            assert stuck.held.wait(10)
            time.sleep(0.3)  # the stuck receiver has taken every thread it may
            healthy = receiver_factory(204)
            other_site, _key = create_site(session, "other", "The Other Example")
            queue_event(session, other_site, healthy.url)
            deliverer.wake()
            began = time.monotonic()
            while time.monotonic() - began < 5 and not healthy.received:
                time.sleep(0.02)
            # Delivered while the stuck receiver still holds its tries (8 s each).
            assert healthy.received and time.monotonic() - began < 5
            assert not stuck.requests  # none of the held tries has ended
        finally:
            stuck.release.set()
            deliverer.stop(wait_s=10)


def test_after_a_failed_try_the_endpoint_waits_and_a_success_or_a_person_ends_the_wait(sessions, session, site, receiver_factory):
    failing = receiver_factory(503, 204)
    deliverer = WebhookDeliverer(sessions, timeout_s=1.0, max_attempts=3, retry_base_s=60, poll_s=0.05, threads=2, name="t")
    deliverer._client = httpx.Client(timeout=httpx.Timeout(1.0), follow_redirects=False, trust_env=False)
    try:
        endpoint, _secret, _event = queue_event(session, site, failing.url)
        assert len(deliver_due(deliverer, session)) == 1
        session.refresh(endpoint)
        assert endpoint.backoff_until is not None and endpoint.backoff_until > utcnow()
        # A new event for the endpoint is not tried while it backs off; another site's is.
        events.record(session, events.ARTICLE_CLOSED, article=add_article(session, site, url="https://news.example/2"))
        other_site, _key = create_site(session, "other", "The Other Example")
        other, _secret, _event = queue_event(session, other_site, "http://127.0.0.1:9/other")
        assert [delivery.endpoint_id for delivery in outbox.claim_due(session, "server-2", 60, 10)] == [other.id]
        assert len(failing.received) == 1
        # Pausing and resuming is a person saying it is fixed: the wait ends.
        webhooks.update(session, endpoint, active=False)
        webhooks.update(session, endpoint, active=True)
        assert endpoint.backoff_until is None
        # The new event goes now; the failed one keeps its own retry time.
        claimed = deliver_due(deliverer, session)
        assert [delivery.endpoint_id for delivery in claimed] == [endpoint.id] and claimed[0].attempts == 0
        session.refresh(endpoint)
        assert endpoint.backoff_until is None  # the receiver answered 204
    finally:
        deliverer._client.close()


def test_a_resolver_that_hangs_ends_the_try_at_its_deadline(sessions, session, site, monkeypatch):
    let_go = threading.Event()

    def hanging(host, port):
        let_go.wait(30)
        raise OSError("the resolver gave up")

    monkeypatch.setattr(webhook_delivery, "resolve", hanging)
    deliverer = WebhookDeliverer(sessions, timeout_s=0.5, max_attempts=3, retry_base_s=0, threads=2)
    deliverer._client = httpx.Client(timeout=httpx.Timeout(0.5), follow_redirects=False, trust_env=False)
    try:
        queue_event(session, site, "http://hooks.newsroom.example/commentdesk")
        began = time.monotonic()
        assert len(deliver_due(deliverer, session)) == 1
        assert time.monotonic() - began < 2
        row = stored(session)
        assert (row.status, row.attempts, row.last_status_code) == ("pending", 1, None)
        assert row.last_error == "the host name was not resolved within 0.5 s"
    finally:
        let_go.set()
        deliverer._client.close()


def test_the_name_is_resolved_once_and_the_receiver_sees_it_in_the_host_header(
    sessions, session, site, receiver_factory, monkeypatch
):
    receiver = receiver_factory(204)
    port = receiver.server.server_address[1]
    asked = []

    def to_loopback(host, port_asked):
        asked.append((host, port_asked))
        return ["127.0.0.1"]

    monkeypatch.setattr(webhook_delivery, "resolve", to_loopback)
    deliverer = WebhookDeliverer(sessions, timeout_s=2.0, max_attempts=3, retry_base_s=0, threads=2)
    deliverer._client = httpx.Client(timeout=httpx.Timeout(2.0), follow_redirects=False, trust_env=False)
    try:
        queue_event(session, site, f"http://hooks.newsroom.example:{port}/hook")
        deliver_due(deliverer, session)
        assert stored(session).status == DeliveryStatus.DELIVERED
        assert asked == [("hooks.newsroom.example", port)]
        assert receiver.received[0][0]["Host"] == f"hooks.newsroom.example:{port}"
    finally:
        deliverer._client.close()


def test_a_name_with_no_address_is_a_failed_try(session, site, deliverer, monkeypatch):
    monkeypatch.setattr(webhook_delivery, "resolve", lambda host, port: [])
    queue_event(session, site, "http://hooks.newsroom.example/hook")
    deliver_due(deliverer, session)
    row = stored(session)
    assert (row.status, row.attempts) == ("pending", 1) and "no address for hooks.newsroom.example" in row.last_error


@pytest.mark.parametrize(("answers", "max_attempts"), [((400,), 3), ((500,), 3), ((503,), 1)], ids=["400", "500", "last-try"])
def test_a_refused_event_or_a_last_try_holds_up_no_other_delivery_of_its_endpoint(
    sessions, session, site, receiver_factory, answers, max_attempts
):
    receiver = receiver_factory(*answers, 204)
    deliverer = WebhookDeliverer(
        sessions, timeout_s=1.0, max_attempts=max_attempts, retry_base_s=60, poll_s=0.05, threads=2, name="t"
    )
    deliverer._client = httpx.Client(timeout=httpx.Timeout(1.0), follow_redirects=False, trust_env=False)
    try:
        endpoint, _secret, _event = queue_event(session, site, receiver.url)
        assert len(deliver_due(deliverer, session)) == 1
        session.refresh(endpoint)
        assert endpoint.backoff_until is None
        # The endpoint's next event goes at once.
        events.record(session, events.ARTICLE_CLOSED, article=add_article(session, site, url="https://news.example/2"))
        session.commit()
        claimed = deliver_due(deliverer, session)
        assert [delivery.endpoint_id for delivery in claimed] == [endpoint.id] and claimed[0].attempts == 0
        assert len(receiver.received) == 2
    finally:
        deliverer._client.close()


@pytest.mark.parametrize(
    ("code", "down"), [(None, True), (429, True), (502, True), (503, True), (504, True), (400, False), (404, False), (500, False)]
)
def test_only_no_answer_or_an_answer_asking_for_time_counts_as_the_receiver_being_down(code, down):
    assert webhook_delivery.receiver_unavailable(code) is down
