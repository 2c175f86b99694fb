"""A reply's parent is encoded once: the models keep the vectors of the texts they read lately."""

from __future__ import annotations

import numpy as np
import pytest
from tests.moderation.test_model_failures import Embedder, RelevanceProbe, models_with

from commentdesk.moderation.models.recent_vectors import RecentVectors
from commentdesk.moderation.types import Candidate


class CountingEmbedder(Embedder):
    """Vectors that differ per text, and a record of every text encoded."""

    def __init__(self):
        self.encoded: list[str] = []

    def encode(self, texts):
        self.encoded.extend(texts)
        return np.stack([np.array([len(text), text.count(" "), 1.0], dtype=np.float32) for text in texts])


PARENT = "The harbour lanes should have been built years ago, frankly."
REPLY = "They were delayed by the budget, not by the council."


def _reply(text=REPLY, parent=PARENT) -> Candidate:
    return Candidate(text, "Lanes", "The council voted for lanes.", parent_text=parent)


def test_a_reply_to_a_comment_the_models_read_does_not_encode_the_parent_again():
    embedder, relevance = CountingEmbedder(), RelevanceProbe()
    models = models_with(relevance=relevance)
    models.embedder = embedder
    models.signals(Candidate(PARENT, "Lanes", "The council voted for lanes."))  # the parent, posted first
    embedder.encoded.clear()
    signals = models.signals(_reply())
    assert PARENT not in embedder.encoded and REPLY in embedder.encoded
    assert signals.failures == {}
    # The relevance model still compares the reply with its parent's own vector.
    assert np.array_equal(relevance.parent_vectors[-1], embedder.encode([PARENT])[0])


def test_an_unknown_or_edited_parent_is_encoded_with_the_reply_and_kept():
    embedder, relevance = CountingEmbedder(), RelevanceProbe()
    models = models_with(relevance=relevance)
    models.embedder = embedder
    models.signals(_reply(parent=PARENT + " (edited)"))
    assert embedder.encoded[:2] == [REPLY, PARENT + " (edited)"]  # then the article's passages
    embedder.encoded.clear()
    models.signals(_reply(text="Another answer to the same edited comment.", parent=PARENT + " (edited)"))
    assert "Another answer to the same edited comment." in embedder.encoded
    assert PARENT + " (edited)" not in embedder.encoded


def test_the_oldest_vectors_make_room_and_kept_ones_cannot_be_changed():
    recent = RecentVectors(capacity=2)
    batch = np.ones((2, 3), dtype=np.float32)
    recent.remember("a", batch[0])
    recent.remember("b", batch[1])
    assert recent.get("a") is not None  # now the most recently used
    recent.remember("c", batch[0])
    assert recent.get("b") is None and recent.get("a") is not None and recent.get("c") is not None
    assert len(recent) == 2
    batch[0, 0] = 7.0  # the caller's array changes later: the kept copy does not
    kept = recent.get("a")
    assert kept is not None and kept[0] == 1.0
    with pytest.raises(ValueError):
        kept[0] = 2.0
