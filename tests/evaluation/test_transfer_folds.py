"""Leave-one-source-out transfer: each fold trains without the held-out set (and with the seeds),
every set is capped the same way, results are written after each fold and a rerun resumes. A
stand-in trainer records what each fold learned from and scores by keyword."""

from __future__ import annotations

import json

import numpy as np
import pytest
from tests.evaluation import fakes

from commentdesk.evaluation import abuse_corpus, train_abuse_encoder, transfer
from commentdesk.evaluation.abuse_corpus import Part
from commentdesk.evaluation.trunk_cache import TrunkStates
from commentdesk.moderation.models import abuse
from commentdesk.moderation.models.abuse_encoder import HEADS


def part(name: str, n: int = 10, abusive_every: int = 2) -> Part:
    labels = np.array([1 if i % abusive_every == 0 else 0 for i in range(n)], np.int8)
    texts = [fakes.abusive_text(i) if labels[i] else fakes.civil_text(i) for i in range(n)]
    states = TrunkStates(np.zeros((n, 384), np.float16), np.arange(n + 1, dtype=np.int64), fakes.embed(texts))
    return Part(
        name,
        texts,
        labels.astype(np.float32),
        labels,
        np.full((n, len(HEADS)), np.nan, np.float32),
        np.array([f"{name}:{i}" for i in range(n)]),
        states,
    )


class Trained:
    def __init__(self, parts):
        self.parts = parts

    def score_part(self, target: Part) -> np.ndarray:
        return np.array([0.9 if any(w in t for w in fakes.INSULTS) else 0.1 for t in target.texts])

    def branch_logit(self, target: Part) -> np.ndarray:
        """The stand-in branch ranks the test rows backwards: unlike the stacked score."""
        return -self.score_part(target)


@pytest.fixture
def trainer(monkeypatch):
    folds: list[dict[str, int]] = []

    def train_model(parts, desc=""):
        folds.append({p.name: len(p) for p in parts})
        return Trained(parts)

    monkeypatch.setattr(train_abuse_encoder, "train_model", train_model)
    return folds


def loaded(names=("c3", "ucc", "olid"), rows=10):
    train = {name: part(name, rows) for name in names}
    test = {name: part(name, 6) for name in names + transfer.EVAL_ONLY_SETS}
    return train, test, part("seeds", 4)


def test_each_fold_learns_from_every_other_set_and_the_seeds(tmp_path, trainer):
    transfer.run_transfer(tmp_path, tmp_path / "t.json", folds=("c3", "ucc"), sets=("c3", "ucc", "olid"), loaded=loaded())
    assert trainer == [{"ucc": 10, "olid": 10, "seeds": 4}, {"c3": 10, "olid": 10, "seeds": 4}]


def test_every_training_set_is_capped_but_the_seeds_are_not(tmp_path, trainer):
    transfer.run_transfer(
        tmp_path,
        tmp_path / "t.json",
        folds=("c3",),
        cap=3,
        sets=("c3", "ucc", "olid"),
        loaded=(loaded()[0], loaded()[1], part("seeds", 8)),
    )
    assert trainer == [{"ucc": 3, "olid": 3, "seeds": 8}]


def test_sets_outside_the_chosen_ones_are_never_trained_on(tmp_path, trainer):
    results = transfer.run_transfer(tmp_path, tmp_path / "t.json", folds=("c3",), sets=("c3", "ucc"), loaded=loaded())
    assert trainer == [{"ucc": 10, "seeds": 4}]
    assert results["sets"] == ["c3", "ucc"] and results["fold_cap"] == transfer.FOLD_CAP


def test_a_fold_is_scored_on_the_held_out_sets_test_rows_and_the_evaluation_only_sets(tmp_path, trainer):
    results = transfer.run_transfer(tmp_path, tmp_path / "t.json", folds=("ucc",), sets=("c3", "ucc"), loaded=loaded())
    fold = results["folds"]["ucc"]
    assert fold["roc_auc"] == 1.0 and fold["rows"] == 6 and fold["abusive"] == 3
    assert fold["roc_auc_wiki"] == 1.0 and fold["seconds"] >= 0
    assert fold["roc_auc_branch"] == 0.0  # the branch's logit alone, beside the stacked score
    assert results["mean_roc_auc"] == 1.0 and results["worst_roc_auc"] == 1.0


def test_results_are_written_and_a_rerun_only_trains_the_missing_folds(tmp_path, trainer):
    out = tmp_path / "deep" / "transfer.json"
    transfer.run_transfer(tmp_path, out, folds=("c3",), sets=("c3", "ucc", "olid"), loaded=loaded())
    stored = json.loads(out.read_text())
    assert list(stored["folds"]) == ["c3"] and not out.with_suffix(".tmp").exists()
    stored["folds"]["c3"]["roc_auc"] = 0.5  # as if an earlier run had found this
    out.write_text(json.dumps(stored))
    results = transfer.run_transfer(tmp_path, out, folds=("c3", "ucc"), sets=("c3", "ucc", "olid"), loaded=loaded())
    assert len(trainer) == 2  # one fold the first time, only the new one after
    assert results["folds"]["c3"]["roc_auc"] == 0.5
    assert results["mean_roc_auc"] == pytest.approx(0.75) and results["worst_roc_auc"] == 0.5
    assert json.loads(out.read_text()) == results


def test_folds_without_a_figure_do_not_count_in_the_summary(tmp_path, trainer):
    train, test, seeds = loaded()
    test["olid"] = part("olid", 4, abusive_every=1)  # abusive rows only: no ROC-AUC
    results = transfer.run_transfer(
        tmp_path, tmp_path / "t.json", folds=("olid",), sets=("c3", "olid"), loaded=(train, test, seeds)
    )
    assert results["folds"]["olid"]["roc_auc"] is None
    assert results["mean_roc_auc"] is None and results["worst_roc_auc"] is None


def test_without_parts_in_memory_they_are_read_with_the_test_sets_named_once(tmp_path, trainer, monkeypatch):
    asked = []

    def load_parts(names, data_dir, split, cache_dir=None):
        asked.append((names, split))
        return {name: part(name, 6) for name in names}

    monkeypatch.setattr(transfer, "load_parts", load_parts)
    monkeypatch.setattr(transfer, "seeds_part", lambda cache_dir=None: part("seeds", 2))
    transfer.run_transfer(tmp_path, tmp_path / "t.json", folds=("c3", "wiki"), sets=("c3", "ucc"))
    assert asked == [(("c3", "ucc"), "train"), (("c3", "wiki"), "test")]
    assert trainer[0] == {"ucc": 6, "seeds": 2}


def test_capping_keeps_a_fixed_subset_in_the_original_order():
    big = part("c3", 50)
    first, second = abuse_corpus.capped(big, 20), abuse_corpus.capped(big, 20)
    assert len(first) == 20 and first.texts == second.texts
    positions = [int(g.split(":")[1]) for g in first.groups]
    assert positions == sorted(positions) and len(set(positions)) == 20
    assert first.texts == [big.texts[i] for i in positions]
    assert len(first.states) == 20 and np.array_equal(first.states.embedding, fakes.embed(first.texts))


def test_a_set_within_the_cap_is_kept_whole():
    small = part("c3", 5)
    assert abuse_corpus.capped(small, 5) is small


def test_the_baseline_scores_each_test_set_with_the_previous_model(tmp_path, monkeypatch):
    monkeypatch.setattr(
        transfer, "load_parts", lambda names, data_dir, split, cache_dir=None: {name: part(name, 6) for name in names}
    )
    weights_used = []

    def legacy(target, weights_dir):
        weights_used.append(weights_dir)
        return np.where(target.labels == 1, 0.2, 0.8)  # always wrong

    monkeypatch.setattr(transfer, "legacy_scores", legacy)
    out = transfer.baseline(tmp_path, tmp_path / "old-weights", tmp_path / "baseline.json", folds=("c3",))
    assert out == {"c3": 0.0, "wiki": 0.0}
    assert json.loads((tmp_path / "baseline.json").read_text()) == out
    assert weights_used == [tmp_path / "old-weights"] * 2


def test_legacy_scores_come_from_the_previous_kind_of_model_on_the_cached_embedding(tmp_path, monkeypatch):
    seen = {}

    class Previous:
        def probabilities(self, texts, embeddings):
            seen["embeddings"] = embeddings
            return np.full(len(texts), 0.3), None

    monkeypatch.setattr(abuse.AbuseModel, "load", classmethod(lambda cls, weights_dir=None: Previous()))
    target = part("c3", 4)
    assert transfer.legacy_scores(target, tmp_path).tolist() == [0.3] * 4
    assert seen["embeddings"] is target.states.embedding


def test_the_report_lists_the_known_sets_in_their_usual_order(tmp_path):
    fold = {"rows": 10, "abusive": 4}
    results = {
        "fold_cap": 5,
        "folds": {"olid": {**fold, "roc_auc": 0.7}, "c3": {**fold, "roc_auc": 0.9}, "private_set": {**fold, "roc_auc": 0.1}},
    }
    text = transfer.write_report(results, {"c3": 0.95}, tmp_path, "cmd").read_text()
    assert text.index("| c3 |") < text.index("| olid |") and "private_set" not in text
    assert "- mean: **0.800**, worst: **0.700** (olid)" in text
    assert "| olid | 10 | 4 | 0.700 |  |" in text
    # The previous model lacks a figure for olid: no summary of it that would compare unlike sets.
    assert "previous model on the same sets" not in text
    assert "at most 5 rows per set" in text


def test_the_report_shows_the_branch_logit_alone_when_every_fold_has_it(tmp_path):
    fold = {"rows": 10, "abusive": 4}
    results = {
        "fold_cap": 5,
        "folds": {
            "c3": {**fold, "roc_auc": 0.9, "roc_auc_branch": 0.8},
            "olid": {**fold, "roc_auc": 0.7, "roc_auc_branch": 0.75},
        },
    }
    text = transfer.write_report(results, None, tmp_path, "cmd").read_text()
    assert "| held-out set | rows | abusive | ROC-AUC, trained without it | branch logit alone | previous model |" in text
    assert "| c3 | 10 | 4 | 0.900 | 0.800 |  |" in text
    assert "- the branch's logit alone: mean 0.775, worst 0.750" in text
    # A fold measured before the figure was recorded: the column would compare unlike folds.
    del results["folds"]["olid"]["roc_auc_branch"]
    text = transfer.write_report(results, None, tmp_path, "cmd").read_text()
    assert "branch logit alone" not in text and "| c3 | 10 | 4 | 0.900 |  |" in text
