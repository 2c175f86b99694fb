"""Moderation as an ordered list of small phases, each returning a verdict with reasons.

The models run first, once, under a time budget; each phase then reads their outputs and the
site's policy. The most severe verdict wins and every phase's reasons are kept.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Protocol

import numpy as np

from commentdesk.moderation.deadlines import Deadlines
from commentdesk.moderation.fingerprint import simhash
from commentdesk.moderation.models.recent_vectors import RecentVectors
from commentdesk.moderation.phases import abuse, model_health, relevance, spam, threats, trust, wordlists
from commentdesk.moderation.policy import Policy
from commentdesk.moderation.slots import Slots
from commentdesk.moderation.types import HOLD, PUBLISH, Candidate, Decision, ModelSignals, PhaseResult, Reason, most_severe

log = logging.getLogger(__name__)

Phase = Callable[[Candidate, ModelSignals, Policy], PhaseResult]

# Comments whose models run at once in the moderation process: two per core.
CORES = os.cpu_count() or 1
MODEL_TURNS = 2 * CORES

PHASES: list[tuple[str, Phase]] = [
    ("model_health", model_health.check),
    ("wordlists", wordlists.check),
    ("threats", threats.check),
    ("spam", spam.check),
    ("abuse", abuse.check),
    ("relevance", relevance.check),
    ("trust", trust.check),
]
# Phases that read the comment, its context and the policy, never a model's output: a poster runs
# them while the models work (`Pipeline.prepare`), so they add nothing to its wait.
TEXT_ONLY_PHASES = frozenset({"wordlists", "spam", "trust"})


def configured_variant() -> str:
    """The shipped model variant named by the settings (flag or COMMENTDESK_MODEL_VARIANT)."""
    from commentdesk.config import settings_from

    return settings_from().model_variant


class Models(Protocol):
    """What the pipeline needs of the models: in this process (ModerationModels) or in the
    server's moderation process (moderation.remote.RemoteModels)."""

    def load(self) -> Models: ...

    @property
    def versions(self) -> dict[str, str]: ...

    def signals(self, candidate: Candidate) -> ModelSignals: ...

    def article_passages(self, title: str, body: str) -> tuple[list[str], np.ndarray]: ...


class ModerationModels:
    """The embedder, abuse and relevance models, loaded once and run under a time budget.

    The budget (`timeout_ms`) bounds the models' own work on one comment: it starts when a model
    thread takes the comment up, not while the comment waits for one, so a busy server makes
    comments wait but never fails them. `timeout_ms=None` sets no bound (batch scoring).
    """

    def __init__(self, timeout_ms: int | None = 2000, enabled: bool = True, models_dir=None, variant: str | None = None) -> None:
        self.timeout_s = None if timeout_ms is None else timeout_ms / 1000
        self.models_dir = models_dir
        self.variant = variant
        self.enabled = enabled
        self._loaded = False
        self._load_error: str | None = None if enabled else "automatic moderation is turned off"
        self._lock = threading.Lock()
        # Enough workers that concurrent comments meet in the embedder's micro-batches.
        self._executor = ThreadPoolExecutor(max_workers=32, thread_name_prefix="models")
        # The moderation process's comments (signals_then) run in their callers' threads, so many
        # at a time, and take turns: enough that one comment's Python work overlaps another's
        # embedding pass, few enough that they do not crowd each other (and the interpreter lock).
        self._turns = Slots(MODEL_TURNS)
        # The abuse model's reading of the words (no embedding needed) runs here while the
        # comment's encoder pass runs in its own thread, when a core is spare for it: with every
        # core busy judging other comments the hand-over would only add work.
        self._word_readers = ThreadPoolExecutor(max_workers=max(1, CORES // 2), thread_name_prefix="abuse-words")
        self._judging = 0  # comments whose models run now
        self._judging_lock = threading.Lock()
        self._deadlines = Deadlines("model-budget")
        # None until load(); Any because each has several interchangeable variants (linear or
        # fine-tuned abuse model, ONNX or PyTorch embedder) that share no base class.
        self.embedder: Any = None
        self.abuse: Any = None
        self.relevance: Any = None
        self.chatter: Any = None
        self.harm: Any = None
        # Vectors of recently read comments: a reply's parent is not encoded again.
        self.recent_vectors = RecentVectors()

    def load(self) -> ModerationModels:
        with self._lock:
            if self._loaded or not self.enabled:
                return self
            try:
                from commentdesk.moderation.models.abuse_finetuned import load_abuse_model
                from commentdesk.moderation.models.chatter import ChatterBank
                from commentdesk.moderation.models.embedder import shared_embedder
                from commentdesk.moderation.models.harm import HarmModel
                from commentdesk.moderation.models.registry import active_weights_dir
                from commentdesk.moderation.models.relevance import RelevanceModel

                weights = active_weights_dir(self.models_dir, self.variant or configured_variant())
                self.embedder = shared_embedder().load()
                self.abuse = load_abuse_model(weights)
                if hasattr(self.abuse, "branch_state"):
                    self.embedder.attach_branch(self.abuse.branch_state)
                self.relevance = RelevanceModel.load(weights)
                # The harm heads read the packaged sentence embedding, whatever the abuse variant:
                # a site-trained set's own harm weights when it has them, else the shipped ones.
                self.harm = HarmModel.load(weights if weights is not None and (weights / "harm.json").exists() else None)
                self.chatter = ChatterBank(self.embedder.encode)
                self._load_error = None
            except Exception as error:  # a broken install must hold comments, not crash the server
                log.exception("moderation models failed to load")
                self._load_error = f"could not load: {error}"
            self._loaded = True
            return self

    @property
    def versions(self) -> dict[str, str]:
        found = {}
        for name in ("embedder", "abuse", "relevance", "harm"):
            model = getattr(self, name)
            if model is not None:
                found[name] = str(getattr(model, "version", "unknown"))
        return found

    def article_passages(self, title: str, body: str) -> tuple[list[str], np.ndarray]:
        self.load()
        if self.relevance is None:
            raise RuntimeError(self._load_error or "relevance model not loaded")
        passages = self.relevance.chunk_article(title, body)
        return passages, self.embedder.encode(passages)

    def signals(self, candidate: Candidate) -> ModelSignals:
        """The models' outputs for one comment, however long it waits for a model thread;
        failures (an error, or work past the budget) are named in `failures`, never raised."""
        self.load()
        if self._load_error:
            return ModelSignals(failures={"models": self._load_error})
        if self.timeout_s is None:
            return self._signals_now(candidate)  # no budget to hold: the caller's thread waits anyway
        started = threading.Event()

        def run() -> ModelSignals:
            started.set()
            return self._run(candidate)

        future = self._executor.submit(run)
        try:
            started.wait()  # waiting for a thread is the server being busy, not the models failing
            return future.result(timeout=self.timeout_s)
        except FutureTimeout:
            return self._timed_out()
        except Exception as error:
            return self._failed(error)

    def signals_then(self, candidate: Candidate, answer: Callable[[ModelSignals], None]) -> None:
        """`signals` for a caller that is answered rather than waits (the moderation process):
        the models run in the calling thread once it has one of the models' turns, and `answer`
        is called once, with their outputs, or with the timeout failure as soon as the budget
        runs out (their late outputs are then dropped, and the turn goes to the next comment)."""
        self.load()
        if self._load_error:
            answer(ModelSignals(failures={"models": self._load_error}))
            return
        self._turns.take()  # waiting for a turn is the server being busy, not the models failing

        def finish(signals: ModelSignals) -> None:
            self._turns.give_back()
            answer(signals)

        first = _FirstAnswer(finish)
        deadline = None if self.timeout_s is None else self._deadlines.after(self.timeout_s, lambda: first(self._timed_out()))
        signals = self._signals_now(candidate)
        if deadline is not None:
            deadline.cancel()
        first(signals)

    def _signals_now(self, candidate: Candidate) -> ModelSignals:
        try:
            return self._run(candidate)
        except Exception as error:
            return self._failed(error)

    def _timed_out(self) -> ModelSignals:
        return ModelSignals(
            failures={"models": f"timed out after {(self.timeout_s or 0) * 1000:.0f} ms of model work"},
            versions=self.versions,
        )

    def _failed(self, error: Exception) -> ModelSignals:
        log.exception("moderation models failed on a comment", exc_info=error)
        return ModelSignals(failures={"models": f"error: {error}"}, versions=self.versions)

    def _run(self, candidate: Candidate) -> ModelSignals:
        with self._judging_lock:
            self._judging += 1
            # An encoder pass keeps one core busy; the words need another.
            spare_core = 2 * self._judging <= CORES
        try:
            return self._judge(candidate, read_words_aside=spare_core)
        finally:
            with self._judging_lock:
                self._judging -= 1

    def _judge(self, candidate: Candidate, read_words_aside: bool) -> ModelSignals:
        signals = ModelSignals(versions=self.versions)
        parent = candidate.parent_text
        parent_vector = self.recent_vectors.get(parent) if parent else None
        texts = [candidate.text] + ([parent] if parent and parent_vector is None else [])
        read_words = getattr(self.abuse, "read_words", None) if read_words_aside else None
        words = self._word_readers.submit(read_words, [candidate.text]) if read_words is not None else None
        encode = getattr(self.embedder, "encode_shared", self.embedder.encode)
        encoded = encode(texts)
        vectors, branch_logits = encoded if isinstance(encoded, tuple) else (encoded, None)
        signals.embedding = vectors[0]
        self.recent_vectors.remember(candidate.text, vectors[0])  # for the replies it may get
        if parent and parent_vector is None:
            parent_vector = vectors[1]
            self.recent_vectors.remember(parent, parent_vector)
        try:
            read = {} if words is None else {"words": words.result()}
            if branch_logits is not None and hasattr(self.abuse, "branch_state"):
                signals.abuse = self.abuse.predict([candidate.text], branch_logits[:1], self.embedder.encode_branch, **read)[0]
            else:
                signals.abuse = self.abuse.predict([candidate.text], vectors[:1], **read)[0]
        except Exception as error:
            log.exception("abuse model failed")
            signals.failures["abuse"] = f"error: {error}"
        try:
            if self.harm is not None:
                signals.harm = self.harm.score(candidate.text, vectors[0], self.embedder.encode)
        except Exception as error:
            log.exception("harm model failed")
            signals.failures["harm"] = f"error: {error}"
        try:
            passages, passage_vectors = candidate.passages, candidate.passage_vectors
            if passages is None or passage_vectors is None:
                passages = self.relevance.chunk_article(candidate.article_title, candidate.article_body)
                passage_vectors = self.embedder.encode(passages)
            signals.passages, signals.passage_vectors = passages, passage_vectors
            signals.relevance = self.relevance.score(vectors[0], passages, passage_vectors, parent_vec=parent_vector)
            if self.chatter is not None:
                signals.chatter = self.chatter.match(vectors[0], passage_vectors)
        except Exception as error:
            log.exception("relevance model failed")
            signals.failures["relevance"] = f"error: {error}"
        return signals


def _run_phase(name: str, phase: Phase, candidate: Candidate, signals: ModelSignals, policy: Policy) -> PhaseResult:
    try:
        return phase(candidate, signals, policy)
    except Exception as error:  # one broken rule holds the comment rather than losing it
        log.exception("moderation phase %s failed", name)
        return PhaseResult(
            HOLD,
            [Reason("check_failed", "An automatic check failed, so a moderator will read it.", [f"{name}: {error}"])],
        )


class _FirstAnswer:
    """Passes on the first answer given it and drops any later one."""

    def __init__(self, answer: Callable[[ModelSignals], None]) -> None:
        self._answer = answer
        self._lock = threading.Lock()
        self._given = False

    def __call__(self, signals: ModelSignals) -> None:
        with self._lock:
            if self._given:
                return
            self._given = True
        self._answer(signals)


class Pipeline:
    def __init__(self, models: Models, phases: list[tuple[str, Phase]] | None = None) -> None:
        self.models = models
        self.phases = phases or PHASES

    def moderate(self, candidate: Candidate, policy: Policy) -> Decision:
        started = time.perf_counter()
        return self.decide(candidate, self.models.signals(candidate), policy, started)

    def prepare(self, candidate: Candidate, policy: Policy) -> dict[str, PhaseResult]:
        """The results of the phases that read no model output (TEXT_ONLY_PHASES), for `decide`:
        computed while the models are still at work on `candidate`."""
        nothing_yet = ModelSignals()
        return {
            name: _run_phase(name, phase, candidate, nothing_yet, policy)
            for name, phase in self.phases
            if name in TEXT_ONLY_PHASES
        }

    def decide(
        self,
        candidate: Candidate,
        signals: ModelSignals,
        policy: Policy,
        started: float | None = None,
        prepared: dict[str, PhaseResult] | None = None,
    ) -> Decision:
        """The phases' verdict on model outputs computed already (a comment checked later);
        `prepared`: results of `prepare` for the same candidate and policy."""
        started = time.perf_counter() if started is None else started
        prepared = prepared or {}
        verdicts: list[str] = [PUBLISH]
        reasons = []
        scores: dict[str, float] = {}
        for name, phase in self.phases:
            result = prepared[name] if name in prepared else _run_phase(name, phase, candidate, signals, policy)
            scores.update(result.scores)
            if result.decision:
                verdicts.append(result.decision)
                reasons.extend(result.reasons)
        decision = most_severe(verdicts)
        scores.setdefault("spam", 0.0)
        scores["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 2)
        return Decision(
            decision=decision,
            reasons=reasons if decision != PUBLISH else [],
            scores=scores,
            model_versions=signals.versions,
            fingerprint=simhash(candidate.text),
            passages=signals.passages,
            passage_vectors=signals.passage_vectors,
        )
