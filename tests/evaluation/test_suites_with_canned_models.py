"""The evaluation suites' reports and transfer report with canned model outputs: every figure
follows from the rules, so the arithmetic, the Markdown and the plots can be checked exactly."""

from __future__ import annotations

import json

import pytest

from commentdesk.evaluation import suites, transfer
from commentdesk.evaluation.suites import SuiteCase, SuiteError, evaluate_suites, summary
from commentdesk.moderation.models.abuse import AbuseScore
from commentdesk.moderation.models.relevance import RelevanceScore
from commentdesk.moderation.scorer import Scorer
from commentdesk.moderation.types import ModelSignals

ARTICLES = {"rates": {"title": "Rates held", "body": "The central bank kept rates at 4.25% as services inflation stayed high."}}


class WordModels:
    def load(self):
        return self

    @property
    def versions(self):
        return {"abuse": "words@1", "relevance": "words@1"}

    def signals(self, candidate):
        text = candidate.text.lower()
        abuse = 0.99 if "clowns" in text else 0.01
        relevance = 0.05 if ("football" in text or "cake" in text) else 0.9
        return ModelSignals(
            abuse=AbuseScore(abuse), relevance=RelevanceScore(relevance, relevance, None, "article"), versions=self.versions
        )


def case(case_id, text, suite, group, expected, **extra):
    return SuiteCase(id=case_id, suite=suite, group=group, expected=expected, article="rates", text=text, **extra)


FUNCTIONAL = [
    case(
        "f1", "Only clowns set interest rates this way, honestly.", "functional", "insults", suites.HOLD_OR_REJECT, demo_case=True
    ),
    case("f2", "The bank is run by clowns who cannot count at all.", "functional", "insults", suites.HOLD_OR_REJECT),
    case("f3", "The governor explained the decision clearly and calmly.", "functional", "insults", suites.HOLD_OR_REJECT),
    case("f4", "Holding rates is sensible while services inflation stays high.", "functional", "civil", suites.PUBLISH),
    case("f5", "I would have cut, but the reasoning for holding is fair enough.", "functional", "civil", suites.PUBLISH),
]
OFFTOPIC = [
    case(
        "o1",
        "Did anyone watch the football match last night, what a game?",
        "offtopic",
        "chatter",
        suites.HOLD,
        chatter_kind="sport",
    ),
    case(
        "o2", "Lovely cake recipe from my grandmother, anyone want it?", "offtopic", "chatter", suites.HOLD, chatter_kind="food"
    ),
    case("o3", "Rates held again, savers will be pleased with that decision.", "offtopic", "on_topic", suites.PUBLISH),
    case("o4", "Agreed.", "offtopic", "on_topic", suites.PUBLISH, parent="Holding is right."),
]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    out = tmp_path_factory.mktemp("suites")
    written = evaluate_suites(
        out,
        Scorer(models=WordModels()),
        ARTICLES,
        functional=FUNCTIONAL,
        offtopic=OFFTOPIC,
        command="commentdesk eval --suite all",
    )
    return out, written


def test_functional_figures_follow_from_the_decisions(results):
    _out, written = results
    functional = written["results"]["functional"]
    assert functional["n"] == 5 and functional["functionalities"] == 2
    assert functional["accuracy"] == 0.8
    assert functional["per_functionality"]["insults"]["accuracy"] == pytest.approx(2 / 3, abs=1e-4)
    assert functional["per_functionality"]["civil"]["accuracy"] == 1.0
    assert functional["worst_functionality_accuracy"] == pytest.approx(2 / 3, abs=1e-4)
    assert functional["functionalities_below_target"] == ["insults"]
    assert [mistake["id"] for mistake in functional["per_functionality"]["insults"]["mistakes"]] == ["f3"]
    assert functional["demo_cases"][0]["id"] == "f1" and functional["demo_cases"][0]["right"] is True
    assert functional["model_failures"] == 0 and functional["abuse_roc_auc"] is not None


def test_offtopic_figures_follow_from_the_decisions(results):
    _out, written = results
    offtopic = written["results"]["offtopic"]
    assert offtopic["n"] == 4 and offtopic["articles"] == 1
    assert offtopic["chatter"] == {"n": 2, "held": 1.0, "held_as_off_topic": 1.0}
    assert offtopic["on_topic"]["held"] == 0.0
    assert offtopic["replies"]["on_topic"] == {"n": 1, "held": 0.0, "held_as_off_topic": 0.0}
    assert offtopic["short_on_topic"]["n"] == 1
    assert set(offtopic["per_chatter_kind"]) == {"sport", "food"}
    assert offtopic["worst_article_chatter_held"] == 1.0 and offtopic["worst_article_on_topic_held"] == 0.0


def test_the_reports_are_written(results):
    out, written = results
    stored = json.loads((out / "suites.json").read_text())
    assert stored["model_versions"] == {"abuse": "words@1", "relevance": "words@1"}
    markdown = (out / "suites.md").read_text()
    assert "# Evaluation suites" in markdown and "| insults | hold_or_reject | 3 | 66.7 % ✗ |" in markdown
    assert "- right: reject" in markdown and "| rates | 2 | 100.0 % |" in markdown
    assert written["functional"].exists() and written["offtopic"].exists()


def test_the_summary_keeps_the_headline_figures(results):
    _out, written = results
    found = summary(written["results"])
    assert found["functional"]["accuracy"] == 0.8 and "per_functionality" in found["functional"]
    assert found["offtopic"]["per_article"]["rates"] == {"chatter_held": 1.0, "on_topic_held": 0.0}
    assert summary({}) == {}


def test_an_unknown_suite_is_refused(tmp_path):
    with pytest.raises(SuiteError, match="unknown suite"):
        suites.run_suites("everything", tmp_path, Scorer(models=WordModels()))


def test_percentages_and_numbers_read_as_a_dash_when_unknown():
    assert suites._pct(None) == "–" and suites._pct(0.1234) == "12.3 %"
    assert suites._num(None) == "–" and suites._num(0.12345) == "0.123"


def test_the_articles_file_is_checked(tmp_path):
    bad = tmp_path / "articles.json"
    bad.write_text(json.dumps({"a": {"title": "", "body": "b"}}))
    with pytest.raises(SuiteError, match="needs a non-empty 'title' and 'body'"):
        suites.load_articles(bad)
    bad.write_text("[]")
    with pytest.raises(SuiteError, match="must be a JSON object"):
        suites.load_articles(bad)
    with pytest.raises(SuiteError):
        suites.load_articles(tmp_path / "missing.json")


def test_the_transfer_report_sets_each_fold_beside_the_previous_model(tmp_path):
    results = {
        "fold_cap": 1500,
        "folds": {"c3": {"rows": 100, "abusive": 30, "roc_auc": 0.91}, "ucc": {"rows": 80, "abusive": 20, "roc_auc": 0.85}},
    }
    path = transfer.write_report(results, {"c3": 0.95, "ucc": 0.88}, tmp_path, "commentdesk eval --transfer")
    text = path.read_text()
    assert "| c3 | 100 | 30 | 0.910 | 0.950 |" in text and "| ucc | 80 | 20 | 0.850 | 0.880 |" in text
    assert "- mean: **0.880**, worst: **0.850** (ucc)" in text
    assert "- previous model on the same sets: mean 0.915, worst 0.880" in text
    assert (tmp_path / "transfer.png").exists()


def test_the_transfer_report_without_a_previous_model_or_folds(tmp_path):
    text = transfer.write_report({"folds": {"c3": {"rows": 1, "abusive": 1, "roc_auc": 0.5}}}, None, tmp_path, "cmd").read_text()
    assert "| c3 | 1 | 1 | 0.500 |  |" in text and "previous model on the same sets" not in text
    empty = transfer.write_report({"folds": {}}, None, tmp_path / "empty", "cmd").read_text()
    assert "mean" not in empty and not (tmp_path / "empty" / "transfer.png").exists()
