"""The evaluation's figures and reports: ROC AUC for sets of one class, what a policy does to a
labeled set, the seeded evasion rewrites, and the written reports."""

from __future__ import annotations

import json

import numpy as np
import pytest

from commentdesk.evaluation.evaluate import SetResult
from commentdesk.evaluation.metrics import known_roc_auc, plot_curves, policy_metrics, roc_auc, rounded
from commentdesk.evaluation.perturb import PERTURBATIONS, perturb
from commentdesk.evaluation.report import write_reports
from commentdesk.moderation.normalize import normalise


def test_roc_auc_of_a_perfect_a_random_and_a_one_class_set():
    assert roc_auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.2, 0.8, 0.9])) == 1.0
    assert roc_auc(np.array([0, 1, 0, 1]), np.array([0.5, 0.5, 0.5, 0.5])) == 0.5
    assert roc_auc(np.array([1, 1, 1]), np.array([0.2, 0.4, 0.9])) is None
    with pytest.raises(ValueError, match="both classes"):
        known_roc_auc(np.array([0, 0]), np.array([0.1, 0.2]))
    assert known_roc_auc(np.array([0, 1]), np.array([0.1, 0.2])) == 1.0


def test_figures_are_rounded_and_none_stays_none():
    assert rounded(0.123456) == 0.1235 and rounded(0.5, 1) == 0.5 and rounded(None) is None


def test_policy_metrics_say_what_the_thresholds_do():
    y = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    prob = np.array([0.1, 0.2, 0.6, 0.95, 0.4, 0.7, 0.92, 0.99])
    found = policy_metrics(y, prob, hold=0.5, reject=0.9)
    assert found["n"] == 8 and found["positives"] == 4
    assert found["over_moderation"] == 0.5  # two of four legitimate held or rejected
    assert found["wrongly_rejected"] == 0.25  # one legitimate rejected
    assert found["under_moderation"] == 0.25  # one abusive published
    assert found["recall_at_hold"] == 0.75 and found["recall_at_reject"] == 0.5
    assert found["precision_at_hold"] == 0.6 and found["precision_at_reject"] == pytest.approx(2 / 3)
    assert 0 < found["roc_auc"] < 1 and 0 < found["average_precision"] <= 1


def test_policy_metrics_of_a_set_without_abuse_leave_undefined_figures_empty():
    found = policy_metrics(np.array([0, 0, 0]), np.array([0.1, 0.2, 0.3]), hold=0.5, reject=0.9)
    assert found["roc_auc"] is None and found["average_precision"] is None
    assert found["recall_at_hold"] is None and found["under_moderation"] is None
    assert found["precision_at_hold"] is None and found["over_moderation"] == 0.0


@pytest.mark.parametrize("kind", sorted(PERTURBATIONS))
def test_rewrites_are_seeded_and_keep_the_other_words(kind):
    text = "You are a complete idiot, honestly."
    first, again = perturb(text, kind, seed=3), perturb(text, kind, seed=3)
    assert first == again
    assert first.startswith("You are a complete ") and first.endswith(", honestly.")
    assert first != text


def test_each_rewrite_is_the_trick_an_evader_uses():
    assert perturb("idiot", "spacing") == "i d i o t"
    assert perturb("stupid moron", "dropped_letters") != "stupid moron"
    lookalike = perturb("idiot", "lookalike_unicode", seed=1)
    assert any(ord(char) > 127 for char in lookalike) or lookalike == "idiot"
    leet = perturb("idiots", "leetspeak")
    assert any(char.isdigit() for char in leet)


@pytest.mark.parametrize("kind", ["spacing", "leetspeak", "lookalike_unicode"])
def test_the_normaliser_sees_through_the_rewrites(kind):
    rewritten = perturb("you moron", kind, seed=5)
    assert "moron" in normalise(rewritten).text


def test_without_abusive_words_the_longest_words_are_disguised():
    rewritten = perturb("a considerably lengthy sentence", "spacing")
    assert "c o n s i d e r a b l y" in rewritten and rewritten.startswith("a ")
    assert perturb("a b c", "spacing") == "a b c"  # nothing long enough to disguise
    assert perturb("", "spacing") == ""


def test_whitespace_between_words_is_kept():
    assert perturb("you\tidiot\n now", "spacing").split("i d i o t") == ["you\t", "\n now"]


def test_reports_are_written_as_json_markdown_and_html(tmp_path):
    results = [
        SetResult(
            name="c3",
            kind="abuse",
            metrics={"n": 10, "roc_auc": 0.91234, "by_head": {"insult": {"auc": 0.8}}, "missing": None},
            plots=[tmp_path / "c3-curves.png"],
            notes=["held-out articles"],
            mistakes={"false positives": [(0.97, "<b>not</b> abusive")]},
        )
    ]
    (tmp_path / "transfer.md").write_text("x")
    paths = write_reports(results, tmp_path, {"model": "abuse@1"})
    payload = json.loads(paths["json"].read_text())
    assert payload == {"header": {"model": "abuse@1"}, "results": {"c3": results[0].metrics}}
    markdown = paths["markdown"].read_text()
    assert "## c3 (abuse)" in markdown and "| roc_auc | 0.912 |" in markdown and "| missing | – |" in markdown
    assert "| by_head.insult.auc | 0.800 |" in markdown
    assert "[transfer.md](transfer.md)" in markdown and "![c3-curves](c3-curves.png)" in markdown
    page = paths["html"].read_text()
    assert "&lt;b&gt;not&lt;/b&gt; abusive" in page and "<b>not</b>" not in page
    assert "false positives (1)" in page and page.rstrip().endswith("</html>")


def test_without_headline_reports_there_is_no_read_first_section(tmp_path):
    paths = write_reports([], tmp_path, {})
    assert "Read first" not in paths["markdown"].read_text()


def test_curves_are_plotted_and_one_class_sets_skipped(tmp_path):
    curves = {
        "good": (np.array([0, 1, 0, 1]), np.array([0.1, 0.9, 0.3, 0.7])),
        "one class": (np.array([1, 1]), np.array([0.2, 0.3])),
    }
    paths = plot_curves(curves, tmp_path / "plots", "curves", "test")
    assert [path.name for path in paths] == ["curves.png"] and paths[0].stat().st_size > 1000
