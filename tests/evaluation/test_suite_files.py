"""The suite files' checks (each broken line named by file and line number), the choice of suites
to judge, the mistakes a report lists, and the evaluation report of labeled-set results."""

from __future__ import annotations

import json

import numpy as np
import pytest
from tests.evaluation.test_suites_with_canned_models import WordModels

from commentdesk.evaluation import suites
from commentdesk.evaluation.evaluate import SetResult
from commentdesk.evaluation.report import write_reports
from commentdesk.evaluation.suites import Judged, SuiteCase, SuiteError, functional_report, load_functional, load_offtopic

ARTICLES = {"budget": {"title": "Budget passed", "body": "The council passed the budget."}}
GOOD = {"id": "a", "functionality": "slur", "expected": "hold_or_reject", "article": "budget", "text": "some text"}
GOOD_OFFTOPIC = {"id": "o", "kind": "on_topic", "expected": "publish", "article": "budget", "text": "Budget talk."}


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ("[1, 2]", "each line must be a JSON object"),
        (json.dumps({**GOOD, "text": "   "}), "needs a non-empty string 'text'"),
        (json.dumps({**GOOD, "id": 7}), "needs a non-empty string 'id'"),
        (json.dumps({k: v for k, v in GOOD.items() if k != "article"}), "needs a non-empty string 'article'"),
        (json.dumps({**GOOD, "parent": ""}), "'parent' must be a non-empty string when given"),
        (json.dumps({**GOOD, "parent": ["a"]}), "'parent' must be a non-empty string when given"),
        (json.dumps({k: v for k, v in GOOD.items() if k != "functionality"}), "needs a 'functionality'"),
    ],
)
def test_a_broken_functional_line_is_refused_with_its_number(tmp_path, broken, message):
    path = tmp_path / "functional.jsonl"
    path.write_text(json.dumps(GOOD) + "\n\n" + broken + "\n")
    with pytest.raises(SuiteError, match=f"functional.jsonl:3: {message}"):
        load_functional(path, ARTICLES)


@pytest.mark.parametrize(
    "record",
    [
        {**GOOD_OFFTOPIC, "kind": "chatter"},  # chatter must be held
        {**GOOD_OFFTOPIC, "kind": "gossip"},
        {k: v for k, v in GOOD_OFFTOPIC.items() if k != "kind"},
    ],
)
def test_an_offtopic_line_must_say_a_kind_that_matches_its_expectation(tmp_path, record):
    path = tmp_path / "offtopic.jsonl"
    path.write_text(json.dumps(record) + "\n")
    with pytest.raises(SuiteError, match="offtopic.jsonl:1: 'kind' must be chatter"):
        load_offtopic(path, ARTICLES)


def test_blank_lines_are_skipped_and_the_case_keeps_its_fields(tmp_path):
    path = tmp_path / "offtopic.jsonl"
    chatter = {
        **GOOD_OFFTOPIC,
        "id": "c",
        "kind": "chatter",
        "expected": "hold",
        "chatter_kind": "sport",
        "parent": "Was the budget fair?",
    }
    path.write_text("\n" + json.dumps(GOOD_OFFTOPIC) + "\n   \n" + json.dumps(chatter) + "\n")
    on_topic, held = load_offtopic(path, ARTICLES)
    assert (on_topic.id, on_topic.group, on_topic.parent, on_topic.chatter_kind) == ("o", "on_topic", None, None)
    assert (held.id, held.group, held.expected, held.chatter_kind) == ("c", "chatter", "hold", "sport")
    assert held.parent == "Was the budget fair?" and held.suite == "offtopic"


def test_a_missing_suite_file_is_a_suite_error(tmp_path):
    with pytest.raises(SuiteError, match="missing.jsonl"):
        load_functional(tmp_path / "missing.jsonl", ARTICLES)


def test_demo_cases_are_marked_from_the_file(tmp_path):
    path = tmp_path / "functional.jsonl"
    path.write_text(json.dumps({**GOOD, "demo_case": True}) + "\n" + json.dumps({**GOOD, "id": "b"}) + "\n")
    assert [case.demo_case for case in load_functional(path, ARTICLES)] == [True, False]


def test_a_mistake_on_a_reply_names_the_comment_it_answered():
    case = SuiteCase(
        id="r1",
        suite="functional",
        group="civil_reply",
        expected="publish",
        article="budget",
        text="You are wrong about that.",
        parent="The budget is fine.",
    )
    report = functional_report([Judged(case=case, decision="hold", reason_codes=("abusive",), abuse=0.81234, relevance=0.9)])
    (mistake,) = report["per_functionality"]["civil_reply"]["mistakes"]
    assert mistake == {
        "id": "r1",
        "text": "You are wrong about that.",
        "decision": "hold",
        "reasons": ["abusive"],
        "abuse": 0.8123,
        "relevance": 0.9,
        "parent": "The budget is fine.",
    }


@pytest.mark.parametrize(("which", "suites_run"), [("functional", {"functional"}), ("offtopic", {"offtopic"})])
def test_only_the_chosen_shipped_suite_is_judged(tmp_path, monkeypatch, which, suites_run):
    from commentdesk.moderation.scorer import Scorer

    judged_suites = []
    real = suites.judge

    def judge(cases, articles, scorer, description="suite"):
        judged_suites.append(description)
        return real(cases[:3], articles, scorer, description)  # three cases are enough to see the wiring

    monkeypatch.setattr(suites, "judge", judge)
    written = suites.run_suites(which, tmp_path, Scorer(models=WordModels()), command="cmd")
    assert set(written["results"]) & {"functional", "offtopic"} == suites_run
    assert len(judged_suites) == 1 and written["json"].exists()


# --------------------------------------------------------------------------- the evaluation report


def test_nested_figures_are_flattened_into_dotted_rows(tmp_path):
    result = SetResult(
        "robustness",
        "robustness",
        {"thresholds": {"hold": 0.4, "reject": None}, "categories": {"insult": {"roc_auc": 0.81234, "positives": 3}}, "n": 12},
    )
    paths = write_reports([result], tmp_path, {"abuse model": "abuse-x"})
    markdown = paths["markdown"].read_text()
    assert "| thresholds.hold | 0.400 |" in markdown and "| thresholds.reject | – |" in markdown
    assert "| categories.insult.roc_auc | 0.812 |" in markdown and "| categories.insult.positives | 3 |" in markdown
    assert "| n | 12 |" in markdown and "- abuse model: `abuse-x`" in markdown
    page = paths["html"].read_text()
    assert "<tr><td>thresholds.hold</td><td>0.400</td></tr>" in page


def test_each_set_gets_its_section_notes_plots_and_mistakes_in_order(tmp_path):
    first = SetResult(
        "c3",
        "abuse",
        {"n": 2},
        plots=[tmp_path / "abuse-c3.png"],
        notes=["held-out part: test"],
        mistakes={"missed": [(0.1234, "x" * 700)]},
    )
    second = SetResult("relevance-c3", "relevance", {"hold_threshold": 0.2})
    paths = write_reports([first, second], tmp_path, {})
    markdown = paths["markdown"].read_text()
    assert markdown.index("## c3 (abuse)") < markdown.index("## relevance-c3 (relevance)")
    assert "_held-out part: test_" in markdown and "![abuse-c3](abuse-c3.png)" in markdown
    page = paths["html"].read_text()
    assert "<h2 id='relevance-c3'>relevance-c3 <small>(relevance)</small></h2>" in page
    assert "<td class='s'>0.123</td><td>" + "x" * 600 + "</td>" in page  # long comments are cut
    assert json.loads(paths["json"].read_text())["results"] == {"c3": {"n": 2}, "relevance-c3": {"hold_threshold": 0.2}}


def test_figures_read_as_numbers_and_unknown_ones_as_a_dash(tmp_path):
    result = SetResult("x", "abuse", {"int": 3, "float": np.float64(0.5), "none": None, "text": "ok", "flag": True})
    markdown = write_reports([result], tmp_path, {})["markdown"].read_text()
    assert "| int | 3 |" in markdown and "| float | 0.500 |" in markdown and "| none | – |" in markdown
    assert "| text | ok |" in markdown and "| flag | True |" in markdown
