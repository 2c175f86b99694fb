"""The models' time budget counts their own work on a comment, never its wait for a model thread."""

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor

from tests.waiting import wait_until

from commentdesk.moderation import pipeline
from commentdesk.moderation.pipeline import ModerationModels
from commentdesk.moderation.types import Candidate

MODEL_THREADS = 32  # ModerationModels' own pool


class GatedEmbedder:
    """Comments marked 'block' keep their model thread until the gate opens; others fail at once."""

    version = "gated"

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.blocked = 0
        self._lock = threading.Lock()

    def encode(self, texts):
        if texts[0].startswith("block"):
            with self._lock:
                self.blocked += 1
            self.gate.wait(30)
        raise RuntimeError("stub embedder")


def _models(budget_ms: int | None) -> tuple[ModerationModels, GatedEmbedder]:
    models = ModerationModels(timeout_ms=budget_ms)
    models._loaded = True  # the stub stands in for the real weights
    models.embedder = GatedEmbedder()
    return models, models.embedder


def _candidate(text: str) -> Candidate:
    return Candidate(text=text, article_title="Bike lanes", article_body="The council voted for new bike lanes.")


def test_comments_that_wait_for_a_busy_model_thread_are_not_timed_out():
    models, embedder = _models(budget_ms=200)
    with ThreadPoolExecutor(max_workers=MODEL_THREADS + 8) as callers:
        busy = [callers.submit(models.signals, _candidate(f"block {n}")) for n in range(MODEL_THREADS)]
        wait_until(lambda: embedder.blocked == MODEL_THREADS)  # every model thread is taken
        queued = [callers.submit(models.signals, _candidate(f"queued {n}")) for n in range(8)]
        time.sleep(0.5)  # the queued comments wait longer than the budget
        embedder.gate.set()
        busy_failures = [future.result().failures["models"] for future in busy]
        queued_failures = [future.result().failures["models"] for future in queued]
    # Work that overran the budget is a model failure...
    assert all("timed out" in failure for failure in busy_failures)
    # ...waiting for a thread is not: the queued comments were run, and failed only on their merits.
    assert queued_failures == ["error: stub embedder"] * 8


def test_no_budget_waits_for_the_models_however_long_they_take():
    models, embedder = _models(budget_ms=None)
    with ThreadPoolExecutor(max_workers=1) as caller:
        pending = caller.submit(models.signals, _candidate("block slow"))
        wait_until(lambda: embedder.blocked == 1)
        time.sleep(0.3)
        assert not pending.done()
        embedder.gate.set()
        assert pending.result().failures == {"models": "error: stub embedder"}


# The moderation process runs each comment's models in the thread that took its call, a few
# comments at a time (their turns), and is answered when they finish or their budget runs out.


def _answered(models: ModerationModels, candidate: Candidate) -> Future:
    """Calls signals_then on a thread of its own; the future holds the answer it was given."""
    answer: Future = Future()
    threading.Thread(target=models.signals_then, args=(candidate, answer.set_result), daemon=True).start()
    return answer


def test_models_past_their_budget_are_answered_with_the_timeout_at_once_while_they_still_run():
    models, embedder = _models(budget_ms=200)
    answer = _answered(models, _candidate("block stuck"))
    wait_until(lambda: embedder.blocked == 1)
    # Answered while the models still hold their thread: the worker is not kept waiting.
    assert "timed out after 200 ms" in answer.result(timeout=10).failures["models"]
    assert not embedder.gate.is_set()
    embedder.gate.set()


def test_comments_waiting_for_a_turn_are_not_timed_out_and_a_stuck_comment_gives_its_turn_up():
    models, embedder = _models(budget_ms=300)
    stuck = [_answered(models, _candidate(f"block {n}")) for n in range(pipeline.MODEL_TURNS)]
    wait_until(lambda: embedder.blocked == pipeline.MODEL_TURNS)  # every turn is taken
    queued = [_answered(models, _candidate(f"queued {n}")) for n in range(4)]
    # The stuck comments are answered with the timeout and give their turns to the queued ones,
    # whose wait for a turn (longer than the budget) is not counted against them.
    assert all("timed out" in answer.result(timeout=10).failures["models"] for answer in stuck)
    assert [answer.result(timeout=10).failures["models"] for answer in queued] == ["error: stub embedder"] * 4
    embedder.gate.set()


def test_models_that_finish_in_time_are_answered_once_with_their_outputs():
    models, _embedder = _models(budget_ms=200)
    answers = []
    models.signals_then(_candidate("quick"), answers.append)
    time.sleep(0.5)  # past the budget: the cancelled deadline sends nothing more
    assert [answer.failures for answer in answers] == [{"models": "error: stub embedder"}]


def test_without_a_budget_signals_then_waits_for_the_models_however_long_they_take():
    models, embedder = _models(budget_ms=None)
    answer = _answered(models, _candidate("block slow"))
    wait_until(lambda: embedder.blocked == 1)
    time.sleep(0.3)
    assert not answer.done()
    embedder.gate.set()
    assert answer.result(timeout=10).failures == {"models": "error: stub embedder"}
