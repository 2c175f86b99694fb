"""Each model failing on its own inside ModerationModels: the others still answer, the failure is
named, and the comment is held for a person rather than published unchecked or lost."""

from __future__ import annotations

import numpy as np
import pytest

from commentdesk.moderation.models.abuse import AbuseScore
from commentdesk.moderation.models.harm import HarmScore
from commentdesk.moderation.models.relevance import RelevanceScore
from commentdesk.moderation.pipeline import ModerationModels, Pipeline
from commentdesk.moderation.policy import Policy
from commentdesk.moderation.types import HOLD, PUBLISH, Candidate


class Embedder:
    version = "embedder@test"

    def encode(self, texts):
        return np.stack([np.full(3, len(text), dtype=np.float32) for text in texts])


class Abuse:
    version = "abuse@test"

    def __init__(self, fail=False):
        self.fail = fail

    def predict(self, texts, vectors):
        if self.fail:
            raise RuntimeError("abuse weights corrupt")
        return [AbuseScore(0.01) for _ in texts]


class Relevance:
    version = "relevance@test"

    def __init__(self, fail=False):
        self.fail = fail

    def chunk_article(self, title, body):
        return [title, body]

    def score(self, vector, passages, passage_vectors, parent_vec=None):
        if self.fail:
            raise ValueError("relevance exploded")
        return RelevanceScore(0.9, 0.8, passages[0], "parent" if parent_vec is not None else "article")


class RelevanceProbe(Relevance):
    """A healthy relevance model that records the parent vectors it was given."""

    def __init__(self):
        super().__init__()
        self.parent_vectors: list = []

    def score(self, vector, passages, passage_vectors, parent_vec=None):
        self.parent_vectors.append(parent_vec)
        return super().score(vector, passages, passage_vectors, parent_vec)


class Harm:
    version = "harm@test"

    def __init__(self, fail=False):
        self.fail = fail

    def score(self, text, vector, encode):
        if self.fail:
            raise OSError("harm file vanished")
        return HarmScore({"violence": 0.0, "sexual": 0.0, "disability": 0.0})


def models_with(abuse=None, relevance=None, harm=None) -> ModerationModels:
    models = ModerationModels(timeout_ms=10_000)
    models._loaded = True  # these stand-ins are the loaded models
    models.embedder, models.abuse = Embedder(), abuse or Abuse()
    models.relevance, models.harm = relevance or Relevance(), harm or Harm()
    return models


CANDIDATE = Candidate("Protected lanes will make the harbour road safer for everyone.", "Lanes", "The council voted for lanes.")


def test_healthy_models_answer_every_signal_and_name_their_versions():
    models = models_with()
    signals = models.signals(CANDIDATE)
    assert signals.failures == {} and signals.abuse.probability == 0.01 and signals.relevance.probability == 0.9
    assert signals.passages == ["Lanes", "The council voted for lanes."] and signals.passage_vectors.shape == (2, 3)
    assert models.versions == {
        "embedder": "embedder@test",
        "abuse": "abuse@test",
        "relevance": "relevance@test",
        "harm": "harm@test",
    }
    assert Pipeline(models).moderate(CANDIDATE, Policy()).decision == PUBLISH


@pytest.mark.parametrize(
    ("broken", "name", "words"),
    [
        ({"abuse": Abuse(fail=True)}, "abuse", "abuse weights corrupt"),
        ({"relevance": Relevance(fail=True)}, "relevance", "relevance exploded"),
        ({"harm": Harm(fail=True)}, "harm", "harm file vanished"),
    ],
)
def test_one_failing_model_is_named_and_the_comment_held(broken, name, words):
    models = models_with(**broken)
    signals = models.signals(CANDIDATE)
    assert list(signals.failures) == [name] and words in signals.failures[name]
    others = {"abuse": signals.abuse, "relevance": signals.relevance, "harm": signals.harm}
    assert others.pop(name) is None and all(value is not None for value in others.values())
    decision = Pipeline(models).moderate(CANDIDATE, Policy())
    assert decision.decision == HOLD and decision.reasons[0].code == "model_unavailable"


def test_a_reply_is_judged_against_its_parent_too():
    signals = models_with().signals(
        Candidate("Yes, and the station should get lanes.", "Lanes", "Body.", parent_text="Lanes now!")
    )
    assert signals.relevance.against == "parent"


def test_passages_given_with_the_candidate_are_not_computed_again():
    candidate = Candidate(
        "Protected lanes will make the road safer.",
        "Lanes",
        "Body.",
        passages=["cached"],
        passage_vectors=np.ones((1, 3), np.float32),
    )
    signals = models_with().signals(candidate)
    assert signals.passages == ["cached"]


def test_article_passages_come_from_the_relevance_model_and_the_embedder():
    passages, vectors = models_with().article_passages("Title", "Body.")
    assert passages == ["Title", "Body."] and vectors.shape == (2, 3)


def test_a_models_folder_that_cannot_be_loaded_holds_every_comment(tmp_path):
    (tmp_path / "abuse.json").write_text("{broken")
    models = ModerationModels(timeout_ms=5_000, models_dir=tmp_path, variant="no-such-variant")
    signals = models.signals(CANDIDATE)
    assert signals.failures["models"].startswith("could not load")
    assert Pipeline(models).moderate(CANDIDATE, Policy()).decision == HOLD
    with pytest.raises(RuntimeError, match="could not load"):
        models.article_passages("Title", "Body.")
