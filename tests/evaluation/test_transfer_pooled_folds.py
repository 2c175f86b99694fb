"""The pooled leave-one-source-out baseline: which rows each fold learns from (never the held-out
set's), how the sets and seeds are weighed, and the command that writes its JSON and table. The
labeled sets are small made-up ones and the embedder a stand-in."""

from __future__ import annotations

import json

import numpy as np
import pytest
import scipy.sparse as sp
from tests.evaluation import fakes

from commentdesk.evaluation import seed_examples, transfer_pooled
from commentdesk.moderation.models.abuse import LexicalFeaturizer, lexical_text

CORPUS = transfer_pooled.Corpus


def fake_corpus(sizes: dict[str, int], seeds: int = 3) -> transfer_pooled.Corpus:
    """Rows whose first embedding coordinate is the label, so a fit can separate them."""
    corpus = object.__new__(CORPUS)
    corpus.rows = {}
    for k, (name, n) in enumerate(sizes.items()):
        y = np.array([i % 2 for i in range(n)], float)
        x = np.column_stack([y * 2 - 1, np.full(n, k)]).astype(np.float32)
        corpus.rows[name] = {
            "train_y": y,
            "train_x": x,
            "train_l": sp.csr_matrix(x),
            "test_y": y.astype(int),
            "test_x": x,
            "test_l": sp.csr_matrix(x),
            "test_texts": [f"{name} {i}" for i in range(n)],
        }
    corpus.seed_y = np.array([i % 2 for i in range(seeds)], float)
    corpus.seed_x = np.column_stack([corpus.seed_y * 2 - 1, np.full(seeds, 9)]).astype(np.float32)
    corpus.seed_l = sp.csr_matrix(corpus.seed_x)
    corpus.seed_texts = [f"seed {i}" for i in range(seeds)]
    return corpus


@pytest.fixture
def fits(monkeypatch):
    """Record every logistic fit's rows and weights; the fits themselves are real."""
    seen = []
    real = transfer_pooled.fit_soft_logistic

    def record(x, target, weight, **kwargs):
        seen.append({"rows": x.shape[0], "target": target.copy(), "weight": weight.copy(), "sparse": sp.issparse(x)})
        return real(x, target, weight, **kwargs)

    monkeypatch.setattr(transfer_pooled, "fit_soft_logistic", record)
    return seen


def test_a_fold_never_learns_from_the_held_out_set(fits):
    corpus = fake_corpus({"c3": 10, "ucc": 6, "olid": 8})
    auc = transfer_pooled.fold_auc(corpus, ("c3", "ucc", "olid"), np.arange(3), held="ucc")
    assert auc == 1.0
    on_embedding, on_words = fits
    assert on_embedding["rows"] == on_words["rows"] == 10 + 8 + 3
    assert not on_embedding["sparse"] and on_words["sparse"]


def test_every_set_weighs_the_same_in_total_and_each_seed_a_fixed_amount(fits):
    corpus = fake_corpus({"c3": 10, "olid": 40, "ucc": 6})
    transfer_pooled.fold_auc(corpus, ("c3", "olid", "ucc"), np.array([0, 2]), held="ucc")
    weight = fits[0]["weight"]
    assert weight[:10].sum() == pytest.approx(transfer_pooled.SET_TOTAL_WEIGHT)
    assert weight[10:50].sum() == pytest.approx(transfer_pooled.SET_TOTAL_WEIGHT)
    assert weight[50:].tolist() == [transfer_pooled.SEED_WEIGHT] * 2
    assert fits[0]["target"][50:].tolist() == [0.0, 0.0]  # seeds 0 and 2, in that order


def test_a_set_outside_the_training_choice_is_scored_by_the_model_trained_on_all_of_it(fits):
    corpus = fake_corpus({"c3": 10, "ucc": 6, "cad": 8})
    transfer_pooled.fold_auc(corpus, ("c3", "ucc"), np.arange(3), held="cad")
    assert fits[0]["rows"] == 10 + 6 + 3


def test_only_todays_seeds_are_the_ones_the_default_model_learned_from():
    todays = transfer_pooled._todays_seeds()
    assert len(todays) == len(seed_examples.THREATS) + len(seed_examples.IDENTITY_ATTACKS) + len(seed_examples.HARD_NEGATIVES)
    assert set(todays) <= {text for text, _label, _heads in seed_examples.labeled_seeds()}


def test_the_corpus_reads_train_and_test_rows_and_keeps_vectors_beside_their_texts(monkeypatch, tmp_path):
    monkeypatch.setattr(transfer_pooled, "SETS", ("c3", "ucc"))
    monkeypatch.setattr(transfer_pooled, "TRAIN_ROWS", 6)
    monkeypatch.setattr(transfer_pooled, "load_abuse_set", lambda name, data_dir: fakes.abuse_set(name, 24))
    asked = {}

    def embed_each(texts, cache_file):
        asked["file"] = cache_file
        return fakes.embed(texts)

    monkeypatch.setattr(transfer_pooled, "embed_each_cached", embed_each)
    corpus = transfer_pooled.Corpus(tmp_path, tmp_path / "cache.npz")
    assert asked["file"] == tmp_path / "cache.npz"
    c3 = corpus.rows["c3"]
    assert len(c3["train_texts"]) == 6 and len(c3["test_texts"]) == 6  # 24 rows, a quarter of them test
    assert np.allclose(c3["train_x"], fakes.embed(c3["train_texts"]), atol=1e-6)
    assert np.allclose(corpus.rows["ucc"]["test_x"], fakes.embed(corpus.rows["ucc"]["test_texts"]), atol=1e-6)
    assert c3["train_l"].shape[0] == 6 and c3["test_l"].shape[0] == 6
    assert np.allclose(corpus.seed_x, fakes.embed(corpus.seed_texts), atol=1e-6)
    # The hashed n-grams of each row are those of its own normalised text.
    featurizer = LexicalFeaturizer()
    expected = featurizer.transform_normalised([lexical_text(t) for t in corpus.rows["ucc"]["test_texts"]])
    assert (corpus.rows["ucc"]["test_l"] != expected.tocsr()).nnz == 0
    assert (corpus.seed_l[:3] != featurizer.transform_normalised([lexical_text(t) for t in corpus.seed_texts[:3]])).nnz == 0
    assert len(corpus.seed_y) == len(seed_examples.labeled_seeds())


def test_a_run_gives_each_set_three_figures_and_a_mean_and_worst(monkeypatch, tmp_path):
    sizes = {"c3": 10, "ucc": 8, "cad": 6}
    monkeypatch.setattr(transfer_pooled, "SETS", tuple(sizes))
    monkeypatch.setattr(transfer_pooled, "TODAYS_SETS", ("c3", "ucc"))
    made = {}

    def corpus(data_dir, cache_file):
        made["file"] = cache_file
        built = fake_corpus(sizes, seeds=4)
        built.seed_texts = [transfer_pooled._todays_seeds()[0], "not a seed of today", "x", "y"]
        return built

    folds_seen = []

    def fold(built, train_sets, seed_rows, held):
        folds_seen.append((train_sets, seed_rows.tolist(), held))
        return 0.8 if train_sets == transfer_pooled.SETS else 0.6

    monkeypatch.setattr(transfer_pooled, "Corpus", corpus)
    monkeypatch.setattr(transfer_pooled, "fold_auc", fold)
    monkeypatch.setattr(transfer_pooled, "shipped_auc", lambda built, held: {"c3": 0.9, "ucc": 0.7, "cad": 0.5}[held])
    results = transfer_pooled.run(tmp_path, tmp_path / "cache")
    assert made["file"] == tmp_path / "cache" / "transfer-embeddings.npz"
    assert folds_seen[0] == (("c3", "ucc"), [0], "c3") and folds_seen[1] == (tuple(sizes), [0, 1, 2, 3], "c3")
    assert results["folds"]["cad"] == {"todays_data": 0.6, "all_data": 0.8, "shipped_model": 0.5, "shipped_model_saw_it": False}
    assert results["folds"]["c3"]["shipped_model_saw_it"] is True
    assert results["summary"]["shipped_model"] == {"mean": 0.7, "worst": 0.5}
    assert results["summary"]["all_data"] == {"mean": 0.8, "worst": 0.8}
    assert results["train_rows_per_set"] == transfer_pooled.TRAIN_ROWS


def test_the_shipped_model_is_scored_on_the_held_out_sets_test_rows(monkeypatch):
    from commentdesk.moderation.models import abuse

    class Shipped:
        def probabilities(self, texts, embeddings):
            return embeddings[:, 0], None

    monkeypatch.setattr(abuse.AbuseModel, "load", classmethod(lambda cls, weights_dir=None: Shipped()))
    assert transfer_pooled.shipped_auc(fake_corpus({"c3": 6}), "c3") == 1.0


def test_the_command_refuses_a_missing_data_folder(tmp_path, capsys):
    assert transfer_pooled.main(["--data-dir", str(tmp_path / "none"), "--out", str(tmp_path / "out")]) == 2
    assert "no labeled data at" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_the_command_writes_the_figures_and_the_table(tmp_path, monkeypatch, capsys):
    fold = {"todays_data": 0.61, "all_data": 0.72, "shipped_model": 0.83, "shipped_model_saw_it": False}
    results = {
        "folds": {"cad": fold},
        "summary": {key: {"mean": fold[key], "worst": fold[key]} for key in ("todays_data", "all_data", "shipped_model")},
    }
    called = {}

    def run(data_dir, cache_dir):
        called.update(data_dir=data_dir, cache_dir=cache_dir)
        return results

    monkeypatch.setattr(transfer_pooled, "run", run)
    out = tmp_path / "docs"
    code = transfer_pooled.main(["--data-dir", str(tmp_path), "--out", str(out), "--cache-dir", str(tmp_path / "c")])
    assert code == 0 and called == {"data_dir": tmp_path, "cache_dir": tmp_path / "c"}
    assert json.loads((out / "transfer-pooled.json").read_text()) == results
    text = (out / "transfer-pooled.md").read_text()
    assert text.startswith("# Leave-one-source-out, one learner, two choices of training data")
    assert "| cad | 0.610 | 0.720 | 0.830 |" in text
    assert "| cad | 0.610 | 0.720 | 0.830 |" in capsys.readouterr().out
