"""The models' time budget counts their own work on a comment, never its wait for a model thread."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

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


def _wait_until(condition) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, "condition never held"
        time.sleep(0.01)


def test_comments_that_wait_for_a_busy_model_thread_are_not_timed_out():
    models, embedder = _models(budget_ms=200)
    with ThreadPoolExecutor(max_workers=MODEL_THREADS + 8) as callers:
        busy = [callers.submit(models.signals, _candidate(f"block {n}")) for n in range(MODEL_THREADS)]
        _wait_until(lambda: embedder.blocked == MODEL_THREADS)  # every model thread is taken
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
        _wait_until(lambda: embedder.blocked == 1)
        time.sleep(0.3)
        assert not pending.done()
        embedder.gate.set()
        assert pending.result().failures == {"models": "error: stub embedder"}
