"""Every comment answered with 201 is still there after the server process is killed outright,
on SQLite and on PostgreSQL (the `database_url` fixture runs it once per backend)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import select

from commentdesk.services.sites import create_site
from commentdesk.store.db import make_engine, migrate, session_factory
from commentdesk.store.models import Comment

POSTS = 40


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.models
def test_acknowledged_comments_survive_a_killed_server(tmp_path, database_url):
    data_dir = tmp_path / "data"
    engine = make_engine(database_url)
    migrate(engine)
    with session_factory(engine)() as session:
        _site, key = create_site(
            session, "news", "News", policy={"flood_per_minute_commenter": 1000, "flood_per_minute_address": 1000}
        )
        session.commit()
    engine.dispose()

    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "commentdesk.cli",
            "serve",
            "--data-dir",
            str(data_dir),
            "--database-url",
            database_url,
            "--port",
            str(port),
        ],
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    acknowledged: list[int] = []
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(f"{base}/openapi.json", timeout=2)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("the server did not start")
                time.sleep(0.2)
        with httpx.Client(base_url=base, timeout=30) as client:
            article = client.put(
                "/api/v1/articles",
                headers={"Authorization": f"Bearer {key}"},
                json={
                    "url": "https://news.example/rates",
                    "title": "Central bank holds rates",
                    "body": "The central bank kept its rate at 4.25 percent.",
                },
            ).json()

        def post(i: int) -> None:
            try:
                with httpx.Client(base_url=base, timeout=30) as poster:
                    response = poster.post(
                        f"/api/v1/articles/{article['id']}/comments",
                        json={"author_name": f"Reader {i}", "text": f"Holding rates at 4.25 percent is right for now ({i})."},
                    )
            except httpx.HTTPError:
                return  # in flight when the server died: never acknowledged
            if response.status_code == 201:
                acknowledged.append(response.json()["comment"]["id"])

        # Eight posters at once; the server is killed while some of their comments are in flight.
        with ThreadPoolExecutor(8) as pool:
            for i in range(POSTS):
                pool.submit(post, i)
            while len(acknowledged) < POSTS // 2 and time.monotonic() < deadline + 120:
                time.sleep(0.01)
            server.send_signal(signal.SIGKILL)  # no shutdown, no flush: as a crash or a power cut would
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=30)
    assert len(acknowledged) >= POSTS // 2

    engine = make_engine(database_url)
    with session_factory(engine)() as session:
        stored = set(session.scalars(select(Comment.id)))
    engine.dispose()
    assert set(acknowledged) <= stored
