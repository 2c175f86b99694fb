"""The hand-written evaluation suites ship complete and well-formed, and their evaluator reports
per functionality and per article what the full policy did."""

import json
from collections import Counter

import pytest

from commentdesk.cli import main
from commentdesk.demo.content import ARTICLES as DEMO_ARTICLES
from commentdesk.evaluation.suites import (
    FUNCTIONAL_EXPECTED,
    OFFTOPIC_EXPECTED,
    Judged,
    SuiteCase,
    SuiteError,
    evaluate_suites,
    functional_report,
    load_articles,
    load_functional,
    load_offtopic,
    offtopic_report,
)
from commentdesk.moderation.scorer import Scorer


@pytest.fixture(scope="module")
def articles():
    return load_articles()


@pytest.fixture(scope="module")
def functional(articles):
    return load_functional(articles=articles)


@pytest.fixture(scope="module")
def offtopic(articles):
    return load_offtopic(articles=articles)


def test_functional_suite_is_large_balanced_and_labeled(functional):
    assert len(functional) >= 450
    assert all(case.expected in FUNCTIONAL_EXPECTED for case in functional)
    sizes = Counter(case.group for case in functional)
    assert len(sizes) >= 28
    assert all(12 <= n <= 30 for n in sizes.values()), sizes
    expected_by_functionality = {}
    for case in functional:
        assert expected_by_functionality.setdefault(case.group, case.expected) == case.expected, case.id
    kinds = Counter(expected_by_functionality.values())
    assert kinds["publish"] == kinds["hold_or_reject"]


def test_offtopic_suites_cover_six_subjects_with_chatter_reactions_and_replies(offtopic):
    assert all(case.expected in OFFTOPIC_EXPECTED for case in offtopic)
    per_article = Counter((case.article, case.group) for case in offtopic)
    article_keys = {case.article for case in offtopic}
    assert len(article_keys) >= 6
    for article in article_keys:
        assert per_article[(article, "chatter")] >= 20 and per_article[(article, "on_topic")] >= 20, article
        replies = {case.group for case in offtopic if case.article == article and case.parent}
        assert replies == {"chatter", "on_topic"}, article
        short_reactions = [
            case for case in offtopic if case.article == article and case.group == "on_topic" and len(case.text.split()) <= 4
        ]
        assert len(short_reactions) >= 4, article


def test_no_case_is_written_twice(functional, offtopic):
    texts = Counter(" ".join(case.text.lower().split()) for case in functional + offtopic)
    assert [text for text, n in texts.items() if n > 1] == []


def test_the_demo_haqqani_article_and_its_violent_comments_are_in_the_suite(articles, functional):
    demo = next(article for article in DEMO_ARTICLES if article["key"] == "haqqani")
    assert (articles["haqqani"]["title"], articles["haqqani"]["body"]) == (demo["title"], demo["body"])
    demo_cases = [case for case in functional if case.demo_case]
    assert len(demo_cases) == 3
    assert all(case.article == "haqqani" and case.expected == "hold_or_reject" for case in demo_cases)


def test_malformed_suite_lines_are_refused_with_the_line(tmp_path, articles):
    path = tmp_path / "suite.jsonl"
    good = {"id": "a", "functionality": "slur", "expected": "hold_or_reject", "article": "budget", "text": "x"}
    for broken, message in [
        ("{not json", "not JSON"),
        (json.dumps({**good, "article": "nowhere"}), "not in the articles"),
        (json.dumps({**good, "expected": "hold"}), "'expected' must be one of"),
        (json.dumps({**good, "functionality": ""}), "functionality"),
    ]:
        path.write_text(json.dumps(good) + "\n" + broken + "\n")
        with pytest.raises(SuiteError, match=f"suite.jsonl:2: .*{message}"):
            load_functional(path, articles)
    path.write_text(json.dumps(good) + "\n" + json.dumps(good) + "\n")
    with pytest.raises(SuiteError, match="repeated ids: a"):
        load_functional(path, articles)
    path.write_text(json.dumps({"id": "b", "kind": "chatter", "expected": "publish", "article": "budget", "text": "x"}) + "\n")
    with pytest.raises(SuiteError, match="'kind' must be"):
        load_offtopic(path, articles)


def _judged(group, expected, decision, reasons=(), suite="functional", article="budget", relevance=0.5, abuse=0.5):
    case = SuiteCase(
        id=f"{group}-{decision}-{'-'.join(reasons)}",
        suite=suite,
        group=group,
        expected=expected,
        article=article,
        text=f"{group} {decision} {reasons}",
    )
    return Judged(case=case, decision=decision, reason_codes=tuple(reasons), abuse=abuse, relevance=relevance)


def test_functional_accuracy_counts_held_or_rejected_abuse_and_separates_the_abuse_view():
    report = functional_report(
        [
            _judged("threat_direct", "hold_or_reject", "hold", ["threat"]),
            _judged("threat_direct", "hold_or_reject", "reject", ["abusive"]),
            _judged("threat_direct", "hold_or_reject", "hold", ["off_topic"]),  # held, but not as abuse
            _judged("threat_direct", "hold_or_reject", "publish"),
            _judged("dissent", "publish", "publish", abuse=0.1),
            _judged("dissent", "publish", "hold", ["off_topic"], abuse=0.1),  # wrong, yet not the abuse model's fault
            _judged("dissent", "publish", "hold", ["possibly_abusive"], abuse=0.6),
        ]
    )
    threat, dissent = report["per_functionality"]["threat_direct"], report["per_functionality"]["dissent"]
    assert (threat["accuracy"], threat["abuse_view_accuracy"]) == (0.75, 0.5)
    assert (dissent["accuracy"], dissent["abuse_view_accuracy"]) == (round(1 / 3, 4), round(2 / 3, 4))
    assert [mistake["decision"] for mistake in threat["mistakes"]] == ["publish"]
    assert report["functionalities_below_target"] == ["dissent"]
    assert list(report["per_functionality"]) == ["threat_direct", "dissent"]  # hold-expected first


def test_offtopic_report_gives_held_shares_per_article():
    report = offtopic_report(
        [
            _judged("chatter", "hold", "hold", ["off_topic"], suite="offtopic", relevance=0.1),
            _judged("chatter", "hold", "hold", ["contact_bait"], suite="offtopic", relevance=0.6),
            _judged("chatter", "hold", "publish", suite="offtopic", relevance=0.7),
            _judged("on_topic", "publish", "publish", suite="offtopic", relevance=0.9),
            _judged("chatter", "hold", "publish", suite="offtopic", article="pride", relevance=0.8),
            _judged("on_topic", "publish", "hold", ["off_topic"], suite="offtopic", article="pride", relevance=0.2),
        ]
    )
    budget, pride = report["per_article"]["budget"], report["per_article"]["pride"]
    assert (budget["chatter"]["held"], budget["chatter"]["held_as_off_topic"]) == (round(2 / 3, 4), round(1 / 3, 4))
    assert (budget["on_topic"]["held"], pride["on_topic"]["held"]) == (0.0, 1.0)
    assert report["worst_article_chatter_held"] == 0.0 and report["worst_article_on_topic_held"] == 1.0
    assert report["chatter"]["n"] == 4 and report["chatter"]["held"] == 0.5


@pytest.mark.models
def test_the_evaluator_judges_a_few_cases_and_writes_its_reports(models, tmp_path, articles, functional, offtopic):
    chosen_functionalities = ("threat_direct", "profanity_untargeted", "negated_hate")
    few_functional = [case for name in chosen_functionalities for case in [c for c in functional if c.group == name][:2]]
    few_offtopic = [case for case in offtopic if case.article in ("budget", "pride")][::13]
    written = evaluate_suites(tmp_path, Scorer(models=models), articles, few_functional, few_offtopic, command="test")

    results = json.loads(written["json"].read_text(encoding="utf-8"))
    assert set(results["functional"]["per_functionality"]) == set(chosen_functionalities)
    for entry in results["functional"]["per_functionality"].values():
        assert entry["n"] == 2 and 0.0 <= entry["accuracy"] <= 1.0 and 0.0 <= entry["abuse_view_accuracy"] <= 1.0
        assert sum(entry["decisions"].values()) == 2
    assert results["functional"]["model_failures"] == 0 and results["offtopic"]["model_failures"] == 0
    assert set(results["offtopic"]["per_article"]) == {"budget", "pride"}
    assert results["model_versions"].keys() >= {"abuse", "relevance"}
    markdown = written["markdown"].read_text(encoding="utf-8")
    assert all(f"| {name} |" in markdown for name in chosen_functionalities)
    assert "| budget |" in markdown and "| pride |" in markdown
    assert written["functional"].stat().st_size > 0 and written["offtopic"].stat().st_size > 0


def test_eval_suite_refuses_options_it_cannot_honour(tmp_path, capsys):
    assert main(["eval", "--suite", "functional", "--weights-dir", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    assert "--suite" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
