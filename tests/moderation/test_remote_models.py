"""The moderation process's protocol, in this process: a web worker's RemoteModels calls the models
behind a Unix socket, gets their answers, and turns every way the other side can fail into a
model failure (the comment is then held, never lost)."""

from __future__ import annotations

import gc
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from commentdesk.moderation import remote
from commentdesk.moderation.models.abuse import AbuseScore
from commentdesk.moderation.models.site_articles import SiteArticle, SiteArticles
from commentdesk.moderation.pipeline import ModerationModels, Pipeline
from commentdesk.moderation.policy import Policy
from commentdesk.moderation.remote import ModerationUnavailable, RemoteModels
from commentdesk.moderation.types import HOLD, PUBLISH, Candidate, ModelSignals

AUTHKEY = b"0123456789abcdef"


class ServedModels:
    """What the moderation process would hold: canned answers, a slow call and a failing one."""

    label = "served"

    def __init__(self) -> None:
        self.calls = 0
        self.received: list[Candidate] = []

    @property
    def versions(self) -> dict[str, str]:
        return {"abuse": "served@1", "embedder": "e@1"}

    def signals(self, candidate: Candidate) -> ModelSignals:
        self.calls += 1
        self.received.append(candidate)
        signals = ModelSignals(abuse=AbuseScore(0.01 if "calm" in candidate.text else 0.99), versions=self.versions)
        # As the real models do: the passages they compared with, sent or computed.
        if candidate.passages is not None:
            signals.passages, signals.passage_vectors = candidate.passages, candidate.passage_vectors
        else:
            signals.passages, signals.passage_vectors = [candidate.article_title], np.zeros((1, 3), np.float32)
        return signals

    def article_passages(self, title: str, body: str):
        return [title, body], np.ones((2, 3), np.float32)

    def slow(self, seconds: float) -> str:
        time.sleep(seconds)
        return "late"

    def broken(self) -> None:
        raise RuntimeError("the GPU caught fire")

    def _private(self) -> str:
        return "secret"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    # A short path (Unix socket paths are limited to about 100 bytes); the listener removes the
    # socket itself when the process ends.
    socket_path = str(tmp_path_factory.mktemp("m") / "m.sock")
    models = ServedModels()
    threading.Thread(target=remote.serve_models, args=(socket_path, AUTHKEY, models, 0.1), daemon=True).start()
    deadline = time.monotonic() + 10
    while not Path(socket_path).exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    gc.unfreeze()  # serve_models freezes the collector for the process's lifetime; not this test run's
    return socket_path, models


def worker(socket_path, timeout_ms=2000, **extra) -> RemoteModels:
    return RemoteModels(socket_path, AUTHKEY, timeout_ms, **extra)


def test_loading_fetches_the_versions_of_the_served_models(served):
    socket_path, _models = served
    models = worker(socket_path).load()
    assert models.versions == {"abuse": "served@1", "embedder": "e@1"} and models.enabled


def test_the_site_articles_stay_in_the_web_worker(served):
    # The rules compare with them after the models answer; the models never read them.
    socket_path, served_models = served
    bank = SiteArticles([SiteArticle(7, "Another story", ["Another story"], np.ones((1, 3), np.float32))])
    candidate = Candidate("A calm comment.", "T", "B", article_id=3, site_articles=bank)
    signals = worker(socket_path).load().signals(candidate)
    assert signals.abuse is not None and not signals.failures
    arrived = served_models.received[-1]
    assert arrived.text == "A calm comment." and arrived.article_id == 3 and arrived.site_articles is None
    assert candidate.site_articles is bank


def test_signals_come_back_for_each_comment(served):
    socket_path, served_models = served
    models = worker(socket_path).load()
    before = served_models.calls
    calm = models.signals(Candidate("a calm remark", "T", "B"))
    angry = models.signals(Candidate("an angry remark", "T", "B"))
    assert calm.abuse.probability == 0.01 and angry.abuse.probability == 0.99
    assert served_models.calls == before + 2


def test_passages_sent_with_a_comment_are_not_sent_back_but_the_answer_still_has_them(served):
    socket_path, _served_models = served
    models = worker(socket_path).load()
    vectors = np.arange(6, dtype=np.float32).reshape(2, 3)
    sent = models.signals(Candidate("a calm remark", "T", "B", passages=["One.", "Two."], passage_vectors=vectors))
    assert sent.passages == ["One.", "Two."] and np.array_equal(sent.passage_vectors, vectors)
    # Computed by the models (none were sent): they come back for the caller to store.
    computed = models.signals(Candidate("a calm remark", "Title", "B"))
    assert computed.passages == ["Title"] and computed.passage_vectors.shape == (1, 3)


def test_the_answer_leaves_out_only_the_passages_its_caller_sent():
    vectors = np.ones((1, 3), np.float32)
    answer = ModelSignals(abuse=AbuseScore(0.5), passages=["One."], passage_vectors=vectors)
    with_passages = Candidate("x", "T", "B", passages=["One."], passage_vectors=vectors)
    trimmed = remote._without_given(answer, with_passages)
    assert trimmed.passages is None and trimmed.passage_vectors is None and trimmed.abuse is answer.abuse
    assert answer.passages == ["One."]  # the models' own object is left as it was
    assert remote._without_given(answer, Candidate("x", "T", "B")) is answer
    assert remote._without_given("not signals", with_passages) == "not signals"


def test_the_pipeline_runs_on_remote_models(served):
    models = worker(served[0]).load()
    pipeline = Pipeline(models)
    assert pipeline.moderate(Candidate("a calm remark", "T", "B"), Policy()).decision == PUBLISH


def test_calls_from_many_threads_get_their_own_answers(served):
    models = worker(served[0]).load()
    results = {}

    def ask(number):
        text = "calm" if number % 2 else "angry"
        results[number] = models.signals(Candidate(f"{text} {number}", "T", "B")).abuse.probability

    threads = [threading.Thread(target=ask, args=(number,)) for number in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {number: 0.01 if number % 2 else 0.99 for number in range(20)}


def test_other_public_methods_are_forwarded_by_name(served):
    models = worker(served[0]).load()
    passages, vectors = models.article_passages("Title", "Body.")
    assert passages == ["Title", "Body."] and vectors.shape == (2, 3)
    assert models.label() == "served"  # a plain attribute is read, not called


def test_a_failing_call_is_reported_with_its_error(served):
    models = worker(served[0]).load()
    with pytest.raises(ModerationUnavailable, match="RuntimeError: the GPU caught fire"):
        models.broken()
    with pytest.raises(ModerationUnavailable, match="not callable"):
        models.label(1)


def test_private_names_are_not_offered(served):
    models = worker(served[0]).load()
    with pytest.raises(ModerationUnavailable, match="not offered"):
        models.call("_private")
    with pytest.raises(AttributeError):
        models._private  # noqa: B018 -- the attribute access itself is what is refused


def test_a_call_past_its_wait_is_given_up(served):
    models = worker(served[0]).load()
    with pytest.raises(ModerationUnavailable, match="no answer from the moderation process in time"):
        models.call("slow", 1.0, wait_s=0.1)
    assert models.call("slow", 0.0) == "late"  # the connection still works


def test_an_argument_that_cannot_be_sent_is_refused_and_leaves_no_call_waiting(served):
    models = worker(served[0]).load()
    with pytest.raises(TypeError, match="the arguments of 'article_passages' cannot be sent to the moderation process"):
        models.article_passages(threading.Lock(), "Body.")
    assert models._pending == {}
    passages, _vectors = models.article_passages("Title", "Body.")  # the connection still works
    assert passages == ["Title", "Body."]


def test_an_unreachable_process_holds_comments_instead_of_failing_them(tmp_path):
    models = worker(str(tmp_path / "nobody.sock"), connect_within_s=0)
    with pytest.raises(ModerationUnavailable, match="not reachable"):
        models.load()
    found = models.signals(Candidate("a calm remark", "T", "B"))
    assert "not reachable" in found.failures["models"]
    decision = Pipeline(models).decide(Candidate("a calm remark", "T", "B"), found, Policy())
    assert decision.decision == HOLD and decision.reasons[0].code == "model_unavailable"


def test_a_wrong_key_is_refused_and_the_process_keeps_serving(served):
    models = RemoteModels(served[0], b"not the key at all", 1000, connect_within_s=0)
    with pytest.raises(ModerationUnavailable, match="not reachable"):
        models.load()
    assert "not reachable" in models.signals(Candidate("a calm remark", "T", "B")).failures["models"]
    # The refused handshake did not stop the moderation process from taking connections.
    assert worker(served[0]).load().versions["abuse"] == "served@1"


def test_invoke_reads_attributes_and_calls_methods():
    served_models = ServedModels()
    assert remote._invoke(served_models, "versions", (), {}) == served_models.versions
    assert remote._invoke(served_models, "article_passages", ("T", "B"), {})[0] == ["T", "B"]
    with pytest.raises(AttributeError):
        remote._invoke(served_models, "_private", (), {})
    with pytest.raises(TypeError):
        remote._invoke(served_models, "label", (1,), {})


def test_the_process_entry_point_needs_its_socket():
    with pytest.raises(SystemExit):
        remote.main([])


class StuckEmbedder:
    """An embedder whose pass never ends on its own (until the test lets it go)."""

    version = "stuck"

    def __init__(self) -> None:
        self.gate = threading.Event()

    def encode(self, texts):
        self.gate.wait(30)
        raise RuntimeError("let go")


def test_models_stuck_past_their_budget_in_the_process_are_a_timeout_the_comment_is_held_for(tmp_path_factory):
    socket_path = str(tmp_path_factory.mktemp("b") / "b.sock")
    models = ModerationModels(timeout_ms=200)
    models._loaded = True  # the stub stands in for the real weights
    models.embedder = StuckEmbedder()
    threading.Thread(target=remote.serve_models, args=(socket_path, AUTHKEY, models), daemon=True).start()
    deadline = time.monotonic() + 10
    while not Path(socket_path).exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    gc.unfreeze()
    try:
        found = worker(socket_path, timeout_ms=200).signals(Candidate("a calm remark", "T", "B"))
        # The process answered at the end of the budget, not the worker's own give-up time.
        assert found.failures == {"models": "timed out after 200 ms of model work"}
        decision = Pipeline(models).decide(Candidate("a calm remark", "T", "B"), found, Policy())
        assert decision.decision == HOLD and decision.reasons[0].code == "model_timeout"
    finally:
        models.embedder.gate.set()
