"""Several `commentdesk serve` processes on one PostgreSQL database, as behind a load balancer.

Two servers (one with two workers, so three web processes) share the database and the instance
secret. Whatever server a reader or moderator reaches, they see the same counts, pages, flood
limits, sign-in limits and queues. The models are off here (every comment waits for a
moderator), so what is tested is the shared state, not moderation.
"""

from __future__ import annotations

import itertools
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from commentdesk.services import accounts
from commentdesk.services.sites import create_site
from commentdesk.store.db import make_engine, migrate, session_factory
from commentdesk.store.models import Article, Comment, CommentStatus
from server_processes import Server, sign_in, workspace_csrf

PASSWORD = "correct horse battery"
FLOOD_LIMIT = 6


@pytest.fixture
def shared_database(postgres_admin_url, tmp_path):
    """A fresh PostgreSQL database with one site, two articles and a moderator."""
    import uuid

    name = f"cd_multi_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(postgres_admin_url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    migrate(engine)
    with session_factory(engine)() as session:
        site, _key = create_site(
            session,
            "news",
            "News",
            policy={
                "refuse_per_minute_address": FLOOD_LIMIT,
                "flood_per_minute_address": 10_000,
                "flood_per_minute_commenter": 1000,
            },
        )
        for slug in ("tram", "lanes"):
            session.add(
                Article(site_id=site.id, url=f"https://news.example/{slug}", title=f"Story about the {slug}", body="Text.")
            )
        accounts.create_user(session, "mod", PASSWORD, "moderator")
        session.commit()
    yield url, engine
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def two_servers(shared_database, tmp_path):
    url, _engine = shared_database
    servers = [Server(tmp_path / "a", url, "--workers", "2"), Server(tmp_path / "b", url, "--workers", "1")]
    for server in servers:
        server.start()
    yield servers
    for server in servers:
        server.stop()


def article_ids(engine) -> list[int]:
    with session_factory(engine)() as session:
        return list(session.scalars(select(Article.id).order_by(Article.id)))


def approve_all(server: Server, comment_ids: list[int]) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as moderator:
        assert sign_in(moderator, "mod", PASSWORD).status_code == 303
        answer = moderator.post(
            "/moderate/api/decisions",
            json={"action": "approve", "ids": comment_ids},
            headers={"X-CSRF-Token": workspace_csrf(moderator)},
        )
        assert answer.status_code == 200, answer.text


def held_count(server: Server) -> int:
    with httpx.Client(base_url=server.url, timeout=30) as moderator:
        assert sign_in(moderator, "mod", PASSWORD).status_code == 303
        return moderator.get("/moderate/api/counts", headers={"X-CSRF-Token": workspace_csrf(moderator)}).json()["counts"]["held"]


def test_counts_pages_and_queues_agree_whichever_server_answers(shared_database, two_servers):
    _url, engine = shared_database
    a, b = two_servers
    article = article_ids(engine)[0]
    # Warm every web process's cache before anything changes.
    for server in (a, b):
        for _ in range(6):
            assert httpx.get(f"{server.url}/api/v1/articles/{article}/comments").json()["total"] == 0
    posted = [
        httpx.post(
            f"{server.url}/api/v1/articles/{article}/comments",
            json={"author_name": f"Reader {n}", "text": f"Comment number {n} on the tram story."},
        ).json()
        for n, server in zip(range(4), itertools.cycle((a, b)))
    ]
    assert [answer["outcome"] for answer in posted] == ["held"] * 4
    assert held_count(a) == held_count(b) == 4  # one queue, whichever server the moderator uses

    approve_all(b, [answer["comment"]["id"] for answer in posted[:3]])
    for server in (a, b):
        for _ in range(6):  # every worker of each server
            page = httpx.get(f"{server.url}/api/v1/articles/{article}/comments").json()
            assert page["total"] == 3 and len(page["comments"]) == 3
            assert httpx.get(f"{server.url}/api/v1/counts?ids={article}").json()["counts"] == {str(article): 3}
    assert held_count(a) == 1


def test_the_flood_limit_of_an_address_counts_posts_to_every_server(shared_database, two_servers):
    _url, engine = shared_database
    a, b = two_servers
    article = article_ids(engine)[1]
    answers = [
        httpx.post(
            f"{server.url}/api/v1/articles/{article}/comments",
            json={"author_name": f"Poster {n}", "text": f"Flood test comment {n}."},
        ).status_code
        for n, server in zip(range(FLOOD_LIMIT + 2), itertools.cycle((a, b)))
    ]
    assert answers == [201] * FLOOD_LIMIT + [429, 429]


def test_sign_in_limits_hold_across_servers(shared_database, two_servers):
    a, b = two_servers
    clients = [httpx.Client(base_url=server.url, timeout=30) for server in (a, b)]
    try:
        # Five misses on one name, spread over both servers, lock that name on both.
        misses = [sign_in(clients[n % 2], "mod", "wrong password").status_code for n in range(5)]
        assert misses[:4] == [401] * 4 and misses[4] == 429
        assert sign_in(clients[1], "mod", PASSWORD).status_code == 429
        assert sign_in(clients[0], "mod", PASSWORD).status_code == 429
        # Guessing many names from one address is stopped too, wherever the guesses land.
        statuses = [sign_in(clients[n % 2], f"guess{n}", "wrong password").status_code for n in range(16)]
        assert statuses[-1] == 429 and "from your network" in sign_in(clients[0], "another", "wrong").text
    finally:
        for client in clients:
            client.close()


def test_posts_and_reads_through_both_servers_under_load(shared_database, two_servers):
    """Eight clients post and read through both servers at once; nothing acknowledged is missing
    and every server then reports the same, true counts."""
    url, engine = shared_database
    a, b = two_servers
    articles = article_ids(engine)
    with session_factory(engine)() as session:  # this test is about load, not about flooding
        site = session.scalars(select(Article)).first().site
        site.policy = {**site.policy, "refuse_per_minute_address": 100_000}
        session.commit()
    acknowledged: list[int] = []
    problems: list[str] = []
    lock = threading.Lock()

    def poster(number: int) -> None:
        with httpx.Client(timeout=60) as client:
            for n in range(15):
                server = (a, b)[(number + n) % 2]
                answer = client.post(
                    f"{server.url}/api/v1/articles/{articles[n % 2]}/comments",
                    json={"author_name": f"Load {number}", "text": f"Load comment {number}-{n} on the story."},
                )
                with lock:
                    if answer.status_code == 201:
                        acknowledged.append(answer.json()["comment"]["id"])
                    else:
                        problems.append(f"POST {answer.status_code} {answer.text[:200]}")

    def reader(number: int) -> None:
        with httpx.Client(timeout=60) as client:
            for n in range(60):
                server = (a, b)[(number + n) % 2]
                path = (
                    f"/api/v1/articles/{articles[n % 2]}/comments" if n % 3 else f"/api/v1/counts?ids={articles[0]},{articles[1]}"
                )
                answer = client.get(server.url + path)
                if answer.status_code != 200:
                    with lock:
                        problems.append(f"GET {path} {answer.status_code}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        for future in [pool.submit(poster, n) for n in range(4)] + [pool.submit(reader, n) for n in range(4)]:
            future.result()
    assert problems == []
    assert len(acknowledged) == 60
    with session_factory(engine)() as session:
        stored = set(session.scalars(select(Comment.id).where(Comment.id.in_(acknowledged))))
        assert stored == set(acknowledged)

    approve_all(a, acknowledged)
    with session_factory(engine)() as session:
        truth = dict(
            session.execute(
                select(Comment.article_id, func.count())
                .where(Comment.status == CommentStatus.PUBLISHED)
                .group_by(Comment.article_id)
            ).all()
        )
    expected = {str(article): truth.get(article, 0) for article in articles}
    assert sum(expected.values()) == 60
    for server in (a, b):
        for _ in range(6):
            assert httpx.get(f"{server.url}/api/v1/counts?ids={articles[0]},{articles[1]}").json()["counts"] == expected
            assert httpx.get(f"{server.url}/api/v1/articles/{articles[0]}/comments").json()["total"] == truth[articles[0]]
