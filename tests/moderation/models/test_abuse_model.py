"""The shipped abuse weights load, score in range, and explain themselves with original words."""

import json

import numpy as np
import pytest

from commentdesk.moderation.models import abuse
from commentdesk.moderation.models.abuse import (
    CATEGORIES,
    AbuseModel,
    AbuseScore,
    LexicalFeaturizer,
    ModelLoadError,
    lexical_text,
)


@pytest.fixture(scope="module")
def model():
    return AbuseModel.load()


def _random_unit(n, seed=0):
    v = np.random.default_rng(seed).normal(size=(n, 384)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_shipped_weights_load_with_version_and_thresholds(model):
    assert model.version.startswith("abuse-")
    th = model.recommended_thresholds
    assert 0 < th["hold"] < th["reject"] <= 1


def test_predict_shapes_and_ranges(model):
    texts = ["Thanks for the balanced reporting.", "You are a worthless idiot."]
    scores = model.predict(texts, _random_unit(2))
    assert len(scores) == 2
    for s in scores:
        assert isinstance(s, AbuseScore)
        assert 0.0 <= s.probability <= 1.0
        assert set(s.categories) == set(model.category_names) and set(s.categories) <= set(CATEGORIES)
        assert all(0.0 <= v <= 1.0 for v in s.categories.values())


def test_empty_batch(model):
    assert model.predict([], np.zeros((0, 384), np.float32)) == []


def test_evidence_is_copied_from_the_original_text(model):
    text = "Shut up, you stupid m0r0n, nobody cares about your lies"
    (score,) = model.predict([text], _random_unit(1))
    assert score.evidence, "an insult should come with evidence"
    for word in score.evidence:
        assert word in text


def test_lexical_view_sees_through_disguises(model):
    plain, disguised = "you are a stupid idiot", "you are a s t u p i d id1ot"
    emb = _random_unit(1)
    a = model.view_logits(["you are a stupid idiot"], emb)[0, 0]
    from commentdesk.moderation.models.abuse import lexical_text as normalise

    b = model.view_logits([normalise(disguised)], emb)[0, 0]
    assert abs(a - b) < 1.5, (plain, disguised)


def test_missing_weights_raise_a_clear_error(tmp_path):
    with pytest.raises(ModelLoadError):
        AbuseModel.load(tmp_path)


def test_corrupt_weights_raise_a_clear_error(tmp_path):
    shipped = AbuseModel.load().meta
    (tmp_path / "abuse.json").write_text(json.dumps(shipped))
    (tmp_path / "abuse.npz").write_bytes(b"not an npz")
    with pytest.raises(ModelLoadError):
        AbuseModel.load(tmp_path)


def test_weight_files_stay_small():
    from commentdesk.moderation.models.abuse import WEIGHTS_DIR

    sizes = [p.stat().st_size for p in WEIGHTS_DIR.iterdir() if p.is_file()]
    assert max(sizes) < 3 * 2**20
    assert sum(sizes) < 8 * 2**20
    finetuned = [p.stat().st_size for p in (WEIGHTS_DIR / "finetuned").iterdir() if p.is_file()]
    assert max(finetuned) < 16 * 2**20  # six fine-tuned layers, stored as 8-bit rows


@pytest.mark.models
def test_real_embeddings_separate_abuse_from_dissent(model):
    from commentdesk.moderation.models.embedder import shared_embedder

    texts = [
        "The minister's budget is a disaster and she should resign over it.",
        "I strongly disagree with this editorial; the numbers do not add up.",
        "You are a pathetic moron and everyone here hates you.",
        "Go kill yourself, you worthless piece of garbage.",
    ]
    probs = [s.probability for s in model.predict(texts, shared_embedder().encode(texts))]
    assert max(probs[:2]) < min(probs[2:])


def test_shipped_repairs_undo_dropped_letters(model):
    assert model.repairs.get("stpid") == "stupid"
    assert "sit" not in model.repairs  # a real word is never "repaired" into "shit"


@pytest.mark.models
def test_identity_words_alone_are_not_held(model):
    from commentdesk.moderation.models.embedder import shared_embedder

    texts = [
        "Jewish families gathered at the synagogue for the holiday.",
        "My neighbour is a gay Muslim immigrant and a great guy.",
        "Black women founded this charity.",
    ]
    hold = model.recommended_thresholds["hold"]
    for text, score in zip(texts, model.predict(texts, shared_embedder().encode(texts)), strict=True):
        assert score.probability < hold, text


@pytest.mark.models
def test_threats_are_held(model):
    from commentdesk.moderation.models.embedder import shared_embedder

    texts = ["I know your address and I will make you suffer.", "Someone should shoot this politician."]
    hold = model.recommended_thresholds["hold"]
    for text, score in zip(texts, model.predict(texts, shared_embedder().encode(texts)), strict=True):
        assert score.probability >= hold, text
        assert score.categories["threat"] > 0.5, text


def test_words_read_beforehand_give_the_same_scores(model):
    # The moderation process reads the words while the encoder runs; the score must not change.
    texts = ["Shut up, you stupid m0r0n", "Thanks for the balanced reporting."]
    vectors = _random_unit(2)
    assert model.predict(texts, vectors, words=model.read_words(texts)) == model.predict(texts, vectors)


def test_lexical_logits_from_each_words_features_match_the_whole_text_vectors():
    featurizer = LexicalFeaturizer()
    texts = [
        "",
        "idiot",
        "you are an idiot idiot idiot",
        "the the the cat sat on the mat",
        "f u c k this budget, it is a mess",
        "y0u st00pid sn@kes should all be sh0t",
        "Ünïcödé wörds ånd émojis 🙂 side by side",
        "a b c d e f g h",  # words shorter than the n-grams
        " ".join(f"word{number}" for number in range(300)),
    ]
    normalised = [lexical_text(text) for text in texts]
    weights = np.random.default_rng(3).normal(size=featurizer.spec.n_features).astype(np.float32)
    expected = np.asarray(featurizer.transform_normalised(normalised) @ weights).ravel() + 0.25
    # Twice: once hashing every word, once from the words kept from the first call.
    for _round in range(2):
        assert np.allclose(featurizer.logits(normalised, weights, 0.25), expected, atol=1e-5)
    assert np.allclose(featurizer.logits(normalised[2:3], weights, 0.25), expected[2:3], atol=1e-5)


def test_the_kept_word_features_are_bounded(monkeypatch):
    monkeypatch.setattr(abuse, "WORD_FEATURES_LIMIT", 5)
    featurizer = LexicalFeaturizer()
    weights = np.ones(featurizer.spec.n_features, dtype=np.float32)
    expected = np.asarray(featurizer.transform_normalised(["one two three four five six seven"]) @ weights).ravel()
    assert np.allclose(featurizer.logits(["one two three four five six seven"], weights, 0.0), expected, atol=1e-5)
    featurizer.logits(["eight nine"], weights, 0.0)
    assert set(featurizer._features_by_word) == {"eight", "nine"}  # started again when full
