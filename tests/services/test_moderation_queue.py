"""Bursts are checked, not dumped on moderators.

A comment the server is too busy to check at once is stored as "being checked" and decided on
its merits as soon as the models are free, after a restart too; only a model that really fails
holds it for a person. The models here are the real ones behind a gate the test opens, so the
moment the server is "busy" is chosen by the test, never by timing.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.engine import make_url

from commentdesk.app import create_app
from commentdesk.moderation.types import ModelSignals
from commentdesk.services.sites import create_site
from commentdesk.store.models import Comment, CommentStatus, DomainEvent, ModerationEvent, ModerationJob, utcnow

pytestmark = pytest.mark.models

ARTICLE = {
    "url": "https://news.example/tram",
    "title": "Council extends the tram line to the northern suburbs",
    "body": "The city council voted on Tuesday to extend the tram line north. The extension will cost 240 million "
    "and open in 2029. Residents of the northern districts have waited a decade for a direct connection.",
}
ON_TOPIC = "The tram extension is long overdue; the northern districts have waited far too long for it."
ABUSIVE = "You are a brainless idiot and a disgusting moron, nobody wants to read your garbage."


class GatedModels:
    """The real models, reached only once the gate is open (a server busy until then); with
    `failing`, every check fails as a broken model would."""

    def __init__(self, models) -> None:
        self.models = models
        self.gate = threading.Event()
        self.failing = False
        self.waiting = 0
        self._lock = threading.Lock()

    def __getattr__(self, name):
        return getattr(self.models, name)

    def signals(self, candidate):
        with self._lock:
            self.waiting += 1
        self.gate.wait(120)
        if self.failing:
            return ModelSignals(failures={"models": "error: weights missing"}, versions=self.models.versions)
        return self.models.signals(candidate)


@pytest.fixture
def gated(models):
    gated = GatedModels(models)
    yield gated
    gated.gate.set()  # free any check still waiting


def _app(settings, gated, **overrides):
    for name, value in {"check_wait_ms": 50, **overrides}.items():
        setattr(settings, name, value)
    app = create_app(settings, models=gated)
    app.state.moderation_queue.poll_s = 0.05
    return app


def _site_and_article(client) -> int:
    with client.app.state.sessions() as session:
        _site, key = create_site(session, "news", "The Daily Example", policy={"flood_per_minute_commenter": 1000})
        session.commit()
    response = client.put("/api/v1/articles", json=ARTICLE, headers={"Authorization": f"Bearer {key}"})
    return response.json()["id"]


def _post(client, article_id: int, text_: str, name: str = "Reader") -> dict:
    response = client.post(f"/api/v1/articles/{article_id}/comments", json={"author_name": name, "text": text_})
    assert response.status_code == 201, response.text
    return response.json()


def _outcome_when_decided(client, url: str) -> dict:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        body = client.get(url).json()
        if body["outcome"] != "checking":
            return body
        time.sleep(0.05)
    raise AssertionError("the comment was never decided")


def test_a_comment_the_busy_server_could_not_check_at_once_is_published_on_its_merits(settings, gated):
    with TestClient(_app(settings, gated)) as client:
        article_id = _site_and_article(client)
        posted = _post(client, article_id, ON_TOPIC)
        assert posted["outcome"] == "checking"
        assert "being checked" in posted["message"]
        # Stored, but shown to no reader and in no moderator queue while it is checked.
        thread = client.get(f"/api/v1/articles/{article_id}/comments").json()
        assert thread["comments"] == [] and thread["total"] == 0
        assert client.get(posted["outcome_url"]).json()["outcome"] == "checking"

        gated.gate.set()  # the models are free again
        decided = _outcome_when_decided(client, posted["outcome_url"])
        assert decided["outcome"] == "published"
        assert decided["comment"]["id"] == posted["comment"]["id"]
        thread = client.get(f"/api/v1/articles/{article_id}/comments").json()
        assert [comment["id"] for comment in thread["comments"]] == [posted["comment"]["id"]]
        assert thread["total"] == 1
        with client.app.state.sessions() as session:
            assert session.scalars(select(ModerationJob)).all() == []
            events = session.scalars(
                select(ModerationEvent).where(ModerationEvent.comment_id == posted["comment"]["id"]).order_by(ModerationEvent.id)
            ).all()
            assert [(event.from_status, event.to_status) for event in events] == [(None, "checking"), ("checking", "published")]
            # Integrations hear of it twice: stored (being checked), then published when the check landed.
            outbox = session.scalars(select(DomainEvent).order_by(DomainEvent.id)).all()
            assert [(event.kind, event.payload["comment"]["status"]) for event in outbox] == [
                ("comment.created", "checking"),
                ("comment.published", "published"),
            ]


def test_an_abusive_comment_checked_late_is_not_published_and_says_why(settings, gated):
    with TestClient(_app(settings, gated)) as client:
        article_id = _site_and_article(client)
        posted = _post(client, article_id, ABUSIVE)
        assert posted["outcome"] == "checking"
        gated.gate.set()
        decided = _outcome_when_decided(client, posted["outcome_url"])
        assert decided["outcome"] in {"held", "rejected"}
        codes = {reason["code"] for reason in decided["reasons"]}
        assert codes and not any(code.startswith("model_") for code in codes)
        assert decided["comment"] is None


def test_the_outcome_is_told_only_with_the_token_the_post_gave(settings, gated):
    gated.gate.set()
    with TestClient(_app(settings, gated, check_wait_ms=60_000)) as client:
        article_id = _site_and_article(client)
        posted = _post(client, article_id, ON_TOPIC)
        assert posted["outcome"] == "published"
        comment_id = posted["comment"]["id"]
        assert client.get(posted["outcome_url"]).json()["outcome"] == "published"
        wrong = client.get(f"/api/v1/comments/{comment_id}/outcome", params={"token": "0" * 32})
        assert wrong.status_code == 404 and wrong.json()["error"]["code"] == "comment_not_found"
        assert client.get(f"/api/v1/comments/{comment_id}/outcome").status_code == 422


def test_comments_waiting_for_their_check_are_picked_up_after_a_restart(settings, gated, models):
    with TestClient(_app(settings, gated)) as client:
        article_id = _site_and_article(client)
        first = _post(client, article_id, ON_TOPIC, name="First")
        second = _post(
            client,
            article_id,
            "240 million is a lot for one tram line, but the northern districts have waited long enough.",
            name="Second",
        )
        assert first["outcome"] == second["outcome"] == "checking"
    # The server stopped before the models were free. One job is left as a crashed server
    # leaves it: still held by that server, whose lease has run out.
    with TestClient(create_app(settings, models=models)) as client:
        with client.app.state.sessions() as session:
            session.execute(
                update(ModerationJob)
                .where(ModerationJob.comment_id == second["comment"]["id"])
                .values(claimed_by="a-server-that-died", claimed_until=utcnow() - timedelta(seconds=1))
            )
            session.commit()
        client.app.state.moderation_queue.poll_s = 0.05
        client.app.state.moderation_queue.wake()
        for posted in (first, second):
            decided = _outcome_when_decided(client, posted["outcome_url"])
            assert decided["outcome"] == "published", decided
        assert client.get(f"/api/v1/articles/{article_id}/comments").json()["total"] == 2


def test_a_job_whose_lease_ran_out_while_its_check_ran_is_checked_and_decided_once(settings, gated):
    """A server whose lease on a job ran out (its renewals failed) while the job's check still ran
    claims the job again: it starts no second check, and the comment is published and counted once."""
    with TestClient(_app(settings, gated)) as client:
        article_id = _site_and_article(client)
        posted = _post(client, article_id, ON_TOPIC)
        assert posted["outcome"] == "checking"
        comment_id = posted["comment"]["id"]
        lease_ran_out = utcnow() - timedelta(seconds=1)
        with client.app.state.sessions() as session:
            session.execute(
                update(ModerationJob).where(ModerationJob.comment_id == comment_id).values(claimed_until=lease_ran_out)
            )
            session.commit()
        client.app.state.moderation_queue.wake()
        deadline = time.monotonic() + 60
        while True:  # until the queue has taken the job again
            with client.app.state.sessions() as session:
                job = session.scalars(select(ModerationJob).where(ModerationJob.comment_id == comment_id)).one()
            if job.claimed_until > lease_ran_out:
                break
            assert time.monotonic() < deadline, "the job was never taken again"
            time.sleep(0.01)

        gated.gate.set()
        assert _outcome_when_decided(client, posted["outcome_url"])["outcome"] == "published"
        assert client.get(f"/api/v1/articles/{article_id}/comments").json()["total"] == 1
        assert gated.waiting == 1  # the check started at posting is the only one
        with client.app.state.sessions() as session:
            events = session.scalars(select(ModerationEvent).where(ModerationEvent.comment_id == comment_id)).all()
            assert [(event.from_status, event.to_status) for event in events] == [(None, "checking"), ("checking", "published")]


def test_only_a_model_that_keeps_failing_holds_the_comment_for_a_person(settings, gated):
    app = _app(settings, gated)
    app.state.moderation_queue.retry_after_s = (0.05, 0.05)
    with TestClient(app) as client:
        article_id = _site_and_article(client)
        posted = _post(client, article_id, ON_TOPIC)
        assert posted["outcome"] == "checking"
        gated.failing = True
        gated.gate.set()
        decided = _outcome_when_decided(client, posted["outcome_url"])
        assert decided["outcome"] == "held"
        assert [reason["code"] for reason in decided["reasons"]] == ["model_unavailable"]
        assert gated.waiting >= 3  # tried again before giving it to a person


def test_no_transaction_is_open_while_the_models_run(settings, gated, database_url):
    """While a post waits for its models, another writer gets the database at once."""
    with TestClient(_app(settings, gated, check_wait_ms=60_000)) as client:
        article_id = _site_and_article(client)
        poster = threading.Thread(target=_post, args=(client, article_id, ON_TOPIC))
        poster.start()
        deadline = time.monotonic() + 60
        while gated.waiting == 0:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        try:
            if database_url.startswith("sqlite"):
                # The background queues' own writes last milliseconds; a lock kept across the
                # models' run lasts until the gate opens, so a wait of seconds tells them apart.
                other = sqlite3.connect(make_url(database_url).database, timeout=3)
                other.execute("BEGIN IMMEDIATE")  # fails if the post held the write lock
                other.rollback()
                other.close()
            else:
                # A transaction kept across the models' run has been idle since before they started;
                # the background queues' own short transactions (a claim) are younger than that.
                time.sleep(0.3)
                engine = create_engine(database_url)
                with engine.connect() as connection:
                    open_transactions = connection.execute(
                        text(
                            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                            "AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid() "
                            "AND state_change < clock_timestamp() - interval '250 milliseconds'"
                        )
                    ).scalar()
                engine.dispose()
                assert open_transactions == 0
        finally:
            gated.gate.set()
            poster.join(timeout=120)
        with client.app.state.sessions() as session:
            assert session.scalars(select(Comment.status)).all() == [CommentStatus.PUBLISHED]
