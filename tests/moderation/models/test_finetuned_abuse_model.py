"""The fine-tuned abuse variant loads, scores in range, reads disguised comments twice and
explains itself with original words; its branch runs inside the embedder's graph, so it is given
branch logits. Weights of the linear kind load through the same entry point."""

import json

import numpy as np
import pytest

from commentdesk.moderation.models.abuse import WEIGHTS_DIR, AbuseModel, AbuseScore, ModelLoadError
from commentdesk.moderation.models.abuse_encoder import HEADS, OUTPUTS
from commentdesk.moderation.models.abuse_finetuned import FineTunedAbuseModel, load_abuse_model, undisguised
from commentdesk.moderation.models.registry import shipped_weights_dir

FINETUNED = shipped_weights_dir("finetuned")


@pytest.fixture(scope="module")
def model():
    return load_abuse_model(FINETUNED)


@pytest.fixture(scope="module")
def finetuned_models():
    from commentdesk.moderation.pipeline import ModerationModels

    return ModerationModels(timeout_ms=None, variant="finetuned").load()


def _logits(n, seed=0):
    return np.random.default_rng(seed).normal(size=(n, len(OUTPUTS))).astype(np.float32)


def test_the_finetuned_variant_has_a_version_thresholds_and_its_layer(model):
    assert isinstance(model, FineTunedAbuseModel)
    assert model.version.startswith("abuse-")
    th = model.recommended_thresholds
    assert 0 < th["hold"] < th["reject"] <= 1
    assert model.category_names == list(HEADS)
    assert model.branch_state, "the fine-tuned layer ships with the weights"


def test_predict_shapes_and_ranges(model):
    texts = ["Thanks for the balanced reporting.", "You are a worthless idiot."]
    scores = model.predict(texts, _logits(2))
    assert len(scores) == 2
    for s in scores:
        assert isinstance(s, AbuseScore)
        assert 0.0 <= s.probability <= 1.0
        assert set(s.categories) == set(HEADS)
        assert all(0.0 <= v <= 1.0 for v in s.categories.values())


def test_empty_batch(model):
    assert model.predict([], np.zeros((0, len(OUTPUTS)), np.float32)) == []


def test_evidence_is_copied_from_the_original_text(model):
    text = "Shut up, you stupid m0r0n, nobody cares about your lies"
    (score,) = model.predict([text], _logits(1))
    assert score.evidence, "an insult should come with evidence"
    for word in score.evidence:
        assert word in text


def test_a_disguised_comment_is_read_again_with_the_disguise_undone(model):
    seen = []

    def reencode(texts):
        seen.extend(texts)
        return np.full((len(texts), len(OUTPUTS)), 8.0, np.float32)  # the plain reading is clearly abusive

    calm = np.full((1, len(OUTPUTS)), -8.0, np.float32)
    (score,) = model.predict(["you are one s t u p i d id1ot"], calm, reencode)
    assert seen == ["you are one stupid idiot"]
    assert score.probability >= model.recommended_thresholds["hold"]
    model.predict(["A plain remark about the budget."], calm, reencode)
    assert len(seen) == 1, "a comment without disguises is read once"


def test_undisguised_keeps_the_rest_of_the_comment():
    assert undisguised("Well, you are an id1ot.", {}) == "Well, you are an idiot."
    assert undisguised("No tricks here, minister.", {}) == "No tricks here, minister."


def test_missing_weights_raise_a_clear_error(tmp_path):
    with pytest.raises(ModelLoadError):
        load_abuse_model(tmp_path)


def test_corrupt_weights_raise_a_clear_error(tmp_path, model):
    (tmp_path / "abuse.json").write_text(json.dumps(model.meta))
    (tmp_path / "abuse.npz").write_bytes(b"not an npz")
    with pytest.raises(ModelLoadError):
        load_abuse_model(tmp_path)


def test_weight_files_stay_small():
    sizes = [p.stat().st_size for p in WEIGHTS_DIR.rglob("*") if p.is_file() and p.suffix in (".npz", ".json")]
    # The six fine-tuned layers: 8-bit rows, kept as differences from the packaged layers.
    assert max(sizes) < 6 * 2**20
    assert sum(sizes) < 8 * 2**20


def _legacy_weights(folder, n_features=1024):
    heads = 3
    meta = {
        "version": "abuse-2025.01.01-1",
        "recommended_thresholds": {"hold": 0.5, "reject": 0.9},
        "categories": ["insult", "threat", "identity_attack", "obscenity"],
        "lexical": {"n_features": n_features, "char_ngrams": [2, 5]},
        "category_floors": {"threat": 0.5},
    }
    rng = np.random.default_rng(0)
    np.savez(
        folder / "abuse.npz",
        lexical_w=rng.normal(size=n_features).astype(np.float16),
        lexical_b=np.float32(0),
        embedding_w=rng.normal(size=(384, heads)).astype(np.float32),
        embedding_b=np.zeros(heads, np.float32),
        stack_w=np.ones(1 + heads + 2, np.float32),
        stack_b=np.float32(0),
        category_w=rng.normal(size=(384 + 1 + heads, 4)).astype(np.float32),
        category_b=np.zeros(4, np.float32),
    )
    (folder / "abuse.json").write_text(json.dumps(meta))


def test_weights_of_the_earlier_kind_still_load_and_score(tmp_path):
    _legacy_weights(tmp_path)
    legacy = load_abuse_model(tmp_path)
    assert isinstance(legacy, AbuseModel) and not hasattr(legacy, "branch_state")
    vectors = np.random.default_rng(1).normal(size=(2, 384)).astype(np.float32)
    scores = legacy.predict(["Thanks for this.", "You are an idiot."], vectors)
    assert all(0 <= s.probability <= 1 for s in scores)


@pytest.mark.models
def test_real_model_separates_abuse_from_dissent(finetuned_models):
    from commentdesk.moderation.types import Candidate

    texts = [
        "The minister's budget is a disaster and she should resign over it.",
        "I strongly disagree with this editorial; the numbers do not add up.",
        "You are a pathetic moron and everyone here hates you.",
        "Go kill yourself, you worthless piece of garbage.",
    ]
    probs = [
        finetuned_models.signals(Candidate(text=t, article_title="Budget", article_body="The budget.")).abuse.probability
        for t in texts
    ]
    assert max(probs[:2]) < min(probs[2:])


def test_words_read_beforehand_give_the_same_scores(model):
    # The moderation process reads the words while the encoder runs; the score must not change.
    texts = ["you are one s t u p i d id1ot", "A plain remark about the budget."]
    logits = _logits(2)
    assert model.predict(texts, logits, words=model.read_words(texts)) == model.predict(texts, logits)


def test_a_comment_scores_the_same_whether_its_words_are_read_beside_the_encoder_or_after(finetuned_models):
    # With a core to spare the words are read in another thread while the encoder runs.
    from commentdesk.moderation.types import Candidate

    candidate = Candidate(text="Shut up, you stupid m0r0n.", article_title="Budget", article_body="The budget.")
    beside = finetuned_models._judge(candidate, read_words_aside=True)
    after = finetuned_models._judge(candidate, read_words_aside=False)
    assert beside.abuse == after.abuse and beside.abuse.evidence
