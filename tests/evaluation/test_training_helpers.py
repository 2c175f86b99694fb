"""The training recipes' small decisions, on synthetic data: repairs of evasive spellings,
thresholds that keep their promised error budgets, balanced weights and logistic heads."""

from __future__ import annotations

import numpy as np
import pytest

from commentdesk.evaluation import train_abuse, train_harm, train_relevance


def test_dropped_letter_spellings_of_abusive_words_are_repaired():
    abusive = [f"you are a bitch number {n}" for n in range(5)] + ["total btch", "what a btch"]
    calm = [f"a calm note about the bench number {n}" for n in range(10)]
    repairs = train_abuse.derive_repairs_from_texts(abusive, abusive + calm)
    assert repairs.get("btch") == "bitch"


def test_a_spelling_that_is_a_word_of_civil_comments_is_never_repaired():
    normalised = ["shit happens"] * 5 + ["sit down please", "sit here"]
    labels = np.array([1] * 5 + [0, 0])
    repairs = train_abuse.repairs_from_words(normalised, labels, np.ones(len(labels), bool))
    assert "sit" not in repairs


def test_words_common_in_civil_comments_are_not_marks_of_abuse():
    normalised = ["council budget idiot"] * 4 + ["council budget plan"] * 4
    labels = np.array([1] * 4 + [0] * 4)
    repairs = train_abuse.repairs_from_words(normalised, labels, np.ones(8, bool))
    assert all(word != "council" for word in repairs.values())
    assert "idot" in repairs and repairs["idot"] == "idiot"


def test_a_spelling_shared_by_two_abusive_words_is_left_alone():
    normalised = ["bitch"] * 4 + ["butch"] * 4 + ["hello there"] * 8
    labels = np.array([1] * 8 + [0] * 8)
    repairs = train_abuse.repairs_from_words(normalised, labels, np.ones(16, bool))
    assert "btch" not in repairs  # b_tch could be either


def test_rows_outside_the_counted_sets_do_not_make_a_word_abusive():
    normalised = ["celebrityname"] * 6 + ["hello"] * 6
    labels = np.array([1] * 6 + [0] * 6)
    counted = np.array([False] * 6 + [True] * 6)
    assert train_abuse.repairs_from_words(normalised, labels, counted) == {}


def test_thresholds_hold_about_the_budget_of_legitimate_comments():
    rng = np.random.default_rng(0)
    legit = rng.uniform(0, 0.6, 1000)
    abusive = rng.uniform(0.4, 1.0, 1000)
    prob = np.concatenate([legit, abusive])
    y = np.concatenate([np.zeros(1000), np.ones(1000)])
    chosen = train_abuse.choose_thresholds(prob, y, max_false_hold=0.05)
    # The hold level is the legitimate scores' 95th percentile itself, rounded to 3 decimals: it
    # holds the budget give or take a comment or two.
    assert 0.04 <= np.mean(legit >= chosen["hold"]) <= 0.055
    assert chosen["reject"] >= max(0.9, chosen["hold"] + 0.1)
    flagged = prob >= chosen["reject"]
    assert y[flagged].mean() >= 0.9


def test_a_useless_score_gets_the_safe_default_reject_level():
    prob = np.full(100, 0.5)
    y = np.array([0, 1] * 50)
    chosen = train_abuse.choose_thresholds(prob, y)
    assert chosen["reject"] >= 0.9 and chosen["hold"] >= 0.05


def test_a_very_high_hold_level_caps_the_reject_level_at_one():
    # Legitimate comments that score near 1 push the hold level past 0.9: the reject level stays a
    # probability (1.0: nothing below certainty is rejected) and is never below the hold level.
    prob = np.concatenate([np.linspace(0.9, 0.999, 100), np.full(100, 0.999)])
    y = np.concatenate([np.zeros(100), np.ones(100)])
    chosen = train_abuse.choose_thresholds(prob, y)
    assert chosen["hold"] > 0.9
    assert chosen["reject"] == 1.0


def test_news_sets_weigh_the_same_whatever_their_size():
    sets = np.array(["c3"] * 10 + ["ucc"] * 30 + ["seeds"] * 2 + ["olid"] * 5)
    weights = train_abuse.news_balance_weights(sets)
    assert weights[sets == "c3"].sum() == pytest.approx(weights[sets == "ucc"].sum())
    assert np.all(weights[sets == "seeds"] == weights[sets == "c3"][0])
    assert np.all(weights[sets == "olid"] == 1.0)
    assert np.all(train_abuse.news_balance_weights(np.array(["olid", "wiki"])) == 1.0)


def test_a_logistic_fit_separates_separable_data():
    x = np.array([[0.0], [0.1], [0.9], [1.0]])
    w, b = train_abuse.fit_logistic(x, np.array([0, 0, 1, 1]), c=10.0)
    assert w[0] > 0 and (x[:, 0] * w[0] + b > 0).tolist() == [False, False, True, True]


def test_a_harm_head_balances_its_classes_and_ignores_unlabelled_rows():
    x = np.array([[0.0, 1.0]] * 20 + [[1.0, 0.0]] * 2 + [[5.0, 5.0]] * 3)
    y = np.array([0.0] * 20 + [1.0] * 2 + [np.nan] * 3)
    w, b = train_harm.fit_head(x, y, np.ones(len(y)))
    scores = train_harm._sigmoid(x @ w + b)
    assert scores[20] > 0.5 > scores[0]  # two positives are not drowned by twenty negatives
    assert w.dtype == np.float32


def test_out_of_fold_scores_come_from_heads_that_never_saw_the_row():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(60, 3))
    y = (x[:, 0] > 0).astype(float)
    scores = train_harm.out_of_fold(x, y, np.ones(60), folds=3)
    assert scores.shape == (60,) and not np.isnan(scores).any()
    assert np.mean((scores > 0.5) == (y == 1)) > 0.8


def test_the_lowest_threshold_keeps_every_group_within_budget():
    groups = [np.linspace(0, 1, 101), np.linspace(0, 0.5, 101)]
    level = train_harm.lowest_threshold(groups, budget=0.1)
    for scores in groups:
        assert np.mean(scores >= level) <= 0.1
    assert train_harm.lowest_threshold([], 0.1) == train_harm.lowest_threshold([np.array([])], 0.1)
    assert train_harm.lowest_threshold([np.array([1.0, 1.0])], 0.0) == 0.99  # never above the cap


def test_the_relevance_hold_threshold_holds_few_on_topic_pairs():
    prob = np.linspace(0, 1, 201)
    label = np.ones(201)
    threshold = train_relevance.choose_hold_threshold(prob, label, max_false_hold=0.05)
    assert np.mean(prob[label == 1] < threshold) <= 0.05
    mixed = train_relevance.choose_hold_threshold(np.array([0.1, 0.9, 0.8, 0.2]), np.array([0, 1, 1, 0]))
    assert mixed == 0.8
