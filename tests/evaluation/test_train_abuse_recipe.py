"""The abuse model's training recipe on small made-up sets and a stand-in embedder: the pool of
training comments, its weights and disguised copies, the view models and category heads, and a
whole training run whose weights load and tell abuse from civil comments they never saw."""

from __future__ import annotations

import json

import numpy as np
import pytest
from tests.evaluation import fakes

from commentdesk.evaluation import seed_examples, train_abuse
from commentdesk.evaluation.datasets import CATEGORIES
from commentdesk.moderation.models import embedder
from commentdesk.moderation.models.abuse import AbuseModel, LexicalFeaturizer, LexicalSpec


def pool_of(sets, labels, texts=None, augmented=False, **extra):
    texts = texts or [fakes.abusive_text(i) if y else fakes.civil_text(i) for i, y in enumerate(labels)]
    categories = {c: np.full(len(texts), np.nan) for c in CATEGORIES}
    categories.update(extra)
    return train_abuse.make_pool(
        texts,
        fakes.embed(texts),
        labels,
        np.asarray(labels, float),
        sets,
        [f"g{i}" for i in range(len(texts))],
        categories,
        augmented=augmented,
    )


@pytest.fixture
def stand_in(monkeypatch):
    """Made-up sets by name and the stand-in embedder, wherever the recipe reads them."""
    monkeypatch.setattr(train_abuse, "load_abuse_set", lambda name, data_dir: fakes.abuse_set(name, 40))
    monkeypatch.setattr(train_abuse, "embed_cached", fakes.cached_embed)
    fake = fakes.WordEmbedder()
    monkeypatch.setattr(embedder, "shared_embedder", lambda: fake)
    return fake


def test_a_pool_keeps_normalised_text_and_flags_disguised_words():
    pool = pool_of(["c3", "c3"], [1, 0], texts=["You are an ID10T", "Fine work"])
    assert pool.normalised[1] == "fine work" and len(pool) == 2
    assert pool.disguised.tolist() == [True, False]
    assert pool.origin.tolist() == [-1, -1] and not pool.augmented.any()
    assert set(pool.categories) == set(CATEGORIES)


def test_taking_and_joining_pools_keeps_every_column_in_step():
    a = pool_of(["c3"] * 3, [1, 0, 1])
    b = pool_of(["ucc"] * 2, [0, 1], augmented=True)
    joined = train_abuse.Pool.concat(a, b)
    assert len(joined) == 5 and joined.sets.tolist() == ["c3"] * 3 + ["ucc"] * 2
    taken = joined.take(np.array([4, 0]))
    assert taken.texts == [b.texts[1], a.texts[0]] and taken.labels.tolist() == [1, 1]
    assert np.array_equal(taken.embeddings, np.vstack([b.embeddings[1], a.embeddings[0]]))
    assert taken.augmented.tolist() == [True, False] and taken.normalised == [b.normalised[1], a.normalised[0]]


def test_news_rows_weigh_more_than_tweets_and_unknown_sets_weigh_one():
    pool = pool_of(["c3", "olid", "wiki"], [0, 0, 0])
    assert pool.weights.tolist() == [train_abuse.SET_WEIGHTS["c3"], train_abuse.SET_WEIGHTS["olid"], 1.0]


def test_disguised_copies_are_reweighted_to_the_sets_own_abusive_share():
    real = pool_of(["c3"] * 4, [1, 0, 0, 0])  # a quarter abusive
    copies = pool_of(["c3"] * 2, [1, 0], augmented=True)  # half abusive
    pool = train_abuse.Pool.concat(real, copies)
    weights = pool.augmentation_weights()
    assert weights[:4].tolist() == [1.0] * 4
    half = train_abuse.AUGMENT_WEIGHT
    assert weights[4] == pytest.approx(half * 0.25 / 0.5) and weights[5] == pytest.approx(half * 0.75 / 0.5)
    # Weighted, the copies are as abusive as the set: a disguise is no sign of abuse by itself.
    assert weights[4] / (weights[4] + weights[5]) == pytest.approx(0.25)


def test_the_seed_pool_labels_threats_and_identity_attacks_and_their_hard_negatives(stand_in):
    pool = train_abuse.seed_pool()
    n_t, n_i = len(seed_examples.THREATS), len(seed_examples.IDENTITY_ATTACKS)
    assert len(pool) == n_t + n_i + len(seed_examples.HARD_NEGATIVES) and set(pool.sets) == {"seeds"}
    assert pool.labels[: n_t + n_i].all() and not pool.labels[n_t + n_i :].any()
    assert pool.categories["threat"][:n_t].tolist() == [1.0] * n_t and pool.categories["threat"][n_t] == 0.0
    assert np.isnan(pool.categories["identity_attack"][:n_t]).all()
    assert pool.categories["identity_attack"][n_t : n_t + n_i].tolist() == [1.0] * n_i
    assert np.isnan(pool.categories["insult"]).all()


def test_disguised_copies_cover_every_abusive_comment_and_as_many_civil_ones(stand_in):
    pool = pool_of(["c3"] * 6 + ["olid"] * 4, [1, 1, 0, 0, 0, 0, 1, 1, 0, 0])
    copies = train_abuse.augment(pool, seed=1)
    assert copies.augmented.all() and set(copies.sets) == {"c3"}  # olid is not disguised
    assert sorted(copies.origin[copies.labels == 1].tolist()) == [0, 1]
    assert len(copies) == 4 and all(pool.sets[o] == "c3" for o in copies.origin)
    for text, origin in zip(copies.texts, copies.origin, strict=True):
        assert text != pool.texts[origin]  # each copy is disguised
    again = train_abuse.augment(pool, seed=1)
    assert again.texts == copies.texts


def test_the_training_pool_takes_the_train_split_of_every_set_and_the_seeds(stand_in, tmp_path):
    pool = train_abuse.build_pool(tmp_path, "train", set_names=("c3", "olid", "seeds"))
    data = fakes.abuse_set("c3", 40)
    n_train = int((data.split == "train").sum())
    assert int((pool.sets == "c3").sum()) == n_train and int((pool.sets == "olid").sum()) == n_train
    assert int((pool.sets == "seeds").sum()) == len(train_abuse.seed_pool())
    assert pool.groups[0].startswith("c3:")
    # Threats are read as absent from news comment sets, and unknown in tweet sets.
    assert (pool.categories["threat"][pool.sets == "c3"] == 0).all()
    assert np.isnan(pool.categories["threat"][pool.sets == "olid"]).all()
    assert pool.categories["insult"][pool.sets == "olid"].tolist() == pool.labels[pool.sets == "olid"].tolist()


def test_the_test_pool_has_no_seeds(stand_in, tmp_path):
    pool = train_abuse.build_pool(tmp_path, "test", set_names=("c3", "seeds", "site"))
    assert set(pool.sets) == {"c3"} and len(pool) == int((fakes.abuse_set("c3", 40).split == "test").sum())


def test_the_site_pool_turns_moderator_decisions_into_training_rows(stand_in):
    pool = train_abuse.site_pool([("you clown", 1, "Rates"), ("good point", 0, "Rates"), ("fine", 0, "Parks")])
    assert pool.sets.tolist() == ["site"] * 3 and pool.groups.tolist() == ["site:Rates", "site:Rates", "site:Parks"]
    assert pool.labels.tolist() == [1, 0, 0] and stand_in.encoded == ["you clown", "good point", "fine"]
    assert all(np.isnan(pool.categories[c]).all() for c in CATEGORIES)


def test_repairs_are_learned_from_comment_sets_only():
    abusive = ["you are a bitch"] * 4 + ["total btch"] + ["what a wanker"] * 4 + ["wnker"]
    sets = ["c3"] * 5 + ["olid"] * 5
    pool = pool_of(sets + ["c3"] * 6, [1] * 10 + [0] * 6, texts=abusive + [f"the bench {i}" for i in range(6)])
    repairs = train_abuse.derive_repairs(pool)
    assert repairs.get("btch") == "bitch"
    assert "wnker" not in repairs  # "wanker" marks abuse only in a tweet set, where slang misleads


def test_renormalising_with_repairs_reads_the_evasion_as_the_word_and_flags_it():
    pool = pool_of(["c3", "c3"], [1, 0], texts=["total btch", "a calm note"])
    assert pool.normalised[0] == "total btch" and not pool.disguised[0]
    train_abuse.renormalise(pool, {"btch": "bitch"})
    assert pool.normalised == ["total bitch", "a calm note"]
    assert pool.disguised.tolist() == [True, False]


def test_site_decisions_weigh_more_than_a_news_comment_in_the_stacker():
    sets = np.array(["c3"] * 4 + ["ucc"] * 4 + ["site"] * 2)
    weights = train_abuse.news_balance_weights(sets)
    ratio = train_abuse.SET_WEIGHTS["site"] / train_abuse.SET_WEIGHTS["c3"]
    assert weights[sets == "site"].tolist() == pytest.approx([weights[0] * ratio] * 2)


def test_soft_targets_count_as_part_positive_and_part_negative():
    x = np.array([[0.0], [1.0], [2.0]])
    model = train_abuse.fit_soft_logistic(x, np.array([0.0, 0.5, 1.0]), np.ones(3), C=100.0)
    assert model.predict_proba([[1.0]])[0, 1] == pytest.approx(0.5, abs=0.05)
    assert model.predict_proba([[2.0]])[0, 1] > 0.9


def separable_pool(n=60):
    sets = (["c3", "ucc", "kaggle_insults", "olid", "seeds"] * n)[:n]
    labels = [i % 2 for i in range(n)]
    return pool_of(sets, labels, insult=np.array(labels, float))


def test_the_views_give_one_lexical_and_one_logit_per_embedding_head():
    pool = separable_pool()
    featurizer = LexicalFeaturizer(LexicalSpec(n_features=2**12))
    views = train_abuse.fit_views(pool, featurizer)
    logits = views.logits(featurizer, pool)
    assert logits.shape == (len(pool), 1 + len(train_abuse.EMBEDDING_HEADS))
    assert ((logits > 0) == (pool.labels[:, None] == 1)).all()  # every view separates these comments


def test_out_of_fold_logits_come_from_models_that_never_saw_the_group(monkeypatch):
    pool = separable_pool()
    featurizer = LexicalFeaturizer(LexicalSpec(n_features=2**12))
    trained_on = []
    real = train_abuse.fit_views

    def fit(part, feat):
        trained_on.append(set(part.groups))
        return real(part, feat)

    monkeypatch.setattr(train_abuse, "fit_views", fit)
    logits = train_abuse.out_of_fold_logits(pool, featurizer, folds=3)
    assert len(trained_on) == 3 and logits.shape == (len(pool), 4)
    for groups in trained_on:
        assert len(groups) == len(pool) * 2 // 3  # each fold leaves a third of the groups out
    assert np.mean((logits[:, 0] > 0) == (pool.labels == 1)) > 0.9


def test_category_heads_are_fitted_only_where_enough_rows_label_both_classes():
    pool = separable_pool(60)
    pool.categories["threat"][:10] = [0, 1] * 5  # too few known rows
    pool.categories["obscenity"][:] = 0.0  # one class only
    views = np.zeros((len(pool), 4))
    w, b, names = train_abuse.fit_categories(pool, views)
    assert names == ["insult"] and w.shape == (384 + 4, 1) and b.shape == (1,)
    scores = np.hstack([pool.embeddings, views]) @ w[:, 0] + b[0]
    assert ((scores > 0) == (pool.labels == 1)).all()


def test_the_evidence_level_is_a_high_quantile_of_word_strengths_in_civil_news():
    pool = pool_of(
        ["c3"] * 4 + ["olid"], [0, 0, 0, 0, 1], texts=["calm words", "calm words", "calm words", "calm words", "idiot idiot"]
    )
    spec = LexicalSpec(n_features=2**10)
    featurizer = LexicalFeaturizer(spec)
    weights = np.zeros(spec.n_features, np.float32)
    assert train_abuse.evidence_threshold(featurizer, weights, pool) == 0.0
    rows = featurizer.token_rows(["idiot"])
    weights[rows.indices] = 5.0  # only the tweet's word is strong: civil news words stay at zero
    assert train_abuse.evidence_threshold(featurizer, weights, pool) < 5.0 / np.sqrt(rows.nnz)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One whole training run (a few seconds), shared by the tests that read its results."""
    out = tmp_path_factory.mktemp("weights")
    site = [(fakes.abusive_text(i) + " site", 1, f"site-{i % 4}") for i in range(6)] + [
        (fakes.civil_text(i) + " site", 0, f"site-{i % 4}") for i in range(6)
    ]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(train_abuse, "load_abuse_set", lambda name, data_dir: fakes.abuse_set(name, 40))
        patch.setattr(train_abuse, "embed_cached", fakes.cached_embed)
        patch.setattr(embedder, "shared_embedder", fakes.WordEmbedder)
        patch.setattr(train_abuse, "LexicalSpec", lambda: LexicalSpec(n_features=2**14))
        meta = train_abuse.train_abuse(out, out, version="abuse-test-1", site_examples=site)
    return out, meta


def test_a_training_run_writes_weights_that_load(trained):
    out, meta = trained
    stored = json.loads((out / "abuse.json").read_text())
    assert stored["version"] == meta["version"] == "abuse-test-1"
    model = AbuseModel.load(out)
    assert model.version == "abuse-test-1" and model.category_names == stored["categories"]
    assert "insult" in stored["categories"] and stored["lexical"]["n_features"] == 2**14


def test_a_training_run_counts_what_it_learned_from(trained):
    _out, meta = trained
    n_train = int((fakes.abuse_set("c3", 40).split == "train").sum())
    assert meta["trained_on"]["c3"] == n_train and meta["trained_on"]["davidson"] == n_train
    n_seeds = len(seed_examples.THREATS + seed_examples.IDENTITY_ATTACKS + seed_examples.HARD_NEGATIVES)
    assert meta["trained_on"]["site"] == 12 and meta["trained_on"]["seeds"] == n_seeds
    assert meta["augmented_copies"] > 0 and meta["seconds"] >= 0
    assert set(meta["cross_validated_roc_auc"]) >= {"c3", "ucc", "site", "disguised_catch_ratio"}


def test_a_trained_model_tells_abuse_from_civil_comments_it_never_saw(trained):
    out, meta = trained
    model = AbuseModel.load(out)
    texts = ["you idiot, what a clown you are about housing", "the housing plan deserves a careful look"]
    prob, _cats = model.probabilities(texts, fakes.embed(texts))
    assert prob[0] > prob[1]
    thresholds = meta["recommended_thresholds"]
    assert 0.05 <= thresholds["hold"] < thresholds["reject"] and thresholds["reject"] >= 0.9
