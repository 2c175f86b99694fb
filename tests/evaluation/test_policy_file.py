"""`commentdesk eval --file`: what a labeled line may say, and the figures the whole policy earns
on it (with canned model outputs, so the figures follow from the rules)."""

from __future__ import annotations

import json

import pytest

from commentdesk.evaluation.policy_eval import LabeledFileError, evaluate_policy_file, load_cases
from commentdesk.moderation.models.abuse import AbuseScore
from commentdesk.moderation.models.relevance import RelevanceScore
from commentdesk.moderation.scorer import Scorer
from commentdesk.moderation.types import ModelSignals

ARTICLE = {"title": "Rates held", "body": "The central bank kept rates at 4.25%."}


class WordModels:
    def load(self):
        return self

    @property
    def versions(self):
        return {"abuse": "words@1"}

    def signals(self, candidate):
        text = candidate.text.lower()
        abuse = 0.99 if "clowns" in text else 0.01
        relevance = 0.05 if "cake" in text else 0.9
        return ModelSignals(
            abuse=AbuseScore(abuse), relevance=RelevanceScore(relevance, relevance, None, "article"), versions=self.versions
        )


def write_lines(path, records):
    path.write_text("\n".join(json.dumps(record) if not isinstance(record, str) else record for record in records) + "\n")
    return path


def test_lines_may_name_an_article_by_key_and_say_expect_or_label(tmp_path):
    articles = tmp_path / "articles.json"
    articles.write_text(json.dumps({"rates": ARTICLE}))
    path = write_lines(
        tmp_path / "cases.jsonl",
        [
            {"article": "rates", "text": "Fine.", "label": "ok"},
            {"article": ARTICLE, "text": "Clowns.", "label": "abusive", "category": "insult"},
            "",
            {"article": "rates", "text": "Cake.", "expect": "not_published", "parent": "Earlier comment"},
        ],
    )
    cases = load_cases(path, articles)
    assert [(c["expect"], c["category"]) for c in cases] == [
        ("publish", "ok"),
        ("not_published", "insult"),
        ("not_published", "not_published"),
    ]
    assert cases[0]["article"] == ARTICLE and cases[2]["parent"] == "Earlier comment"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not JSON"),
        ('{"article": "missing", "text": "x", "label": "ok"}', "is not in --articles"),
        ('{"article": {"title": "t"}, "label": "ok"}', "needs 'article' and 'text'"),
        ('{"article": 5, "text": "x", "label": "ok"}', "needs 'article' and 'text'"),
        ('{"article": {"title": "t"}, "text": "x"}', "needs 'expect'"),
        ('{"article": {"title": "t"}, "text": "x", "expect": "maybe"}', "needs 'expect'"),
        ("[1, 2, 3]", "must be a JSON object"),
        ('"just a string"', "must be a JSON object"),
    ],
)
def test_a_malformed_line_is_refused_with_its_number(tmp_path, line, message):
    path = write_lines(tmp_path / "cases.jsonl", [{"article": ARTICLE, "text": "fine", "label": "ok"}, line])
    with pytest.raises(LabeledFileError, match=rf"cases.jsonl:2: .*{message}"):
        load_cases(path, None)


def test_the_whole_policy_earns_its_figures_on_the_file(tmp_path):
    path = write_lines(
        tmp_path / "cases.jsonl",
        [
            {"article": ARTICLE, "text": "Holding is right while services inflation stays high.", "label": "ok"},
            {"article": ARTICLE, "text": "The bank should have cut, inflation is falling fast.", "label": "ok"},
            {"article": ARTICLE, "text": "Does anyone have a good lemon cake recipe to share?", "label": "ok"},
            {"article": ARTICLE, "text": "Only clowns run this central bank, honestly.", "label": "abusive"},
            {"article": ARTICLE, "text": "Best lemon cake recipe, anyone, with almonds please?", "label": "off_topic"},
            {"article": ARTICLE, "text": "The governor spoke well and clearly about the decision.", "label": "abusive"},
        ],
    )
    result = evaluate_policy_file(path, None, tmp_path / "out", scorer=Scorer(models=WordModels()))
    metrics = result.metrics
    assert (metrics["n"], metrics["legitimate"], metrics["should_not_publish"]) == (6, 3, 3)
    assert metrics["over_moderation"] == pytest.approx(1 / 3, abs=1e-4)  # the cake question held as off-topic
    assert metrics["under_moderation"] == pytest.approx(1 / 3, abs=1e-4)  # the mislabeled civil comment published
    assert metrics["accuracy"] == pytest.approx(4 / 6, abs=1e-4)
    assert metrics["decisions"]["publish"] == 3
    assert metrics["per_category"]["off_topic"] == {"n": 1, "correct": 1, "share_correct": 1.0}
    assert metrics["abuse_roc_auc"] is not None and metrics["relevance_roc_auc"] is not None
    assert result.name == "policy:cases.jsonl" and result.plots and result.plots[0].exists()
    assert [text for _score, text in result.mistakes["should not publish but published"]] == [
        "[abusive] The governor spoke well and clearly about the decision."
    ]
    assert result.mistakes["legitimate but not published"][0][1].startswith("[hold: off_topic]")


def test_a_file_of_legitimate_comments_only_has_no_under_moderation_figure(tmp_path):
    path = write_lines(
        tmp_path / "cases.jsonl", [{"article": ARTICLE, "text": "Sensible decision on rates by the bank.", "label": "ok"}]
    )
    metrics = evaluate_policy_file(path, None, tmp_path / "out", scorer=Scorer(models=WordModels())).metrics
    assert metrics["under_moderation"] is None and metrics["over_moderation"] == 0.0 and "abuse_roc_auc" not in metrics
