"""A model that fails or is too slow leaves the comment held, with a reason; nothing is lost."""

import time

from commentdesk.moderation.pipeline import ModerationModels, Pipeline
from commentdesk.moderation.policy import Policy
from commentdesk.moderation.types import HOLD, Candidate


class BrokenEmbedder:
    version = "broken"

    def encode(self, texts):
        raise RuntimeError("weights missing")


class SlowEmbedder:
    version = "slow"

    def encode(self, texts):
        time.sleep(1.0)
        raise RuntimeError("too late anyway")


def models_with(embedder, timeout_ms=2000) -> ModerationModels:
    models = ModerationModels(timeout_ms=timeout_ms)
    models._loaded = True  # skip loading the real weights: this test replaces them
    models.embedder = embedder
    return models


def candidate() -> Candidate:
    return Candidate(
        text="A perfectly civil comment about the bike lanes.", article_title="Bike lanes", article_body="The council voted."
    )


def test_a_crashing_model_holds_the_comment():
    decision = Pipeline(models_with(BrokenEmbedder())).moderate(candidate(), Policy())
    assert decision.decision == HOLD
    assert decision.reasons[0].code == "model_unavailable"


def test_a_slow_model_holds_the_comment_within_the_budget():
    started = time.perf_counter()
    decision = Pipeline(models_with(SlowEmbedder(), timeout_ms=100)).moderate(candidate(), Policy())
    assert decision.decision == HOLD
    assert decision.reasons[0].code == "model_timeout"
    assert time.perf_counter() - started < 0.9


def test_models_turned_off_hold_everything():
    decision = Pipeline(ModerationModels(enabled=False)).moderate(candidate(), Policy())
    assert decision.decision == HOLD
    assert decision.reasons[0].code == "model_unavailable"


def test_a_failing_rule_holds_rather_than_publishes():
    def broken_phase(_candidate, _signals, _policy):
        raise ValueError("bad rule")

    decision = Pipeline(ModerationModels(enabled=False), phases=[("broken", broken_phase)]).moderate(candidate(), Policy())
    assert decision.decision == HOLD
    assert decision.reasons[0].code == "check_failed"
