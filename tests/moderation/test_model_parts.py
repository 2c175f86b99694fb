"""The parts of the relevance and harm models that need no trained weights: cutting an article
into passages, choosing the source a comment is judged against, the gate on the violence head,
and refusing broken weight files with a clear error."""

from __future__ import annotations

import json

import numpy as np
import pytest

from commentdesk.moderation.models import harm, relevance
from commentdesk.moderation.models.harm import HarmLoadError, HarmModel, has_harm_cue, undisguised
from commentdesk.moderation.models.relevance import (
    MAX_PASSAGE_WORDS,
    MAX_PASSAGES,
    ModelLoadError,
    RelevanceModel,
    chunk_article,
    split_sentences,
)


def test_sentences_split_at_their_ends_and_at_paragraphs():
    body = 'Rates held at 4.25%. "We wait," she said. Next meeting in May!\n\nA new paragraph without a stop'
    assert split_sentences(body) == [
        "Rates held at 4.25%.",
        '"We wait," she said.',
        "Next meeting in May!",
        "A new paragraph without a stop",
    ]
    assert split_sentences("") == [] and split_sentences(None) == []
    assert split_sentences("Mr. smith stayed.") == ["Mr. smith stayed."]  # no capital after the stop: one sentence


def test_an_article_becomes_its_title_and_overlapping_windows():
    body = " ".join(f"Sentence number {n} ends here." for n in range(1, 6))
    passages = chunk_article("  The title  ", body)
    assert passages[0] == "The title"
    assert passages[1] == "Sentence number 1 ends here. Sentence number 2 ends here. Sentence number 3 ends here."
    assert passages[2].startswith("Sentence number 3 ends here.")  # one sentence of overlap
    assert passages[-1].endswith("Sentence number 5 ends here.")


def test_an_article_without_title_or_body():
    assert chunk_article("", "") == []
    assert chunk_article("Only a title", "") == ["Only a title"]
    assert chunk_article("   ", "One sentence.") == ["One sentence."]


def test_a_run_on_sentence_is_cut_into_pieces_of_bounded_length():
    body = " ".join(["word"] * (MAX_PASSAGE_WORDS * 3 + 5))
    passages = chunk_article("", body)
    assert all(len(passage.split()) <= MAX_PASSAGE_WORDS for passage in passages)
    assert sum(len(passage.split()) for passage in passages) >= MAX_PASSAGE_WORDS * 3


def test_a_huge_article_has_a_bounded_number_of_passages():
    body = " ".join(f"Fact {n} is stated plainly." for n in range(1000))
    assert len(chunk_article("T", body)) <= MAX_PASSAGES


def _relevance_model(dimensions=3, head=None, alpha=1.0, bias=0.0, generic=None):
    meta = {
        "version": "test-relevance",
        "recommended_thresholds": {"hold": 0.2},
        "calibration": {"article": [10.0, 0.0, -5.0], "parent": [10.0, 0.0, -3.0], "thread": [10.0, 0.0, -8.0]},
        "combine": {"alpha": alpha, "bias": bias},
    }
    arrays = {
        "generic_prototypes": np.array(generic if generic is not None else [[0.0, 0.0, 1.0]], np.float32),
        "comment_head": np.array(head if head is not None else [0.0] * dimensions, np.float32),
    }
    return RelevanceModel(meta, arrays)


def unit(*values):
    vector = np.array(values, np.float32)
    return vector / np.linalg.norm(vector)


def test_a_comment_close_to_a_passage_is_on_topic_and_names_it():
    model = _relevance_model()
    passages = ["Title", "Body passage"]
    score = model.score(unit(1, 0, 0), passages, np.stack([unit(0, 1, 0), unit(1, 0.05, 0)]))
    assert score.against == "article" and score.closest_passage == "Body passage"
    assert score.probability > 0.99 and score.similarity == pytest.approx(0.9988, abs=1e-3)
    far = model.score(unit(0, 0, 1), passages, np.stack([unit(0, 1, 0), unit(1, 0, 0)]))
    assert far.probability < 0.01


def test_a_reply_close_to_its_parent_is_on_topic_even_if_far_from_the_article():
    model = _relevance_model()
    score = model.score(unit(1, 0, 0), ["Title"], np.stack([unit(0, 1, 0)]), parent_vec=unit(1, 0, 0))
    assert score.against == "parent" and score.closest_passage == "parent comment" and score.probability > 0.99


def test_the_thread_centroid_is_a_source_too():
    model = _relevance_model()
    score = model.score(
        unit(1, 0, 0), [], np.zeros((0, 3), np.float32), thread_vecs=np.stack([unit(1, 0.1, 0), unit(1, -0.1, 0)])
    )
    assert score.against == "thread" and score.closest_passage is None and score.probability > 0.8


def test_with_nothing_to_compare_the_score_says_nothing():
    score = _relevance_model().score(unit(1, 0, 0), [], np.zeros((0, 3), np.float32))
    assert (score.probability, score.similarity, score.closest_passage) == (0.5, 0.0, None)


def test_the_comment_head_and_the_generic_prototypes_enter_the_logit():
    plain = _relevance_model()
    leaning = _relevance_model(head=[0.0, 0.0, -20.0])
    comment = unit(0.6, 0, 0.8)
    passages = np.stack([unit(1, 0, 0)])
    assert leaning.score(comment, ["p"], passages).probability < plain.score(comment, ["p"], passages).probability
    assert plain.generic_similarity(unit(0, 0, 1)) == pytest.approx(1.0)
    assert plain.source_logit("article", 0.5, 0.0) == pytest.approx(0.0)
    assert plain.combine(np.array([1.0, 2.0]), np.zeros((2, 3))).tolist() == [1.0, 2.0]
    assert plain.chunk_article("T", "B.") == ["T", "B."]


def test_relevance_weights_of_the_wrong_shape_or_missing_are_refused(tmp_path):
    with pytest.raises(ModelLoadError, match="wrong size"):
        _relevance_model(dimensions=4, head=[0.0] * 4)
    with pytest.raises(ModelLoadError, match="cannot load relevance model"):
        RelevanceModel.load(tmp_path)
    (tmp_path / "relevance.json").write_text("{not json")
    with pytest.raises(ModelLoadError):
        RelevanceModel.load(tmp_path)


def test_the_shipped_relevance_weights_load():
    model = RelevanceModel.load()
    assert model.version and "hold" in model.recommended_thresholds
    assert relevance.WEIGHTS_DIR.is_dir()


def _harm_model(weights, bias, heads=("violence", "sexual", "disability")):
    return HarmModel(
        {"version": "test-harm", "heads": list(heads), "recommended_thresholds": {"violence": 0.8}},
        np.array(weights, np.float32),
        np.array(bias, np.float32),
    )


def test_harm_heads_give_a_probability_each():
    model = _harm_model([[10.0, 0.0, 0.0], [0.0, 10.0, 0.0]], [0.0, 0.0, -10.0])
    found = model.probabilities(np.array([[1.0, 0.0]]))
    assert found.shape == (1, 3) and found[0, 0] > 0.99 and found[0, 1] == pytest.approx(0.5) and found[0, 2] < 0.001
    assert model.dimensions == 2 and model.heads == ["violence", "sexual", "disability"]


def test_without_a_word_of_harm_the_violence_head_is_capped():
    model = _harm_model([[10.0, 0.0, 0.0], [0.0, 0.0, 0.0]], [0.0, 0.0, 0.0])
    strong = np.array([[0.99, 0.99, 0.99]])
    calm = model.gated(["What a lovely day for the harbour festival."], strong)
    # Violence and sexual harassment are gated (no word of either here); disability is not.
    assert calm[0, 0] == harm.UNCUED_CEILING and calm[0, 1] == harm.UNCUED_CEILING and calm[0, 2] == 0.99
    cued = model.gated(["I will kill you."], strong)
    assert cued[0, 0] == 0.99
    assert has_harm_cue("I will kill you.") and not has_harm_cue("What a lovely day.")


def test_a_model_without_gated_heads_keeps_its_scores():
    model = _harm_model([[1.0]], [0.0], heads=("disability",))
    values = np.array([[0.9]])
    assert np.array_equal(model.gated(["calm words"], values), values)


def test_a_disguised_comment_is_read_again_undisguised():
    model = _harm_model([[10.0, 0.0, 0.0], [0.0, 0.0, 0.0]], [-5.0, -10.0, -10.0])
    seen = []

    def encode(texts):
        seen.extend(texts)
        return np.array([[1.0, 0.0]])  # the plain reading is clearly violent

    score = model.score("I will k i l l you", np.array([[0.0, 0.0]]), encode)
    assert seen and "kill" in seen[0]
    assert score.scores["violence"] > 0.99
    assert undisguised("A perfectly plain sentence.") is None


def test_harm_weights_that_do_not_match_the_heads_are_refused(tmp_path):
    with pytest.raises(HarmLoadError, match="do not match"):
        _harm_model([[1.0, 2.0]], [0.0, 0.0, 0.0])
    with pytest.raises(HarmLoadError, match="cannot load the harm model"):
        HarmModel.load(tmp_path)
    (tmp_path / "harm.json").write_text(json.dumps({"version": "x", "heads": ["violence"]}))
    np.savez(tmp_path / "harm.npz", w=np.zeros((3, 1), np.float32))  # no bias
    with pytest.raises(HarmLoadError):
        HarmModel.load(tmp_path)


def test_the_shipped_harm_weights_load_and_score_the_strongest_head():
    model = HarmModel.load()
    score = model.score("A calm remark about the harbour.", np.zeros((1, model.dimensions), np.float32))
    assert set(score.scores) == set(model.heads)
    head, value = score.strongest()
    assert head in model.heads and value == max(score.scores.values())
