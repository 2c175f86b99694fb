"""Training the fine-tuned abuse model on made-up token states with a tiny random transformer in
place of the packaged one: batches, the calibration slice, the branch learning the signal, the
lexical view, a whole training run that saves and loads, and what `commentdesk train` stores."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest
from tests.evaluation import fakes

from commentdesk.evaluation import encoder_plan, seed_examples
from commentdesk.evaluation import train_abuse_encoder as encoder_training
from commentdesk.evaluation.abuse_corpus import CALIBRATION_SHARE, Part
from commentdesk.evaluation.datasets import stable_fraction
from commentdesk.evaluation.trunk_cache import TrunkStates
from commentdesk.moderation.models import abuse_encoder
from commentdesk.moderation.models.abuse_encoder import HEADS, OUTPUTS, SHARED_LAYERS
from commentdesk.moderation.models.abuse_finetuned import FORMAT, FineTunedAbuseModel

transformers = pytest.importorskip("transformers")
torch = pytest.importorskip("torch")

WIDTH = 384


@pytest.fixture(scope="module")
def tiny_transformer():
    torch.manual_seed(0)
    config = transformers.BertConfig(
        vocab_size=30, hidden_size=WIDTH, num_hidden_layers=SHARED_LAYERS + 1, num_attention_heads=2, intermediate_size=32
    )
    return transformers.BertModel(config).eval()


@pytest.fixture
def tiny(monkeypatch, tiny_transformer):
    monkeypatch.setattr(encoder_training, "base_model", lambda: (None, tiny_transformer))
    return tiny_transformer


def signal_states(labels: np.ndarray, seed: int = 0) -> TrunkStates:
    """Token states whose first coordinates say abusive (+2) or not (-2), under noise; 2-6 tokens."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(2, 7, len(labels))
    pieces = []
    for label, length in zip(labels, lengths, strict=True):
        piece = rng.normal(scale=0.5, size=(length, WIDTH))
        piece[:, :16] += 2.0 if label else -2.0
        pieces.append(piece)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    return TrunkStates(np.concatenate(pieces).astype(np.float16), offsets, np.zeros((len(labels), WIDTH), np.float32))


def part(name: str, n: int, seed: int = 0, insult_known: bool = True) -> Part:
    labels = np.array([i % 2 for i in range(n)], np.int8)
    texts = [fakes.abusive_text(i) if y else fakes.civil_text(i) for i, y in enumerate(labels)]
    heads = np.full((n, len(HEADS)), np.nan, np.float32)
    if insult_known:
        heads[:, HEADS.index("insult")] = labels
    return Part(
        name,
        texts,
        labels.astype(np.float32),
        labels,
        heads,
        np.array([f"{name}:{i}" for i in range(n)]),
        signal_states(labels, seed),
    )


def test_batches_cover_every_row_once_and_group_similar_lengths():
    lengths = np.random.default_rng(0).integers(1, 100, 200)
    batches = encoder_plan._batches(lengths, np.random.default_rng(1))
    rows = np.concatenate(batches)
    assert sorted(rows.tolist()) == list(range(200))
    assert all(len(b) <= encoder_plan.BATCH for b in batches)
    # Within a batch the lengths are sorted neighbours: far less spread than a random batch.
    spread = np.mean([np.ptp(lengths[b]) for b in batches if len(b) > 1])
    assert spread < np.ptp(lengths) / 2
    again = encoder_plan._batches(lengths, np.random.default_rng(1))
    assert all(np.array_equal(a, b) for a, b in zip(batches, again, strict=True))


def test_the_corpus_holds_back_a_calibration_slice_of_news_sets_only():
    corpus = encoder_training.build_corpus([part("c3", 200), part("olid", 40)])
    assert [p.name for p in corpus.train] == ["c3", "olid"] and [p.name for p in corpus.calibration] == ["c3"]
    assert len(corpus.train[1]) == 40
    assert len(corpus.train[0]) + len(corpus.calibration[0]) == 200 and 0 < len(corpus.calibration[0]) < 80
    assert not set(corpus.train[0].groups) & set(corpus.calibration[0].groups)


def test_the_corpus_parts_are_the_sets_training_rows_the_seeds_and_any_extra(monkeypatch, tmp_path):
    asked = {}

    def load_parts(names, data_dir, split, cache_dir=None):
        asked.update(names=names, split=split)
        return {name: part(name, 4) for name in names}

    monkeypatch.setattr(encoder_training, "load_parts", load_parts)
    monkeypatch.setattr(encoder_training, "seeds_part", lambda cache_dir=None: part("seeds", 2))
    parts = encoder_training.corpus_parts(tmp_path, ("c3", "ucc"), extra=[part("site", 3)])
    assert [p.name for p in parts] == ["c3", "ucc", "seeds", "site"] and asked == {"names": ("c3", "ucc"), "split": "train"}


def test_branch_logits_are_returned_in_the_rows_order_whatever_the_batching(tiny):
    branch = encoder_training.new_branch(tiny).eval()
    states = signal_states(np.array([1, 0, 1, 0, 0]))
    together = encoder_training.branch_logits(branch, states, batch=2)
    alone = np.vstack([encoder_training.branch_logits(branch, states.take(np.array([i]))) for i in range(5)])
    assert together.shape == (5, len(OUTPUTS))
    assert np.allclose(together, alone, atol=1e-4)


def test_the_branch_learns_the_abuse_signal_of_the_states(tiny):
    parts = [part("c3", 64, seed=1), part("olid", 32, seed=2, insult_known=False)]
    branch = encoder_training.train_branch(parts, epochs=3, desc="test")
    assert not branch.training
    unseen = part("ucc", 40, seed=3)
    logits = encoder_training.branch_logits(branch, unseen.states)
    abusive = unseen.labels == 1
    assert logits[abusive, 0].min() > logits[~abusive, 0].max()
    insult = 1 + HEADS.index("insult")
    assert logits[abusive, insult].mean() > logits[~abusive, insult].mean()


def test_the_same_seed_trains_the_same_branch(tiny):
    parts = [part("c3", 64, seed=1)]
    first = encoder_training.branch_arrays(encoder_training.train_branch(parts, epochs=0.5, seed=3))
    second = encoder_training.branch_arrays(encoder_training.train_branch(parts, epochs=0.5, seed=3))
    assert all(np.array_equal(first[k], second[k]) for k in first)
    untrained = encoder_training.branch_arrays(encoder_training.new_branch(tiny))
    assert not np.array_equal(first["head.weight"], untrained["head.weight"])


def test_part_of_an_epoch_of_a_single_batch_still_trains(tiny):
    parts = [part("c3", 10, seed=1)]  # one batch: half an epoch once rounded down to no batch at all
    trained = encoder_training.branch_arrays(encoder_training.train_branch(parts, epochs=0.5))
    untrained = encoder_training.branch_arrays(encoder_training.new_branch(tiny))
    assert not np.array_equal(trained["head.weight"], untrained["head.weight"])


def test_the_lexical_view_learns_the_words_of_abuse():
    weights, bias = encoder_training.fit_lexical([part("c3", 40), part("kaggle_insults", 20)], {})
    from commentdesk.moderation.models.abuse import LexicalFeaturizer, LexicalSpec, analyse

    featurizer = LexicalFeaturizer(LexicalSpec())
    assert weights.shape == (LexicalSpec().n_features,) and weights.dtype == np.float32
    texts = ["you idiot clown", "the budget plan figures"]
    x = featurizer.transform_normalised([" ".join(analyse(t).normalised) for t in texts])
    scores = np.asarray(x @ weights).ravel() + bias
    assert scores[0] > 0 > scores[1]


@pytest.fixture(scope="module")
def trained(tiny_transformer):
    """One whole training run, shared by the tests that read its results."""
    reencoded = []

    def fresh(texts, desc=""):
        reencoded.extend(texts)
        return signal_states(np.ones(len(texts), np.int8))

    parts = [part("c3", 120, seed=4), part("ucc", 120, seed=5), part("olid", 20, seed=6), part("seeds", 4, seed=7)]
    # A disguised spelling among the calibration comments is encoded again, undisguised.
    held = next(i for i, g in enumerate(parts[0].groups) if stable_fraction("calibration:" + g) < CALIBRATION_SHARE)
    parts[0].texts[held] = "you are an 1d10t"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(encoder_training, "base_model", lambda: (None, tiny_transformer))
        patch.setattr(encoder_training, "fresh_states", fresh)
        model = encoder_training.train_model(parts, epochs=1, version="abuse-test-ft1", desc="test")
    return model, reencoded


def test_a_trained_model_records_what_it_learned_from_and_how(trained):
    model = trained[0].model
    meta = model.meta
    assert meta["format"] == FORMAT and meta["version"] == "abuse-test-ft1" and meta["outputs"] == list(OUTPUTS)
    assert set(meta["trained_on"]) == {"c3", "ucc", "olid", "seeds"} and set(meta["calibrated_on"]) == {"c3", "ucc"}
    assert meta["trained_on"]["c3"] + meta["calibrated_on"]["c3"] == 120 and meta["trained_on"]["olid"] == 20
    assert meta["epochs"] == 1 and meta["set_weights"]["c3"] > meta["set_weights"]["olid"]
    assert set(meta["category_floors"]) == set(encoder_training.FLOOR_HEADS)
    assert all(level >= 0.5 for level in meta["category_floors"].values())
    thresholds = meta["recommended_thresholds"]
    assert 0.05 <= thresholds["hold"] < thresholds["reject"]


def test_disguised_calibration_comments_are_scored_as_their_plain_spelling_too(trained):
    _model, reencoded = trained
    assert reencoded == ["you are an idiot"]


def test_a_trained_model_scores_cached_states_of_unseen_rows(trained):
    model = trained[0]
    unseen = part("c3", 30, seed=9)
    prob = model.score_part(unseen)
    assert prob.shape == (30,) and ((prob >= 0) & (prob <= 1)).all()
    assert prob[unseen.labels == 1].mean() > prob[unseen.labels == 0].mean()


def test_a_saved_model_loads_as_the_fine_tuned_kind(trained, tmp_path, tiny):
    model = trained[0]
    encoder_training.save(model, tmp_path / "weights")
    loaded = FineTunedAbuseModel.load(tmp_path / "weights")
    assert loaded.version == "abuse-test-ft1"
    # The large matrices are kept as differences from the packaged layers and come back exact.
    assert any(name.endswith(abuse_encoder.DELTA_SUFFIX) for name in loaded.branch_state)
    rebuilt = abuse_encoder.load_branch(tiny, loaded.branch_state).state_dict()
    stored = encoder_training.branch_arrays(model.branch)
    for name, values in rebuilt.items():
        assert np.array_equal(values.numpy(), abuse_encoder.stored_values(stored, name)), name
    assert json.loads((tmp_path / "weights" / "abuse.json").read_text()) == model.model.meta


def test_held_out_figures_are_one_roc_auc_per_set(trained):
    figures = encoder_training.held_out_figures(trained[0], {"c3": part("c3", 20, seed=10), "wiki": part("wiki", 20, 11)})
    assert set(figures) == {"c3", "wiki"} and all(0.5 < value <= 1.0 for value in figures.values())


def test_the_default_version_names_the_day_and_the_fine_tuned_kind():
    assert encoder_training.default_version(date(2026, 2, 3)) == "abuse-2026.02.03-ft1"


def test_train_shipped_caps_the_sets_adds_site_decisions_and_stores_held_out_figures(monkeypatch, tmp_path):
    from commentdesk.evaluation import abuse_corpus

    monkeypatch.setattr(
        encoder_training,
        "load_parts",
        lambda names, data_dir, split, cache_dir=None, with_states=True: {
            name: part(name, 12 if split == "train" else 6) for name in names
        },
    )
    monkeypatch.setattr(encoder_training, "seeds_part", lambda cache_dir=None, with_states=True: part("seeds", 2))
    monkeypatch.setattr(
        abuse_corpus,
        "labeled_part",
        lambda name, examples, cache_dir=None, cache=True, with_states=True: part(name, len(examples)),
    )
    learned = {}

    class Stored:
        meta: dict = {}

    class Fake:
        model = Stored()

        def score_part(self, target):
            return target.labels.astype(float)

    def train_model(parts, epochs, version, desc="", branch_trainer=None):
        learned.update({p.name: len(p) for p in parts}, epochs=epochs, version=version, trainer=branch_trainer.__name__)
        Fake.model.meta = {"version": version, "recommended_thresholds": {"hold": 0.4, "reject": 0.95}}
        return Fake()

    saved = []
    monkeypatch.setattr(encoder_training, "train_model", train_model)
    monkeypatch.setattr(encoder_training, "save", lambda model, out_dir: saved.append(out_dir))
    site = [("you clown", 1, "a"), ("fair", 0, "b"), ("ok", 0, "c")]
    meta = encoder_training.train_shipped(
        tmp_path, tmp_path / "w", "abuse-v", ("c3", "olid"), site_examples=site, cap=5, epochs=1.5
    )
    disguised = learned.pop("disguised")
    assert learned == {
        "c3": 5,
        "olid": 5,
        "seeds": 2,
        "identity_mentions": len(seed_examples.identity_mentions()),
        "site": 3,
        "epochs": 1.5,
        "version": "abuse-v",
        "trainer": "train_full_branch",
    }
    assert disguised > 0
    assert meta["site_decisions"] == 3 and saved == [tmp_path / "w"]
    # No bias_madlibs in that data folder: the calibrated hold level stands.
    assert meta["recommended_thresholds"]["hold"] == meta["calibrated_hold"] == 0.4
    held_out = meta["held_out_roc_auc"]
    assert held_out["c3"] == {"roc_auc": 1.0, "seen_in_training": True}
    assert held_out["ucc"] == {"roc_auc": 1.0, "seen_in_training": False} and "wiki" in held_out


def test_another_encoder_can_replace_the_branch_and_keeps_the_lexical_view_and_stacker(tiny):
    """A branch trainer that reads the texts (here: a rule) takes the place of the branch."""
    seen: dict[str, object] = {}

    def logits_of(texts):
        out = np.zeros((len(texts), len(OUTPUTS)), np.float32)
        out[:, 0] = [4.0 if t.startswith("you ") else -4.0 for t in texts]
        return out

    class Scorer:
        def part_logits(self, part):
            return logits_of(part.texts)

        def text_logits(self, texts):
            return logits_of(texts)

        def arrays(self):
            return {}

    def trainer(parts, epochs, desc):
        seen.update(parts=[p.name for p in parts], epochs=epochs, desc=desc)
        return Scorer()

    parts = [part("c3", 120, seed=4), part("ucc", 120, seed=5), part("seeds", 4, seed=7)]
    trained = encoder_training.train_model(parts, epochs=1, desc="other", branch_trainer=trainer)
    assert seen == {"parts": ["c3", "ucc", "seeds"], "epochs": 1, "desc": "other"}
    assert trained.branch is None and not trained.model.branch_state
    unseen = part("c3", 30, seed=9)
    assert trained.branch_logit(unseen).tolist() == logits_of(unseen.texts)[:, 0].tolist()
    prob = trained.score_part(unseen)
    assert prob[unseen.labels == 1].mean() > prob[unseen.labels == 0].mean()


def test_the_branch_logit_alone_comes_from_the_trained_branch(trained):
    model = trained[0]
    unseen = part("c3", 30, seed=9)
    logit = model.branch_logit(unseen)
    assert logit.shape == (30,) and logit[unseen.labels == 1].mean() > logit[unseen.labels == 0].mean()


def test_the_fair_hold_level_holds_at_most_one_neutral_sentence_in_twenty(tmp_path, monkeypatch):
    from commentdesk.evaluation import labeled_sets
    from commentdesk.evaluation.datasets import AbuseSet

    (tmp_path / "bias_madlibs").mkdir()
    texts = [f"Name {i} is a kind person" for i in range(400)] + [f"Name {i} is a vile person" for i in range(100)]
    labels = np.array([0] * 400 + [1] * 100, np.int8)
    monkeypatch.setattr(
        labeled_sets,
        "load_abuse_set",
        lambda name, data_dir: AbuseSet(name, texts, labels, np.arange(500).astype(str), np.array(["test"] * 500)),
    )
    # Neutral sentence i scores i / 400: a level of 0.95 or more holds at most 5 % of them.
    fair = encoder_training.fairness_hold(lambda batch: np.array([int(t.split()[1]) / 400 for t in batch]), tmp_path)
    assert fair == 0.95
    meta = {"recommended_thresholds": {"hold": 0.5, "reject": 0.99}}
    encoder_training.apply_fairness_hold(meta, fair)
    assert (
        meta["recommended_thresholds"]["hold"] == 0.95 and meta["calibrated_hold"] == 0.5 and "bias_madlibs" in meta["hold_rule"]
    )
    lower = {"recommended_thresholds": {"hold": 0.97, "reject": 0.99}}
    encoder_training.apply_fairness_hold(lower, fair)
    assert lower["recommended_thresholds"]["hold"] == 0.97
    assert encoder_training.fairness_hold(lambda batch: np.zeros(len(batch)), tmp_path / "elsewhere") is None
