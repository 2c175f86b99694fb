"""An article is in its site's bank of other articles from the moment it is registered: its passages
are embedded in the background once the registration commits, refreshed when its text changes,
and never make the caller wait or fail; without models nothing happens, and the first comment
still computes them as before. At start, each site's recent articles whose passages are missing
or of another embedder are embedded too, by one process only.

The models are canned: a text is a vector of the subject words it uses, and a comment's relevance
is its best cosine with the article's passages, as the real relevance model compares."""

from __future__ import annotations

import gc
import logging
import re
import threading
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from commentdesk.app import create_app
from commentdesk.moderation import remote
from commentdesk.moderation.models.relevance import RelevanceScore
from commentdesk.moderation.pipeline import Pipeline
from commentdesk.moderation.types import Candidate, ModelSignals
from commentdesk.services import article_passages
from commentdesk.services.article_passages import ArticlePassageKeeper
from commentdesk.services.articles import register_article
from commentdesk.services.posting import CommentPoster
from commentdesk.services.sites import create_site
from commentdesk.store import articles as store
from commentdesk.store.db import make_engine, migrate, session_factory
from commentdesk.store.models import ArticlePassages, Site

SECRET = "test-secret"
VERSION = "subject-words@1"
WORDS = ["tram", "trams", "track", "stops", "line", "club", "striker", "signing", "goals", "season", "rain", "flood"]
TRAMS = ("Trams return to Market Street", "The tram track is finished. Trams run every ten minutes between the stops.")
SIGNING = ("Eastbridge club completes signing of striker", "The club signed the striker. He scored twenty goals last season.")
ABOUT_THE_SIGNING = "What a signing, that striker will score goals for the club all season."


def vector(text: str) -> np.ndarray:
    words = re.findall(r"[a-z]+", text.lower())
    counts = np.array([words.count(word) for word in WORDS], dtype=np.float32)
    norm = np.linalg.norm(counts)
    return counts / norm if norm else counts


def chunks(title: str, body: str) -> list[str]:
    return [title, *[sentence for sentence in body.split(". ") if sentence]]


class SubjectWordModels:
    """Canned models that count their article embeddings; `broken` makes those fail."""

    def __init__(self, version: str = VERSION) -> None:
        self.version = version
        self.embedded: list[str] = []
        self.broken = False

    def load(self):
        return self

    @property
    def versions(self) -> dict[str, str]:
        return {"embedder": self.version} if self.version else {}

    def article_passages(self, title: str, body: str):
        if self.broken:
            raise RuntimeError("the embedder is away")
        self.embedded.append(title)
        passages = chunks(title, body)
        return passages, np.stack([vector(passage) for passage in passages])

    def signals(self, candidate: Candidate) -> ModelSignals:
        passages, vectors = candidate.passages, candidate.passage_vectors
        if passages is None or vectors is None:
            passages = chunks(candidate.article_title, candidate.article_body)
            vectors = np.stack([vector(passage) for passage in passages])
        comment = vector(candidate.text)
        sims = vectors @ comment
        similarity = float(np.max(sims))
        return ModelSignals(
            embedding=comment,
            relevance=RelevanceScore(similarity, similarity, passages[int(np.argmax(sims))], "article"),
            versions=self.versions,
            passages=passages,
            passage_vectors=vectors,
        )


@pytest.fixture
def models():
    return SubjectWordModels()


@pytest.fixture
def keeper(sessions, models):
    return ArticlePassageKeeper(sessions, models)


@pytest.fixture
def relaxed_site(session, site):
    site.policy = {"flood_per_minute_commenter": 100, "flood_per_minute_address": 100}
    session.commit()
    return site


def register(session, site, url, title_body, **extra):
    title, body = title_body
    return register_article(session, site, url, {"title": title, "body": body, **extra})[0]


def stored(session, article):
    session.expire_all()
    return store.cached_passages(session, article, VERSION)


def test_registering_an_article_stores_its_passages(session, site, keeper, models):
    article = register(session, site, "https://news.example/trams", TRAMS)
    assert keeper.pending == [article.id]  # queued when the registration committed, not run by it
    assert models.embedded == [] and stored(session, article) is None
    assert keeper.work_round() is False
    passages, vectors = stored(session, article)
    assert passages == chunks(*TRAMS) and vectors.shape == (len(passages), len(WORDS))
    assert keeper.pending == []


def test_a_comment_about_a_fresh_article_without_comments_is_held_naming_it(session, relaxed_site, keeper, models):
    trams = register(session, relaxed_site, "https://news.example/trams", TRAMS)
    signing = register(session, relaxed_site, "https://news.example/signing", SIGNING)
    keeper.work_round()
    assert stored(session, signing) is not None
    poster = CommentPoster(Pipeline(models), SECRET)
    posted = poster.post(session, trams, author_name="Ana", author_email=None, text=ABOUT_THE_SIGNING)
    assert [reason.code for reason in posted.decision.reasons] == ["other_article"]
    assert posted.decision.reasons[0].message == f"It looks like it is about another article, “{SIGNING[0]}”, not the article."
    assert posted.comment.status == "pending"


def test_without_the_registration_embedding_the_comment_is_only_off_topic(session, relaxed_site, models):
    """What the bank missed before: the fresh article has no passages until its first comment."""
    trams = register(session, relaxed_site, "https://news.example/trams", TRAMS)
    register(session, relaxed_site, "https://news.example/signing", SIGNING)
    posted = CommentPoster(Pipeline(models), SECRET).post(
        session, trams, author_name="Ana", author_email=None, text=ABOUT_THE_SIGNING
    )
    assert [reason.code for reason in posted.decision.reasons] == ["off_topic"]


def test_re_registering_with_a_changed_body_refreshes_the_passages(session, site, keeper, models):
    article = register(session, site, "https://news.example/trams", TRAMS)
    keeper.work_round()
    first_hash = session.get(ArticlePassages, article.id).content_hash
    changed = (TRAMS[0], "The tram line is closed by a flood. Heavy rain flooded the track.")
    register(session, site, "https://news.example/trams", changed)
    assert keeper.pending == [article.id]
    keeper.work_round()
    passages, _vectors = stored(session, article)
    assert passages == chunks(*changed)
    assert session.get(ArticlePassages, article.id).content_hash != first_hash
    assert models.embedded == [TRAMS[0], TRAMS[0]]


def test_a_change_that_leaves_the_text_alone_embeds_nothing(session, site, keeper, models):
    article = register(session, site, "https://news.example/trams", TRAMS)
    keeper.work_round()
    register_article(session, site, "https://news.example/trams", {"comments_open": False})
    register(session, site, "https://news.example/trams", TRAMS)  # the same text sent again
    assert keeper.pending == []
    keeper.embed_later([article.id])  # and if one comes anyway, stored passages are not computed again
    keeper.work_round()
    assert models.embedded == [TRAMS[0]]


def test_a_rolled_back_registration_queues_nothing(session, site, keeper):
    store.upsert_article(session, site, "https://news.example/trams", title=TRAMS[0], body=TRAMS[1])
    session.rollback()
    session.commit()
    assert keeper.pending == []


def test_an_article_changed_again_while_it_was_embedded_keeps_only_current_passages(session, sessions, site, models):
    article = register(session, site, "https://news.example/trams", TRAMS)
    changed = (TRAMS[0], "The tram line is closed by a flood.")

    class ChangedMeanwhile(SubjectWordModels):
        def article_passages(self, title, body):
            found = models.article_passages(title, body)
            with sessions() as other:  # another request changes the text while the models run
                register(other, site, "https://news.example/trams", changed)
            return found

    keeper = ArticlePassageKeeper(sessions, ChangedMeanwhile())
    assert keeper.embed(article.id) is False  # the old text's passages are not stored
    assert stored(session, article) is None and keeper.pending == [article.id]
    assert keeper.embed(article.id) is True
    assert stored(session, article)[0] == chunks(*changed)


def test_without_models_nothing_happens_and_nothing_breaks(session, relaxed_site, sessions):
    no_models = SubjectWordModels(version="")
    keeper = ArticlePassageKeeper(sessions, no_models)
    article = register(session, relaxed_site, "https://news.example/trams", TRAMS)
    assert keeper.pending == [] and keeper.work_round() is False
    assert keeper.embed(article.id) is False and no_models.embedded == []
    assert session.get(ArticlePassages, article.id) is None


def test_a_failed_embedding_is_logged_and_the_first_comment_computes_the_passages(session, relaxed_site, keeper, models, caplog):
    models.broken = True
    with caplog.at_level(logging.WARNING, logger=article_passages.__name__):
        article = register(session, relaxed_site, "https://news.example/trams", TRAMS)
        assert keeper.work_round() is False
    assert f"the passages of article {article.id} could not be computed" in caplog.text
    assert stored(session, article) is None
    models.broken = False
    poster = CommentPoster(Pipeline(models), SECRET)
    poster.post(session, article, author_name="Ana", author_email=None, text="The trams run every ten minutes now.")
    assert stored(session, article)[0] == chunks(*TRAMS)


def test_an_article_older_than_the_bank_holds_waits_for_its_first_comment(session, site, keeper, models, monkeypatch):
    monkeypatch.setattr(article_passages, "MAX_ARTICLES", 1)
    newer = register(session, site, "https://news.example/signing", SIGNING, published_at=datetime(2026, 5, 2))
    older = register(session, site, "https://news.example/trams", TRAMS, published_at=datetime(2026, 5, 1))
    keeper.work_round()
    assert stored(session, newer) is not None and stored(session, older) is None


def wait_for(found, seconds: float = 20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = found()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("not there in time")


def test_the_api_registration_answers_first_and_the_app_embeds_it(settings, models):
    gate = threading.Event()

    class Slow(SubjectWordModels):
        def article_passages(self, title, body):
            gate.wait(20)  # the models are busy: the publisher's call does not wait for them
            return models.article_passages(title, body)

    app = create_app(settings, models=Slow())
    with TestClient(app) as client:
        with app.state.sessions() as session:
            _site, key = create_site(session, "news", "The Daily Example")
            session.commit()
        response = client.put(
            "/api/v1/articles",
            json={"url": "https://news.example/trams", "title": TRAMS[0], "body": TRAMS[1]},
            headers={"Authorization": f"Bearer {key}"},
        )
        assert response.status_code in (200, 201), response.text
        article_id = response.json()["id"]
        gate.set()
        with app.state.sessions() as session:
            article = store.known_article(session, article_id)
            passages, _vectors = wait_for(lambda: stored(session, article))
        assert passages == chunks(*TRAMS)


def test_the_models_of_a_moderation_process_embed_it(tmp_path_factory, session, sessions, site, models):
    socket_path = str(tmp_path_factory.mktemp("m") / "m.sock")
    authkey = b"0123456789abcdef"
    threading.Thread(target=remote.serve_models, args=(socket_path, authkey, models), daemon=True).start()
    wait_for(lambda: Path(socket_path).exists(), 10)
    gc.unfreeze()  # serve_models freezes the collector for the process's lifetime; not this test run's
    keeper = ArticlePassageKeeper(sessions, remote.RemoteModels(socket_path, authkey, 2000).load())
    article = register(session, site, "https://news.example/trams", TRAMS)
    keeper.work_round()
    assert stored(session, article)[0] == chunks(*TRAMS) and models.embedded == [TRAMS[0]]


# --- at start: the recent articles registered before, or stored for another embedder ---------


def test_at_start_missing_and_stale_passages_are_queued_and_current_ones_are_not(session, sessions, site, caplog):
    before = SubjectWordModels(version="subject-words@0")  # the embedder before an upgrade
    earlier = ArticlePassageKeeper(sessions, before)
    old_version = register(session, site, "https://news.example/signing", SIGNING, published_at=datetime(2026, 5, 1))
    earlier.work_round()
    rewritten = register(session, site, "https://news.example/trams", TRAMS, published_at=datetime(2026, 5, 2))
    flood = ("Rain floods the tram line", "Heavy rain flooded the track.")
    current = register(session, site, "https://news.example/flood", flood, published_at=datetime(2026, 5, 3))
    models = SubjectWordModels()
    ArticlePassageKeeper(sessions, models).embed(rewritten.id)
    ArticlePassageKeeper(sessions, models).embed(current.id)
    register(session, site, "https://news.example/trams", (TRAMS[0], "The tram line is closed."))  # its text is new
    never = register(session, site, "https://news.example/closed", ("Tram stops closed", "Two stops close."))  # undated

    keeper = ArticlePassageKeeper(sessions, models)  # registered before this server started: nothing queued yet
    assert keeper.pending == []
    with caplog.at_level(logging.INFO, logger=article_passages.__name__):
        assert keeper.queue_missing() == 3
    assert keeper.pending == [rewritten.id, old_version.id, never.id]  # the bank's order: newest first, undated last
    assert "recent articles without current passages queued for embedding: 3 " in caplog.text
    models.embedded.clear()
    assert keeper.work_round() is False
    assert models.embedded == [TRAMS[0], SIGNING[0], "Tram stops closed"]
    assert all(stored(session, article) is not None for article in (old_version, rewritten, current, never))
    assert keeper.queue_missing() == 0


def test_the_articles_found_at_start_come_after_changed_ones(session, sessions, site, models):
    waiting = register(session, site, "https://news.example/trams", TRAMS)
    keeper = ArticlePassageKeeper(sessions, models)
    fresh = register(session, site, "https://news.example/signing", SIGNING)
    keeper.on_start()  # what `start` does before the thread runs its first round
    keeper.work_round()
    assert models.embedded == [SIGNING[0], TRAMS[0]]  # the changed one first, then the one found at start
    assert stored(session, waiting) is not None and stored(session, fresh) is not None


def test_starting_the_keeper_runs_the_look_on_its_thread(session, sessions, site, models):
    article = register(session, site, "https://news.example/trams", TRAMS)
    keeper = ArticlePassageKeeper(sessions, models).start()
    try:
        wait_for(lambda: stored(session, article))
    finally:
        keeper.stop()
    assert models.embedded == [TRAMS[0]]


def test_at_start_at_most_the_articles_the_bank_holds_are_queued_per_site(session, sessions, site, monkeypatch):
    monkeypatch.setattr(article_passages, "MAX_ARTICLES", 2)
    other_site, _key = create_site(session, "sport", "Sport")
    session.commit()
    ids = [
        register(session, site, f"https://news.example/{day}", TRAMS, published_at=datetime(2026, 5, day)).id for day in (1, 2, 3)
    ]
    other = register(session, other_site, "https://sport.example/signing", SIGNING)
    keeper = ArticlePassageKeeper(sessions, SubjectWordModels())
    assert keeper.queue_missing() == 3
    assert keeper.pending == [ids[2], ids[1], other.id]


def test_a_keeper_told_not_to_look_at_start_embeds_only_what_changes(session, sessions, site, models):
    register(session, site, "https://news.example/trams", TRAMS)
    keeper = ArticlePassageKeeper(sessions, models, sweep=False)
    keeper.on_start()
    assert keeper.work_round() is False and keeper.pending == [] and models.embedded == []
    fresh = register(session, site, "https://news.example/signing", SIGNING)
    assert keeper.pending == [fresh.id]


def test_without_models_nothing_is_looked_for_at_start(session, sessions, site, caplog):
    register(session, site, "https://news.example/trams", TRAMS)
    no_models = SubjectWordModels(version="")
    keeper = ArticlePassageKeeper(sessions, no_models)
    with caplog.at_level(logging.INFO, logger=article_passages.__name__):
        assert keeper.queue_missing() == 0
        keeper.on_start()
        assert keeper.work_round() is False
    assert keeper.pending == [] and no_models.embedded == [] and "queued" not in caplog.text


def seed_before_the_server(settings) -> tuple[int, int]:
    """A site and an article written by another process, before this server started."""
    engine = make_engine(settings.resolved_database_url())
    migrate(engine)
    with session_factory(engine)() as session:
        site, _key = create_site(session, "news", "The Daily Example")
        article = register(session, site, "https://news.example/trams", TRAMS)
        found = site.id, article.id
    engine.dispose()
    return found


def test_only_an_app_told_to_look_at_start_embeds_the_articles_registered_before(settings, models):
    site_id, article_id = seed_before_the_server(settings)
    quiet = create_app(settings, models=models, sweep_passages=False)  # a second web worker
    with TestClient(quiet):
        with quiet.state.sessions() as session:
            fresh = register(session, session.get(Site, site_id), "https://news.example/signing", SIGNING)
            wait_for(lambda: stored(session, fresh))
            assert stored(session, store.known_article(session, article_id)) is None
        assert quiet.state.article_passages.pending == [] and models.embedded == [SIGNING[0]]
    app = create_app(settings, models=models)  # a single process, or the first web worker
    with TestClient(app):
        with app.state.sessions() as session:
            wait_for(lambda: stored(session, store.known_article(session, article_id)))
    assert models.embedded == [SIGNING[0], TRAMS[0]]
