"""Relevance: article chunking, loading, and scoring against article, parent and thread."""

import numpy as np
import pytest

from commentdesk.moderation.models.relevance import ModelLoadError, RelevanceModel, RelevanceScore, chunk_article, split_sentences

BODY = (
    "The city council approved a new bike lane on Main Street. The vote was 7 to 2. "
    "Shop owners worried about parking. Cyclists welcomed the decision. "
    "Construction starts in May and should take six weeks. The budget is $2 million."
)


def test_split_sentences():
    assert split_sentences("One. Two! Three? four") == ["One.", "Two!", "Three? four"]


def test_chunks_start_with_title_and_stay_short():
    chunks = chunk_article("Bike lane approved", BODY)
    assert chunks[0] == "Bike lane approved"
    assert len(chunks) >= 3
    assert all(len(c.split()) <= 80 for c in chunks)
    # every sentence of the body appears in some chunk
    for sentence in split_sentences(BODY):
        assert any(sentence in c for c in chunks)


def test_long_run_on_text_is_cut():
    chunks = chunk_article("", "word " * 500)
    assert all(len(c.split()) <= 80 for c in chunks)


def test_empty_article():
    assert chunk_article("", "") == []


@pytest.fixture(scope="module")
def model():
    return RelevanceModel.load()


def _unit(v):
    return (v / np.linalg.norm(v)).astype(np.float32)


def test_loads_with_version_and_threshold(model):
    assert model.version.startswith("relevance-")
    assert 0 < model.recommended_thresholds["hold"] < 1


def test_similar_passage_scores_higher_and_is_reported(model):
    rng = np.random.default_rng(1)
    topic, other = _unit(rng.normal(size=384)), _unit(rng.normal(size=384))
    passages = ["about the topic", "something else"]
    vecs = np.stack([topic, other])
    near = _unit(topic + 0.3 * _unit(rng.normal(size=384)))
    far = _unit(rng.normal(size=384))
    s_near = model.score(near, passages, vecs)
    s_far = model.score(far, passages, vecs)
    assert isinstance(s_near, RelevanceScore)
    assert s_near.against == "article" and s_near.closest_passage == "about the topic"
    assert s_near.probability > s_far.probability
    assert 0 <= s_far.probability <= 1


def test_a_reply_on_topic_for_its_parent_counts(model):
    rng = np.random.default_rng(2)
    article = _unit(rng.normal(size=384))
    parent = _unit(rng.normal(size=384))
    reply = _unit(parent + 0.2 * _unit(rng.normal(size=384)))
    alone = model.score(reply, ["a"], article[None, :])
    with_parent = model.score(reply, ["a"], article[None, :], parent_vec=parent)
    assert with_parent.probability > alone.probability
    assert with_parent.against == "parent"
    assert with_parent.closest_passage == "parent comment"


def test_no_context_is_neutral(model):
    s = model.score(_unit(np.ones(384)), [], np.zeros((0, 384), np.float32))
    assert s.probability == 0.5


def test_missing_weights_raise(tmp_path):
    with pytest.raises(ModelLoadError):
        RelevanceModel.load(tmp_path)


@pytest.mark.models
def test_real_comments(model):
    from commentdesk.moderation.models.embedder import shared_embedder

    emb = shared_embedder()
    passages = model.chunk_article("Bike lane approved on Main Street", BODY)
    pvecs = emb.encode(passages)
    on, off, generic = emb.encode(
        [
            "Finally some safe space for cyclists, but parking will be a mess for shops.",
            "My cat refuses to eat dry food, any tips?",
            "Great article.",
        ]
    )
    p_on = model.score(on, passages, pvecs).probability
    p_off = model.score(off, passages, pvecs).probability
    p_generic = model.score(generic, passages, pvecs).probability
    assert p_on > p_off
    assert p_generic > p_off
