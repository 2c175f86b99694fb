"""`commentdesk serve --workers N`: one command, N web workers, one moderation process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from commentdesk import serving
from commentdesk.config import Settings
from commentdesk.services.sites import create_site
from commentdesk.store.db import make_engine, migrate, session_factory
from commentdesk.store.models import Article
from server_processes import Server, children

ARTICLE = {
    "title": "Council approves the tram extension to the northern suburbs",
    "body": "The city council voted to extend the tram line to the northern suburbs at a cost of 240 million. "
    "The extension opens in 2029; residents of the north have waited a decade for it.",
}
ON_TOPIC = "The tram extension to the northern suburbs is long overdue, and 240 million is a fair price for it."
DIFFERENT_ON_TOPIC = [
    "Residents of the north have waited a decade; opening the tram line in 2029 is still too late.",
    "240 million for a tram extension sounds like a lot, but the buses to the northern suburbs are full every morning.",
    "I live in the northern suburbs and a direct tram to the centre would change my commute completely.",
    "The council should publish how the 240 million for the tram line will be paid for before building starts.",
]


def seed(database_url: str) -> int:
    engine = make_engine(database_url)
    migrate(engine)
    with session_factory(engine)() as session:
        site, _key = create_site(
            session, "news", "News", policy={"flood_per_minute_commenter": 1000, "flood_per_minute_address": 1000}
        )
        article = Article(site_id=site.id, url="https://news.example/tram", **ARTICLE)
        session.add(article)
        session.commit()
        article_id = article.id
    engine.dispose()
    return article_id


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'serve.sqlite3'}"


def wait_for(condition, within_s: float = 60) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_workers_answer_on_one_port_and_a_dead_worker_is_replaced(tmp_path, sqlite_url):
    article_id = seed(sqlite_url)
    server = Server(tmp_path / "data", sqlite_url, "--workers", "2").start()
    try:
        first = server.workers()
        assert len(first) == 2 and server.moderation_processes() == []  # models off: no moderation process
        with httpx.Client(base_url=server.url) as client:
            assert all(client.get(f"/api/v1/articles/{article_id}").status_code == 200 for _ in range(40))
        os.kill(first[0], signal.SIGKILL)
        assert wait_for(lambda: len(server.workers()) == 2 and first[0] not in server.workers()), server.log()
        with httpx.Client(base_url=server.url) as client:
            assert all(client.get(f"/api/v1/articles/{article_id}/comments").status_code == 200 for _ in range(40))
    finally:
        assert server.stop() == 0
    assert children(server.process.pid) == []


def test_a_stop_signal_ends_every_process_of_the_server(tmp_path, sqlite_url):
    seed(sqlite_url)
    server = Server(tmp_path / "data", sqlite_url, "--workers", "3").start()
    processes = server.workers()
    assert len(processes) == 3
    assert server.stop(signal.SIGINT) == 0
    assert all(not os.path.exists(f"/proc/{pid}") or "zombie" in open(f"/proc/{pid}/status").read().lower() for pid in processes)


def test_a_port_already_taken_is_said_in_words(tmp_path, sqlite_url):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "commentdesk.cli",
                "serve",
                "--data-dir",
                str(tmp_path / "data"),
                "--database-url",
                sqlite_url,
                "--port",
                str(port),
                "--no-load-models",
                "--workers",
                "2",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "HF_HUB_OFFLINE": "1"},
        )
    assert result.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "Traceback" not in result.stderr


def test_an_invalid_worker_count_is_refused(tmp_path, sqlite_url):
    result = subprocess.run(
        [sys.executable, "-m", "commentdesk.cli", "serve", "--data-dir", str(tmp_path), "--workers", "-1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "--workers" in result.stderr


@pytest.mark.models
def test_workers_share_one_moderation_process_that_holds_the_models(tmp_path, sqlite_url):
    article_id = seed(sqlite_url)
    server = Server(tmp_path / "data", sqlite_url, "--workers", "2", "--log-level", "info", models=True).start()
    try:
        workers, moderation = server.workers(), server.moderation_processes()
        assert len(workers) == 2 and len(moderation) == 1
        # The article seeded before the server started is queued for its passages by one worker only.
        assert wait_for(lambda: "recent articles without current passages queued for embedding: 1 " in server.log()), server.log()
        assert server.log_path.read_text().count("without current passages queued") == 1, server.log()
        # The models' libraries are loaded once, in the moderation process, never in a web worker.
        assert "onnxruntime" in _libraries(moderation[0]) or "libtorch" in _libraries(moderation[0])
        assert all("onnxruntime" not in _libraries(pid) and "libtorch" not in _libraries(pid) for pid in workers)
        with httpx.Client(base_url=server.url, timeout=60) as client:
            posted = [
                client.post(f"/api/v1/articles/{article_id}/comments", json={"author_name": f"Reader {n}", "text": text})
                for n, text in enumerate(DIFFERENT_ON_TOPIC)
            ]
            assert [response.json()["outcome"] for response in posted] == ["published"] * 4, [r.text for r in posted]
            assert client.get(f"/api/v1/counts?ids={article_id}").json()["counts"] == {str(article_id): 4}

            # Without its moderation process a server still stores every comment, held for a person.
            os.kill(moderation[0], signal.SIGKILL)
            held = client.post(f"/api/v1/articles/{article_id}/comments", json={"author_name": "Late", "text": ON_TOPIC})
            assert held.status_code == 201 and held.json()["outcome"] == "held"
            assert [reason["code"] for reason in held.json()["reasons"]] == ["model_unavailable"]
            assert wait_for(
                lambda: len(server.moderation_processes()) == 1 and moderation[0] not in server.moderation_processes()
            )

            def moderated_again() -> bool:
                again = client.post(f"/api/v1/articles/{article_id}/comments", json={"author_name": "Again", "text": ON_TOPIC})
                return again.status_code == 201 and not any(
                    reason["code"].startswith("model_") for reason in again.json()["reasons"]
                )

            assert wait_for(moderated_again, within_s=180), server.log()
    finally:
        assert server.stop() == 0


def test_only_the_first_worker_looks_for_articles_to_embed_at_start(tmp_path, monkeypatch):
    """Each worker's app is told whether it looks, as it starts, for the recent articles without
    current passages: the first does (a replacement of it too), the others would find the same."""

    class Exited(Exception):
        pass

    def exit_child(status: int):
        raise Exited(status)

    told = []
    monkeypatch.setattr(serving.os, "fork", lambda: 0)  # every start runs the child's side here
    monkeypatch.setattr(serving.os, "_exit", exit_child)
    monkeypatch.setattr(serving, "_die_with_parent", lambda: None)
    monkeypatch.setattr(serving, "_run_worker", lambda *_args, sweep_passages: told.append(sweep_passages) or 0)
    supervisor = serving.Supervisor(Settings(data_dir=tmp_path, load_models=False), 3)
    for index in (0, 1, 2, 0):
        with pytest.raises(Exited):
            supervisor._start_worker(index)
    assert told == [True, False, False, True]


def _libraries(pid: int) -> str:
    with open(f"/proc/{pid}/maps") as maps:
        return maps.read()
