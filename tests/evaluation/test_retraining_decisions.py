"""What `commentdesk train` learns from the moderators' decisions, how it words that, how it names
the new weights, and how it weighs a new model against the current one (stand-in models that
score by keyword, so each verdict follows from the decisions)."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest
from tests.evaluation.fakes import WordEmbedder

from commentdesk.evaluation import retraining
from commentdesk.moderation.models import abuse_finetuned, embedder


def decision(label, text="a comment", title="An article"):
    return {"label": label, "text": text, "article_title": title}


def test_only_approvals_and_abusive_rejections_are_training_examples():
    labels = [
        decision("abusive", "you fool", "Rates"),
        decision("ok", "fair point", "Rates"),
        decision("off_topic", "nice cake"),
        decision("spam", "buy now"),
        decision("other", "hmm"),
    ]
    assert retraining.abuse_examples(labels) == [("you fool", 1, "Rates"), ("fair point", 0, "Rates")]


def test_the_description_counts_what_is_used_and_says_why_the_rest_is_not():
    labels = [decision("abusive")] * 2 + [decision("ok")] * 3 + [decision("spam")] + [decision("other")]
    text = retraining.describe_decisions(labels)
    lines = text.splitlines()
    assert lines[0] == "7 moderator decisions found; the abuse model learns from 5: 2 rejected as abusive, 3 approved."
    assert lines[1].startswith("not used: 1 spam rejections")
    assert not any("off-topic" in line for line in lines)  # no off-topic decisions: no line for them
    assert lines[-1] == 'Rejections for "other" and undone decisions are not training data.'


def test_off_topic_rejections_are_counted_and_left_to_the_relevance_model():
    text = retraining.describe_decisions([decision("off_topic")] * 4 + [decision("ok")])
    assert "the abuse model learns from 1: 0 rejected as abusive, 1 approved." in text
    assert "not used: 4 off-topic rejections (they say nothing about abuse" in text
    assert "spam" not in text


def test_no_decisions_split_into_nothing_on_either_side():
    assert retraining.split_decisions([]) == ([], [])


def test_the_description_of_no_decisions_still_reads_as_a_sentence():
    text = retraining.describe_decisions([])
    assert text.startswith("0 moderator decisions found; the abuse model learns from 0:")
    assert "not used" not in text


def test_news_figures_prefer_the_held_out_figures_over_cross_validation():
    meta = {
        "held_out_roc_auc": {"c3": {"roc_auc": 0.9, "seen_in_training": True}, "wiki": {"roc_auc": None}},
        "cross_validated_roc_auc": {"c3": 0.5},
    }
    assert retraining.news_figures(meta) == {"c3": 0.9, "wiki": None}
    assert retraining.news_figures({"cross_validated_roc_auc": {"c3": 0.8, "ucc": 0.7}}) == {"c3": 0.8, "ucc": 0.7}
    assert retraining.news_figures({}) == {}


@pytest.mark.parametrize(
    ("shipped", "today", "expected"),
    [
        ("abuse-2026.03.04-2", date(2026, 3, 4), "abuse-2026.03.04-3"),  # counts up on the same day
        ("abuse-2026.03.03-7", date(2026, 3, 4), "abuse-2026.03.04-1"),  # a new day starts at 1
        ("abuse-2026.03.04-ft1", date(2026, 3, 4), "abuse-2026.03.04-1"),  # another naming scheme
        ("relevance-2026.03.04-2", date(2026, 3, 4), "abuse-2026.03.04-1"),  # another kind of model
    ],
)
def test_the_next_version_never_repeats_a_shipped_one(tmp_path, shipped, today, expected):
    meta = tmp_path / "abuse.json"
    meta.write_text(json.dumps({"version": shipped}))
    assert retraining.next_version("abuse", meta, today) == expected


def test_the_next_version_starts_at_one_when_the_shipped_file_is_missing_or_broken(tmp_path):
    assert retraining.next_version("harm", tmp_path / "missing.json", date(2026, 1, 2)) == "harm-2026.01.02-1"
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert retraining.next_version("harm", broken, date(2026, 1, 2)) == "harm-2026.01.02-1"


# --------------------------------------------------------------------------- new model against current


class LinearStyleModel:
    """An earlier-kind model: P(abusive) from listed words; it is handed the sentence embeddings."""

    def __init__(self, words, news):
        self.words = words
        self.meta = {"held_out_roc_auc": {name: {"roc_auc": value} for name, value in news.items()}}
        self.seen_embeddings = None

    def probabilities(self, texts, embeddings=None):
        self.seen_embeddings = embeddings
        return np.array([0.9 if any(w in t for w in self.words) else 0.1 for t in texts]), None


class KeywordModel(LinearStyleModel):
    """A fine-tuned-style model: it has ``branch_state`` and encodes texts itself."""

    branch_state = object()

    def probabilities(self, texts):
        return super().probabilities(texts)


HELD_BACK = [("you idiot", 1, "a"), ("what a moron", 1, "b"), ("fair point", 0, "c"), ("the moron in the story", 0, "d")]


@pytest.fixture
def models(monkeypatch, tmp_path):
    """Install models by folder: tmp_path/'current' and tmp_path/'new'."""
    installed = {}

    def load(weights_dir=None):
        if weights_dir.name not in installed:
            raise abuse_finetuned.ModelLoadError("nothing there")
        return installed[weights_dir.name]

    monkeypatch.setattr(abuse_finetuned, "load_abuse_model", load)
    return installed, tmp_path / "current", tmp_path / "new"


def test_a_new_model_better_on_the_held_back_decisions_and_as_good_on_news_is_installed(models):
    installed, current, new = models
    installed["current"] = KeywordModel(["idiot"], {"c3": 0.90, "ucc": 0.85})
    installed["new"] = KeywordModel(["idiot", "what a moron"], {})
    result = retraining.compare_with_current(
        current, new, {"held_out_roc_auc": {"c3": {"roc_auc": 0.897}, "ucc": {"roc_auc": 0.86}}}, HELD_BACK
    )
    assert result["news_sets"] == {"c3": {"current": 0.90, "new": 0.897}, "ucc": {"current": 0.85, "new": 0.86}}
    assert result["decisions"] == {"held_back": 4, "current": 0.75, "new": 1.0}
    assert result["better"] is True


def test_a_new_model_worse_on_a_news_set_is_refused_however_it_does_on_decisions(models):
    installed, current, new = models
    installed["current"] = KeywordModel(["idiot"], {"c3": 0.90, "ucc": 0.85})
    installed["new"] = KeywordModel(["idiot", "what a moron"], {})
    meta = {"held_out_roc_auc": {"c3": {"roc_auc": 0.89}, "ucc": {"roc_auc": 0.95}}}
    assert retraining.compare_with_current(current, new, meta, HELD_BACK)["better"] is False


def test_with_no_current_model_any_working_new_one_is_better(models):
    installed, current, new = models
    installed["new"] = KeywordModel(["idiot"], {})
    result = retraining.compare_with_current(current, new, {"cross_validated_roc_auc": {"c3": 0.8}}, HELD_BACK)
    assert result["news_sets"] == {"c3": {"current": None, "new": 0.8}}
    assert result["decisions"]["current"] is None and result["decisions"]["new"] == 0.75
    assert result["better"] is True


def test_an_earlier_kind_of_model_is_scored_with_sentence_embeddings(models, monkeypatch):
    installed, current, new = models
    installed["current"] = old = LinearStyleModel(["idiot"], {"c3": 0.9})
    installed["new"] = KeywordModel(["idiot", "what a moron"], {})
    fake = WordEmbedder()
    monkeypatch.setattr(embedder, "shared_embedder", lambda: fake)
    result = retraining.compare_with_current(current, new, {"held_out_roc_auc": {"c3": {"roc_auc": 0.9}}}, HELD_BACK)
    assert old.seen_embeddings.shape == (4, 384) and fake.encoded == [t for t, _l, _g in HELD_BACK]
    assert result["better"] is True


def test_decisions_of_one_kind_only_leave_the_verdict_to_the_news_sets(models):
    installed, current, new = models
    installed["current"] = KeywordModel(["idiot"], {"c3": 0.80, "ucc": 0.80})
    installed["new"] = KeywordModel([], {})
    only_abusive = [("you idiot", 1, "a"), ("moron", 1, "b")]
    meta = {"held_out_roc_auc": {"c3": {"roc_auc": 0.82}, "ucc": {"roc_auc": 0.80}}}
    result = retraining.compare_with_current(current, new, meta, only_abusive)
    assert result["decisions"] is None and result["better"] is True
    same = {"held_out_roc_auc": {"c3": {"roc_auc": 0.80}, "ucc": {"roc_auc": 0.80}}}
    assert retraining.compare_with_current(current, new, same, only_abusive)["better"] is False
