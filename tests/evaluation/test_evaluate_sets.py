"""`commentdesk eval` on the labeled sets with a stand-in model that scores by keyword: only the
held-out rows are scored, the figures follow from the scores by hand, the worst mistakes are the
right ones, and the disguise check re-scores what the model caught."""

from __future__ import annotations

import numpy as np
import pytest
from tests.evaluation import fakes

from commentdesk.evaluation import evaluate, train_relevance
from commentdesk.evaluation.datasets import AbuseSet
from commentdesk.evaluation.perturb import PERTURBATIONS

INSULTS = ("idiot", "moron", "clown", "loser", "scum")


class KeywordAbuseModel:
    """P(abusive) 0.95 when an insult is spelled out (spaces ignored), else 0.05."""

    recommended_thresholds = {"hold": 0.5, "reject": 0.9}
    category_names = ["insult", "threat"]

    def __init__(self):
        self.scored: list[str] = []

    def probabilities(self, texts, embeddings):
        assert len(embeddings) == len(texts)
        self.scored += list(texts)
        squeezed = ["".join(t.lower().split()) for t in texts]
        prob = np.array([0.95 if any(w in t for w in INSULTS) else 0.05 for t in squeezed])
        return prob, np.column_stack([prob, np.full(len(texts), 0.1)])


def hand_set(name="c3"):
    rows = [
        ("you idiot", 1, "test"),
        ("what a moron", 1, "test"),
        ("you are wrong and I hate it", 1, "test"),
        ("the idiot box is slang for television", 0, "test"),
        ("good point", 0, "test"),
        ("thanks for the report", 0, "test"),
        ("a training comment, you clown", 1, "train"),
        ("a calm training comment", 0, "train"),
    ]
    n = len(rows)
    insult = np.array([label for _t, label, _s in rows], np.float32)
    return AbuseSet(
        name=name,
        texts=[t for t, _l, _s in rows],
        labels=np.array([r[1] for r in rows], np.int8),
        groups=np.array([f"g{i}" for i in range(n)]),
        split=np.array([r[2] for r in rows]),
        categories={"insult": insult, "threat": np.full(n, np.nan, np.float32)},
    )


@pytest.fixture
def sets(monkeypatch):
    """Install sets by name in place of the files; record which lists were embedded."""
    installed: dict[str, AbuseSet] = {}
    embedded: list[str] = []

    def embed(name, texts, cache_dir=None, batch_size=64):
        embedded.append(name)
        return fakes.embed(list(texts))

    monkeypatch.setattr(evaluate, "load_abuse_set", lambda name, data_dir: installed[name])
    monkeypatch.setattr(evaluate, "embed_cached", embed)
    return installed, embedded


def test_only_the_held_out_rows_of_a_set_are_scored(sets, tmp_path):
    installed, _embedded = sets
    installed["c3"] = hand_set()
    model = KeywordAbuseModel()
    result = evaluate.evaluate_abuse_set(model, "c3", tmp_path, tmp_path / "out")
    assert len(model.scored) == 6 and not any("training comment" in t for t in model.scored)
    assert result.name == "c3" and result.kind == "abuse"
    assert result.notes == ["held-out part: 20 % of articles held out (split by article_id)"]


def test_the_policy_figures_follow_from_the_scores(sets, tmp_path):
    installed, _embedded = sets
    installed["c3"] = hand_set()
    metrics = evaluate.evaluate_abuse_set(KeywordAbuseModel(), "c3", tmp_path, tmp_path / "out").metrics
    assert metrics["n"] == 6 and metrics["positives"] == 3
    assert metrics["roc_auc"] == pytest.approx(6 / 9)  # ties count half
    assert metrics["recall_at_hold"] == pytest.approx(2 / 3) and metrics["precision_at_hold"] == pytest.approx(2 / 3)
    assert metrics["over_moderation"] == pytest.approx(1 / 3) and metrics["under_moderation"] == pytest.approx(1 / 3)
    assert metrics["hold_threshold"] == 0.5 and metrics["reject_threshold"] == 0.9


def test_categories_are_scored_only_where_the_set_labels_them(sets, tmp_path):
    installed, _embedded = sets
    installed["c3"] = hand_set()
    metrics = evaluate.evaluate_abuse_set(KeywordAbuseModel(), "c3", tmp_path, tmp_path / "out").metrics
    assert set(metrics["categories"]) == {"insult"}  # the set says nothing of threats
    assert metrics["categories"]["insult"]["positives"] == 3
    assert metrics["categories"]["insult"]["roc_auc"] == pytest.approx(6 / 9)


def test_a_category_the_model_has_but_the_set_lacks_is_skipped(sets, tmp_path):
    installed, _embedded = sets
    data = hand_set("wiki")
    del data.categories["insult"]
    installed["wiki"] = data
    result = evaluate.evaluate_abuse_set(KeywordAbuseModel(), "wiki", tmp_path, tmp_path / "out")
    assert result.metrics["categories"] == {}
    assert result.notes == ["held-out part: whole set, never trained on"]


def test_the_worst_mistakes_are_the_missed_abuse_and_the_false_alarms(sets, tmp_path):
    installed, _embedded = sets
    installed["c3"] = hand_set()
    mistakes = evaluate.evaluate_abuse_set(KeywordAbuseModel(), "c3", tmp_path, tmp_path / "out").mistakes
    missed = mistakes["abusive comments scored lowest (missed)"]
    alarms = mistakes["legitimate comments scored highest (false alarms)"]
    assert missed[0] == (0.05, "you are wrong and I hate it") and len(missed) == 3
    assert alarms[0] == (0.95, "the idiot box is slang for television") and len(alarms) == 3


def test_a_set_without_held_out_rows_reports_empty_figures_instead_of_failing(sets, tmp_path):
    installed, _embedded = sets
    data = hand_set()
    installed["c3"] = data.subset(data.split == "train")
    result = evaluate.evaluate_abuse_set(KeywordAbuseModel(), "c3", tmp_path, tmp_path / "out")
    assert result.metrics["n"] == 0 and result.metrics["roc_auc"] is None
    assert result.metrics["over_moderation"] is None and result.metrics["categories"] == {}
    assert all(rows == [] for rows in result.mistakes.values())


def test_the_worst_lists_stop_at_the_asked_length():
    prob = np.linspace(0, 1, 40)
    y = np.arange(40) % 2
    worst = evaluate._worst([f"t{i}" for i in range(40)], y, prob, k=4)
    missed, alarms = worst.values()
    assert [text for _p, text in missed] == ["t1", "t3", "t5", "t7"]
    assert [text for _p, text in alarms] == ["t38", "t36", "t34", "t32"]


def test_the_roc_and_precision_recall_plot_is_written(sets, tmp_path):
    installed, _embedded = sets
    installed["ucc"] = hand_set("ucc")
    result = evaluate.evaluate_abuse_set(KeywordAbuseModel(), "ucc", tmp_path, tmp_path / "out")
    assert result.plots == [tmp_path / "out" / "abuse-ucc.png"]
    assert result.plots[0].stat().st_size > 1000


def test_the_fairness_check_measures_holds_of_neutral_and_hostile_identity_sentences(sets, tmp_path):
    installed, embedded = sets
    texts = [
        "gay people are lovely",
        "muslim people are kind",
        "christian people are idiot scum",
        "jewish people are nice",
        "you are an idiot for being deaf",
    ]
    labels = np.array([0, 0, 1, 0, 1], np.int8)
    installed["bias_madlibs"] = AbuseSet("bias_madlibs", texts, labels, np.array(texts), np.array(["test"] * 5))
    result = evaluate.evaluate_bias_madlibs(KeywordAbuseModel(), tmp_path)
    assert result.kind == "fairness" and embedded == ["bias_madlibs-sample"]
    assert result.metrics["n"] == 5 and result.metrics["roc_auc"] == 1.0
    assert result.metrics["not_bad_held_share"] == 0.0 and result.metrics["bad_held_share"] == 1.0
    assert result.metrics["target_not_bad_held_share"] == 0.05


def test_the_fairness_check_scores_a_fixed_sample_of_a_large_set(sets, tmp_path, monkeypatch):
    installed, _embedded = sets
    monkeypatch.setattr(evaluate, "BIAS_SAMPLE", 7)
    texts = [f"sentence {i} about people" for i in range(20)]
    installed["bias_madlibs"] = AbuseSet(
        "bias_madlibs", texts, np.array([0, 1] * 10, np.int8), np.array(texts), np.array(["test"] * 20)
    )
    first, second = KeywordAbuseModel(), KeywordAbuseModel()
    assert evaluate.evaluate_bias_madlibs(first, tmp_path).metrics["n"] == 7
    evaluate.evaluate_bias_madlibs(second, tmp_path)
    assert first.scored == second.scored  # the same sample each run


def test_the_disguise_check_starts_from_the_abusive_comments_the_model_holds(sets, tmp_path):
    installed, embedded = sets
    for name in evaluate.ROBUSTNESS_SETS:
        installed[name] = hand_set(name)
    model = KeywordAbuseModel()
    result = evaluate.evaluate_robustness(model, tmp_path)
    # Two held-out abusive comments per set are held; the third is missed to begin with.
    assert result.metrics["originals_caught"] == 6
    assert not any("training comment" in text for text in model.scored)  # training rows are never disguised
    assert set(embedded) == set(evaluate.ROBUSTNESS_SETS) | {f"robustness-{kind}" for kind in PERTURBATIONS}


def test_each_disguise_gets_its_own_catch_ratio(sets, tmp_path):
    installed, _embedded = sets
    for name in evaluate.ROBUSTNESS_SETS:
        installed[name] = hand_set(name)
    metrics = evaluate.evaluate_robustness(KeywordAbuseModel(), tmp_path).metrics
    assert metrics["catch_ratio_spacing"] == 1.0  # this model reads through spaces
    assert metrics["catch_ratio_dropped_letters"] == 0.0  # but not through a missing letter
    assert set(metrics) == {"originals_caught", "hold_threshold", "target_ratio"} | {
        f"catch_ratio_{kind}" for kind in PERTURBATIONS
    }


def test_the_disguise_check_lists_the_lowest_scored_rewrites(sets, tmp_path):
    installed, _embedded = sets
    for name in evaluate.ROBUSTNESS_SETS:
        installed[name] = hand_set(name)
    mistakes = evaluate.evaluate_robustness(KeywordAbuseModel(), tmp_path).mistakes
    dropped = mistakes["dropped_letters: disguised comments scored lowest"]
    assert len(dropped) == 5 and all(score == 0.05 for score, _text in dropped)
    assert all("idiot" not in text and "moron" not in text for _s, text in dropped)


def test_with_nothing_caught_the_catch_ratios_are_unknown(sets, tmp_path):
    installed, _embedded = sets
    for name in evaluate.ROBUSTNESS_SETS:
        data = hand_set(name)
        installed[name] = data.subset(np.array([("idiot" not in t and "moron" not in t) for t in data.texts]))
    metrics = evaluate.evaluate_robustness(KeywordAbuseModel(), tmp_path).metrics
    assert metrics["originals_caught"] == 0
    assert all(metrics[f"catch_ratio_{kind}"] is None for kind in PERTURBATIONS)


# --------------------------------------------------------------------------- relevance


class SimilarityRelevanceModel:
    """P(on-topic) rises with the similarity; the comment vector plays no part."""

    recommended_thresholds = {"hold": 0.5}
    _generic = np.zeros((1, 3))

    def source_logit(self, source, similarity, generic):
        return 10.0 * (similarity - 0.5)

    def combine(self, source_logits, comment_vecs):
        assert len(comment_vecs) == len(source_logits)
        return np.asarray(source_logits)


class Corpus:
    def __init__(self, name, texts):
        self.name = name
        self.comment_texts = texts
        self.comment_vecs = fakes.embed(texts)


def pairs_from(rows):
    """Pairs and features as collect_pairs gives them, from rows of
    (source, kind, split, label, comment index, similarity)."""
    pairs = {
        "source": np.array([r[0] for r in rows]),
        "kind": np.array([r[1] for r in rows]),
        "split": np.array([r[2] for r in rows]),
        "label": np.array([r[3] for r in rows], float),
        "comment_index": np.array([r[4] for r in rows]),
    }
    feats = np.column_stack([[r[5] for r in rows], np.zeros(len(rows))])
    return pairs, feats


def relevance_pairs():
    """Four test comments judged against their thread and one other; two training pairs."""
    rows = [
        # source, kind, split, label, comment, similarity
        ("thread", "own", "test", 1, 0, 0.9),
        ("thread", "other", "test", 0, 0, 0.2),
        ("thread", "own", "test", 1, 1, 0.4),
        ("thread", "other", "test", 0, 1, 0.6),
        ("thread", "own", "test", 0, 2, 0.1),
        ("thread", "other", "test", 0, 2, 0.05),
        ("thread", "own", "test", 0, 3, 0.8),
        ("thread", "other", "test", 0, 3, 0.3),
        ("parent", "own", "test", 1, 0, 0.7),
        ("parent", "other", "test", 0, 0, 0.1),
        ("thread", "own", "train", 1, 4, 0.0),
        ("thread", "other", "train", 0, 4, 1.0),
    ]
    return pairs_from(rows)


@pytest.fixture
def relevance_results(monkeypatch, tmp_path):
    texts = ["on topic and close", "on topic but far", "off topic and far", "off topic but close", "training"]
    pairs, feats = relevance_pairs()
    seen = {}

    def collect(data_dir, cache_dir=None, prototypes=None):
        seen["prototypes"] = prototypes
        return [(Corpus("c3", texts), pairs, feats)]

    monkeypatch.setattr(train_relevance, "collect_pairs", collect)
    model = SimilarityRelevanceModel()
    results = evaluate.evaluate_relevance(model, tmp_path, tmp_path / "out")
    assert seen["prototypes"] is model._generic  # the shipped prototypes, not fresh ones
    return results


def test_relevance_is_measured_per_source_on_test_pairs_only(relevance_results):
    (result,) = relevance_results
    metrics = result.metrics
    assert result.name == "relevance-c3" and result.kind == "relevance"
    # thread, own vs other: 4 own (0.9, 0.4, 0.1, 0.8) against 4 other (0.2, 0.6, 0.05, 0.3).
    assert metrics["thread_own_vs_other_roc_auc"] == pytest.approx(12 / 16)
    assert metrics["thread_real_labels_roc_auc"] == pytest.approx(3 / 4)  # (0.9, 0.4) against (0.1, 0.8)
    assert metrics["thread_on_topic_held_share"] == 0.5 and metrics["thread_off_topic_held_share"] == 0.5
    assert metrics["thread_other_context_held_share"] == 0.75
    assert metrics["parent_own_vs_other_roc_auc"] == 1.0
    assert metrics["parent_real_labels_roc_auc"] is None  # one label only
    # No off-topic parent pair: its held share is unknown, not NaN (which metrics.json cannot hold).
    assert metrics["parent_off_topic_held_share"] is None and metrics["parent_on_topic_held_share"] == 0.0
    assert "article_own_vs_other_roc_auc" not in metrics  # no article pairs in this corpus


def test_semeval_questions_are_judged_as_articles(monkeypatch, tmp_path):
    rows = [
        ("article", "own", "test", 1, 0, 0.9),
        ("article", "other", "test", 0, 0, 0.3),
        ("article", "own", "test", 0, 1, 0.2),
        ("article", "other", "test", 0, 1, 0.1),
    ]
    pairs, feats = pairs_from(rows)
    corpus = Corpus("semeval", ["about the visa", "about football"])
    monkeypatch.setattr(
        train_relevance, "collect_pairs", lambda data_dir, cache_dir=None, prototypes=None: [(corpus, pairs, feats)]
    )
    (result,) = evaluate.evaluate_relevance(SimilarityRelevanceModel(), tmp_path, tmp_path / "out")
    assert result.name == "relevance-semeval" and result.notes == ["SemEval-2015 CQA test split; the question is the article"]
    assert result.metrics["article_own_vs_other_roc_auc"] == 0.75 and result.metrics["article_real_labels_roc_auc"] == 1.0
    assert not any(key.startswith(("thread_", "parent_")) for key in result.metrics)
    assert [text for _p, text in result.mistakes["off-topic comments judged most relevant"]] == ["about football"]


def test_relevance_mistakes_name_on_topic_comments_held_and_off_topic_ones_passed(relevance_results):
    (result,) = relevance_results
    least = result.mistakes["on-topic comments judged least relevant"]
    most = result.mistakes["off-topic comments judged most relevant"]
    assert [text for _p, text in least] == ["on topic but far", "on topic and close"]
    assert [text for _p, text in most] == ["off topic but close", "off topic and far"]
    assert "C3 held-out articles" in result.notes[0]
    assert result.plots and result.plots[0].exists()
