"""The full-policy evaluation reports what a newsroom asks: over- and under-moderation, per category."""

import json
from pathlib import Path

import pytest

from commentdesk.evaluation.policy_eval import LabeledFileError, evaluate_policy_file, load_cases
from commentdesk.moderation.scorer import Scorer

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.mark.models
def test_policy_evaluation_on_the_labeled_fixture(models, tmp_path):
    result = evaluate_policy_file(
        FIXTURES / "labeled_comments.jsonl", FIXTURES / "articles.json", tmp_path, Scorer(models=models)
    )
    metrics = result.metrics
    assert metrics["n"] == metrics["legitimate"] + metrics["should_not_publish"]
    assert metrics["over_moderation"] == 0.0 and metrics["under_moderation"] == 0.0
    assert set(metrics["per_category"]) >= {"on_topic", "sharp_criticism", "insult", "threat", "off_topic", "spam"}
    assert metrics["abuse_roc_auc"] > 0.9 and metrics["relevance_roc_auc"] > 0.9
    assert result.plots and result.plots[0].exists()


def test_malformed_labeled_files_are_refused_with_the_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"article": {"title": "t", "body": "b"}, "text": "x"}) + "\n")
    with pytest.raises(LabeledFileError, match="bad.jsonl:1"):
        load_cases(bad, None)
    bad.write_text("{not json\n")
    with pytest.raises(LabeledFileError, match="not JSON"):
        load_cases(bad, None)
