"""Webhooks from real `commentdesk serve` processes: a server killed mid-delivery, a restart, a
receiver outage, and two servers on one PostgreSQL delivering each event once.

The models are off (every comment is held), so the events come from posts and a moderator's
decisions. A receiver dedupes by event id; what it must see is every event, and no event twice
except one whose delivery a killed server never got to record (at-least-once).
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections import defaultdict

import httpx
import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from commentdesk.services import accounts
from commentdesk.services.sites import create_site
from commentdesk.store.db import make_engine, migrate, session_factory
from commentdesk.store.models import Article, DomainEvent
from server_processes import Server, sign_in, workspace_csrf
from webhook_receiver import Receiver

PASSWORD = "correct horse battery"
FAST_RETRIES = ("--webhook-timeout-ms", "2000", "--webhook-retry-base-ms", "200")


@pytest.fixture(params=["sqlite", "postgres"])
def database(request, tmp_path):
    """A fresh database with one site (its API key), one article and a moderator: (url, engine, key, article id)."""
    if request.param == "sqlite":
        url, drop = f"sqlite:///{tmp_path / 'shared.sqlite3'}", None
    else:
        admin_url = request.getfixturevalue("postgres_admin_url")
        name = f"cd_hooks_{uuid.uuid4().hex[:12]}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        drop = (admin, name)
    engine = make_engine(url)
    migrate(engine)
    with session_factory(engine)() as session:
        site, key = create_site(
            session, "news", "News", policy={"flood_per_minute_commenter": 1000, "flood_per_minute_address": 1000}
        )
        article = Article(site_id=site.id, url="https://news.example/tram", title="Story about the tram", body="Text.")
        session.add(article)
        accounts.create_user(session, "mod", PASSWORD, "moderator")
        session.commit()
        article_id = article.id
    yield url, engine, key, article_id
    engine.dispose()
    if drop is not None:
        admin, name = drop
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def recorded(engine) -> set[str]:
    with session_factory(engine)() as session:
        return set(session.scalars(select(DomainEvent.event_id)))


def add_endpoint(server: Server, key: str, receiver: Receiver) -> None:
    answer = httpx.post(
        server.url + "/api/v1/webhooks", json={"url": receiver.url}, headers={"Authorization": f"Bearer {key}"}, timeout=30
    )
    assert answer.status_code == 201, answer.text
    receiver.secret = answer.json()["secret"]


def post(server: Server, article_id: int, text_: str) -> int:
    answer = httpx.post(
        f"{server.url}/api/v1/articles/{article_id}/comments", json={"author_name": "Ann Reader", "text": text_}, timeout=30
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["comment"]["id"]


def approve(server: Server, comment_ids: list[int]) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as moderator:
        assert sign_in(moderator, "mod", PASSWORD).status_code == 303
        answer = moderator.post(
            "/moderate/api/decisions",
            json={"action": "approve", "ids": comment_ids},
            headers={"X-CSRF-Token": workspace_csrf(moderator)},
        )
        assert answer.status_code == 200, answer.text


def wait_for(condition, within_s: float, message: str) -> None:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {message}")


def kill(server: Server) -> None:
    """SIGKILL the web workers and then the supervisor: nothing is given back, nothing finishes."""
    for pid in server.workers():
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    server.process.kill()
    server.process.wait(timeout=30)


def bodies_by_event(receiver: Receiver) -> dict[str, list[dict]]:
    found = defaultdict(list)
    for request in receiver.accepted():
        found[request.event_id].append(request.body)
    return found


def test_a_server_killed_mid_delivery_and_a_receiver_outage_lose_nothing(database, tmp_path):
    url, engine, key, article_id = database
    with Receiver() as receiver:
        first = Server(tmp_path / "first", url, "--workers", "1", *FAST_RETRIES).start()
        try:
            add_endpoint(first, key, receiver)
            receiver.hold.set()
            post(first, article_id, "Posted just before the server dies.")
            wait_for(receiver.held.is_set, 30, "a delivery in flight")
            kill(first)
        finally:
            first.stop()
        in_flight_when_killed = recorded(engine)
        receiver.hold.clear()
        receiver.release.set()
        receiver.failing = True  # the receiver is down when the server comes back

        second = Server(tmp_path / "second", url, "--workers", "1", *FAST_RETRIES).start()
        try:
            comment = post(second, article_id, "Posted after the restart, while the receiver is down.")
            approve(second, [comment])
            time.sleep(1.5)
            assert receiver.accepted_ids() <= in_flight_when_killed  # nothing accepted while failing, bar the held ones
            receiver.failing = False
            everything = recorded(engine)
            assert len(everything) == 5  # created + held, twice; published
            wait_for(lambda: receiver.accepted_ids() == everything, 90, "every event after the outage and restart")
        finally:
            second.stop()

    for event_id, bodies in bodies_by_event(receiver).items():
        assert all(body == bodies[0] for body in bodies)  # a repeat is the same event
        if len(bodies) > 1:
            assert event_id in in_flight_when_killed  # only what the killed server was sending
    assert all(request.signed for request in receiver.accepted())


@pytest.mark.postgres
@pytest.mark.parametrize("database", ["postgres"], indirect=True)  # several servers share PostgreSQL only
def test_two_servers_on_one_postgresql_deliver_each_event_once(database, tmp_path):
    url, engine, key, article_id = database
    with Receiver() as receiver:
        servers = [
            Server(tmp_path / "a", url, "--workers", "2", *FAST_RETRIES),
            Server(tmp_path / "b", url, "--workers", "1", *FAST_RETRIES),
        ]
        try:
            for server in servers:
                server.start()
            add_endpoint(servers[0], key, receiver)
            comments = [post(servers[n % 2], article_id, f"Comment {n} through one server or the other.") for n in range(12)]
            approve(servers[1], comments[:6])
            approve(servers[0], comments[6:])
            everything = recorded(engine)
            assert len(everything) == 36
            wait_for(lambda: receiver.accepted_ids() == everything, 90, "every event")
            time.sleep(1)
        finally:
            for server in servers:
                server.stop()
    assert len(receiver.accepted()) == len(everything)  # no event twice
    assert all(request.signed for request in receiver.accepted())
