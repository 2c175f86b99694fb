"""The relevance model from small fixture threads (SemEval questions standing in for articles, C3
articles without text) and a stand-in embedder: the corpora as loaded, the pairs fitted on, a
whole training run whose weights load, and the transfer check on a SemEval-2016 sample."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from tests.evaluation import fakes

from commentdesk.evaluation import relevance_data, relevance_transfer, train_relevance
from commentdesk.moderation.models import embedder
from commentdesk.moderation.models.relevance import SOURCES, RelevanceModel

DATA = Path(__file__).parent.parent / "fixtures" / "evaluation"


@pytest.fixture
def stand_in(monkeypatch):
    embedded = []

    def embed(name, texts, cache_dir=None, batch_size=64):
        embedded.append(name)
        return fakes.embed(list(texts))

    monkeypatch.setattr(relevance_data, "embed_cached", embed)
    monkeypatch.setattr(train_relevance, "shared_embedder", fakes.WordEmbedder)
    return embedded


def test_a_semeval_corpus_keeps_each_questions_comments_labels_and_passages(stand_in):
    corpus = relevance_data.load_corpus("semeval", DATA)
    assert [t.thread_id for t in corpus.threads] == ["Q1", "Q2", "Q3", "Q4", "Q5"]
    assert len(corpus.comment_texts) == 13  # the blank comment is dropped
    assert corpus.thread_of.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 4, 4]
    assert corpus.labels[:3].tolist() == [1.0, 0.0, 1.0]
    assert np.isnan(corpus.labels[8])  # a gold label outside the scheme is unknown
    assert corpus.comment_texts[4] == "lol thanks all"
    assert corpus.passages[1] and "cheap used car" in " ".join(corpus.passages[1])
    assert [len(v) for v in corpus.passage_vecs] == [len(p) for p in corpus.passages]
    assert np.allclose(corpus.comment_vecs, fakes.embed(corpus.comment_texts), atol=1e-6)
    assert stand_in == ["semeval-comments", "semeval-passages"]


def test_a_c3_corpus_reuses_the_abuse_sets_vectors_and_has_no_article_text(stand_in):
    corpus = relevance_data.load_corpus("c3", DATA)
    assert len(corpus.threads) == 6 and len(corpus.comment_texts) == 24
    assert all(not p for p in corpus.passages) and all(len(v) == 0 for v in corpus.passage_vecs)
    assert corpus.labels[:4].tolist() == [1.0, 1.0, 1.0, 0.0]  # two or more off-topic votes
    assert stand_in == ["c3"]  # one cached list, shared with the abuse evaluation
    assert {t.split for t in corpus.threads} == {"train", "test"}


def test_pairs_of_both_corpora_carry_the_generic_reaction_similarity(stand_in):
    prototypes = fakes.embed(["Great article.", "I agree."])
    collected = train_relevance.collect_pairs(DATA, prototypes=prototypes)
    assert [corpus.name for corpus, _pairs, _feats in collected] == ["semeval", "c3"]
    for corpus, pairs, feats in collected:
        assert feats.shape == (len(pairs["source"]), 2)
        assert np.allclose(feats[:, 0], pairs["similarity"])
        generic = (corpus.comment_vecs @ prototypes.T).max(axis=1)
        assert np.allclose(feats[:, 1], generic[pairs["comment_index"]])
    c3_sources = set(collected[1][1]["source"])
    assert c3_sources == {"thread", "parent"}  # no article text in C3


def test_generic_prototypes_are_the_embedded_reactions(monkeypatch):
    fake = fakes.WordEmbedder()
    monkeypatch.setattr(train_relevance, "shared_embedder", lambda: fake)
    assert train_relevance.generic_prototypes().shape == (len(train_relevance.GENERIC_REACTIONS), 384)
    assert fake.encoded == list(train_relevance.GENERIC_REACTIONS)


def test_the_comment_head_weighs_real_labels_above_constructed_pairs(stand_in, monkeypatch):
    collected = train_relevance.collect_pairs(DATA, prototypes=fakes.embed(["Agreed."]))
    calibration = {source: [10.0, 0.0, -5.0] for source in SOURCES}
    seen = {}
    real_fit = train_relevance.LogisticRegression.fit

    def fit(self, x, y, sample_weight=None):
        seen.update(rows=len(y), weights=sample_weight)
        return real_fit(self, x, y, sample_weight=sample_weight)

    monkeypatch.setattr(train_relevance.LogisticRegression, "fit", fit)
    head, alpha, bias = train_relevance.fit_comment_head(collected, calibration)
    train_pairs = sum(int((pairs["split"] == "train").sum()) for _c, pairs, _f in collected)
    assert head.shape == (384,) and seen["rows"] == train_pairs
    assert set(seen["weights"]) == {1.0, train_relevance.REAL_LABEL_WEIGHT}
    assert alpha > 0  # a higher calibrated similarity means more relevant


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("relevance")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(relevance_data, "embed_cached", fakes.cached_embed)
        patch.setattr(train_relevance, "shared_embedder", fakes.WordEmbedder)
        meta = train_relevance.train_relevance(DATA, out, version="relevance-test-1")
    return out, meta


def test_a_training_run_writes_weights_that_load(trained):
    out, meta = trained
    model = RelevanceModel.load(out)
    assert model.version == "relevance-test-1" and json.loads((out / "relevance.json").read_text()) == meta
    assert set(meta["calibration"]) == set(SOURCES)
    assert meta["generic_reactions"] == list(train_relevance.GENERIC_REACTIONS)


def test_generic_reactions_may_only_pull_towards_on_topic(trained):
    _out, meta = trained
    assert all(g >= 0.0 for _a, g, _b in meta["calibration"].values())


def test_the_stored_hold_threshold_replaces_the_placeholder(trained):
    _out, meta = trained
    hold = meta["recommended_thresholds"]["hold"]
    assert 0.0 < hold < 1.0 and round(hold, 3) == hold


def test_the_hold_threshold_holds_at_most_five_percent_of_on_topic_answers_it_learned_from(trained, stand_in):
    out, meta = trained
    model = RelevanceModel.load(out)
    probs = []
    for corpus, pairs, feats in train_relevance.collect_pairs(DATA, prototypes=model._generic):
        chosen = (pairs["split"] == "train") & (pairs["kind"] == "own") & (pairs["source"] == "article") & (pairs["label"] == 1)
        logits = np.array([model.source_logit("article", sim, gen) for sim, gen in feats[chosen]])
        z = model.combine(logits, corpus.comment_vecs[pairs["comment_index"][chosen]])
        probs += list(1 / (1 + np.exp(-z)))
    assert len(probs) == 5  # the on-topic answers of the three training questions
    assert np.mean(np.array(probs) < meta["recommended_thresholds"]["hold"] - 5e-4) <= 0.05


def test_a_trained_model_prefers_a_comment_under_its_own_question(trained):
    out, _meta = trained
    model = RelevanceModel.load(out)
    question = ["Visa renewal in Doha", "How long does a visa renewal take?"]
    passages = fakes.embed(question)
    on_topic = model.score(fakes.embed(["my visa renewal in Doha took a week"])[0], question, passages)
    off_topic = model.score(fakes.embed(["selling a red sofa cheap"])[0], question, passages)
    assert on_topic.probability > off_topic.probability


# --------------------------------------------------------------------------- SemEval-2016 transfer


@pytest.fixture
def transfer_results(trained, monkeypatch):
    out, _meta = trained
    loaded = RelevanceModel.load(out)  # the check reads the shipped weights: these stand in for them
    monkeypatch.setattr(RelevanceModel, "load", classmethod(lambda cls, weights_dir=None: loaded))
    monkeypatch.setattr(embedder, "shared_embedder", fakes.WordEmbedder)
    return loaded, relevance_transfer.evaluate(DATA)


def test_the_transfer_check_reads_every_labelled_comment_of_the_sample(transfer_results):
    model, results = transfer_results
    assert results["model"] == model.version
    assert results["threads"] == 3 and results["comments"] == 7 and results["on_topic_comments"] == 4
    assert results["hold_threshold"] == model.recommended_thresholds["hold"]


def test_the_transfer_figures_are_shares_and_roc_aucs(transfer_results):
    _model, results = transfer_results
    for key in ("real_labels_roc_auc", "real_labels_roc_auc_cosine", "own_vs_other_roc_auc", "own_vs_other_roc_auc_cosine"):
        assert 0.0 <= results[key] <= 1.0
    for key in (
        "on_topic_held_share",
        "off_topic_held_share",
        "other_question_held_share",
        "on_topic_chatter_share",
        "off_topic_chatter_share",
    ):
        assert 0.0 <= results[key] <= 1.0
    assert results["real_labels_roc_auc_cosine"] > 0.5  # the sample's on-topic answers share the question's words


def test_each_comment_is_scored_under_its_own_question_and_under_another_one(trained, monkeypatch):
    out, _meta = trained
    model = RelevanceModel.load(out)
    scored = []
    real_score = model.score

    def score(comment_vec, passages, passage_vecs, *rest):
        scored.append(tuple(passages))
        return real_score(comment_vec, passages, passage_vecs, *rest)

    monkeypatch.setattr(model, "score", score)
    monkeypatch.setattr(RelevanceModel, "load", classmethod(lambda cls, weights_dir=None: model))
    monkeypatch.setattr(embedder, "shared_embedder", fakes.WordEmbedder)
    threads = relevance_transfer.load_threads(DATA)
    questions = [tuple(model.chunk_article(t["title"], t["body"])) for t in threads]
    relevance_transfer.evaluate(DATA, seed=4)
    own, other = scored[0::2], scored[1::2]
    expected_own = [questions[i] for i, t in enumerate(threads) for _c in t["comments"]]
    assert own == expected_own
    assert all(wrong != right and wrong in questions for wrong, right in zip(other, own, strict=True))


def test_the_transfer_report_reads_as_a_table():
    results = {
        "model": "relevance-x",
        "threads": 3,
        "comments": 7,
        "on_topic_comments": 4,
        "hold_threshold": 0.2,
        "real_labels_roc_auc": 0.81234,
        "real_labels_roc_auc_cosine": 0.7,
        "own_vs_other_roc_auc": 0.9,
        "own_vs_other_roc_auc_cosine": 0.85,
        "on_topic_held_share": 0.05,
        "off_topic_held_share": 0.5,
        "other_question_held_share": 0.625,
        "on_topic_chatter_share": 0.01,
        "off_topic_chatter_share": 0.25,
        "on_topic_other_article_share": 0.02,
        "off_topic_other_article_share": 0.125,
        "on_topic_held_without_other_articles": 0.06,
        "off_topic_held_without_other_articles": 0.5,
        "on_topic_held_with_other_articles": 0.07,
        "off_topic_held_with_other_articles": 0.625,
    }
    text = relevance_transfer.markdown(results)
    assert text.startswith("# Relevance on SemEval-2016 (never trained on)")
    assert "Model `relevance-x`, 3 questions, 7 comments (4 on-topic), hold threshold 0.2." in text
    assert "| real labels: Good/PotentiallyUseful vs Bad, against the own question | 0.812 | 0.700 |" in text
    assert "| own question vs another question | 0.900 | 0.850 |" in text
    assert "5.0% of on-topic comments, 50.0% of off-topic ones, 62.5% of comments placed under another question." in text
    assert "(the default policy): 1.0% of on-topic comments, 25.0% of off-topic ones." in text
    assert "recent articles): 2.0% of on-topic comments, 12.5% of off-topic ones." in text
    assert "7.0% of on-topic comments and 62.5% of off-topic ones, against 6.0% and 50.0% without" in text


def test_the_transfer_command_refuses_a_folder_without_the_2016_set(tmp_path, capsys):
    assert relevance_transfer.main(["--data-dir", str(tmp_path), "--out", str(tmp_path / "o")]) == 2
    assert "no semeval2016_cqa under" in capsys.readouterr().err


def test_the_transfer_command_writes_its_json_and_markdown(tmp_path, monkeypatch, capsys):
    results = {
        "model": "m",
        "threads": 1,
        "comments": 2,
        "on_topic_comments": 1,
        "hold_threshold": 0.2,
        "real_labels_roc_auc": 1.0,
        "real_labels_roc_auc_cosine": 1.0,
        "own_vs_other_roc_auc": 1.0,
        "own_vs_other_roc_auc_cosine": 1.0,
        "on_topic_held_share": 0.0,
        "off_topic_held_share": 1.0,
        "other_question_held_share": 1.0,
        "on_topic_chatter_share": 0.0,
        "off_topic_chatter_share": 0.0,
        "on_topic_other_article_share": 0.0,
        "off_topic_other_article_share": 0.0,
        "on_topic_held_without_other_articles": 0.0,
        "off_topic_held_without_other_articles": 1.0,
        "on_topic_held_with_other_articles": 0.0,
        "off_topic_held_with_other_articles": 1.0,
    }
    monkeypatch.setattr(relevance_transfer, "evaluate", lambda data_dir: results)
    assert relevance_transfer.main(["--data-dir", str(DATA), "--out", str(tmp_path / "o")]) == 0
    assert json.loads((tmp_path / "o" / "relevance-transfer.json").read_text()) == results
    assert (tmp_path / "o" / "relevance-transfer.md").read_text() == relevance_transfer.markdown(results)
    assert "Model `m`" in capsys.readouterr().out
