"""`commentdesk score` line by line: what makes a line invalid, the output contract, order, and the
article passages computed once per article. The models are canned: these are the tool's rules,
not the models' judgement (tests/cli covers the command with the real models)."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest

from commentdesk.moderation.models.abuse import AbuseScore
from commentdesk.moderation.models.relevance import RelevanceScore
from commentdesk.moderation.scorer import MAX_LINE_CHARS, InputError, Scorer, contract_output, parse_record, run
from commentdesk.moderation.types import HOLD, PUBLISH, REJECT, Decision, ModelSignals, Reason

ARTICLE = {"title": "Rates held", "body": "The central bank kept rates at 4.25%. Inflation in services stays high."}


class CannedModels:
    """Abuse from the words of the comment ("hate" is abusive), relevance always high."""

    def __init__(self) -> None:
        self.loaded = 0
        self.passages_given: list[bool] = []

    def load(self):
        self.loaded += 1
        return self

    @property
    def versions(self) -> dict[str, str]:
        return {"abuse": "canned"}

    def signals(self, candidate) -> ModelSignals:
        self.passages_given.append(candidate.passages is not None)
        abuse = 0.99 if "hate" in candidate.text else 0.01
        return ModelSignals(
            abuse=AbuseScore(abuse),
            relevance=RelevanceScore(0.9, 0.7, None, "article"),
            passages=["Rates held"],
            passage_vectors=np.zeros((1, 3), np.float32),
            versions=self.versions,
        )


def line(record) -> str:
    return json.dumps(record)


def good(record_id=1, text="Holding is right while services inflation stays high.", **extra):
    return {"id": record_id, "article": ARTICLE, "text": text, "parent": None, **extra}


@pytest.fixture
def scorer():
    return Scorer(models=CannedModels())


def test_a_good_line_gets_the_contracts_fields(scorer):
    result = scorer.score_line(line(good(7)))
    assert result == {"id": 7, "decision": PUBLISH, "abuse": 0.01, "relevance": 0.9, "spam": 0.0, "reasons": []}


def test_an_abusive_line_is_rejected_with_its_reasons(scorer):
    result = scorer.score_line(line(good("a-1", text="I hate every single one of you clowns here")))
    assert result["id"] == "a-1" and result["decision"] == REJECT
    assert {reason["code"] for reason in result["reasons"]} >= {"abusive"}
    assert all(set(reason) == {"code", "message"} for reason in result["reasons"])


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("not json", "not JSON"),
        ("[1, 2]", "each line must be a JSON object"),
        ('"text"', "each line must be a JSON object"),
        ('{"article": {"title": "a", "body": "b"}, "text": "x"}', "missing 'id'"),
        ('{"id": 1, "article": "Rates held", "text": "x"}', "'article' must be an object"),
        ('{"id": 1, "article": {"title": 5, "body": "b"}, "text": "x"}', "must be strings"),
        ('{"id": 1, "article": {"title": "a", "body": ["b"]}, "text": "x"}', "must be strings"),
        ('{"id": 1, "article": {"title": "a", "body": "b"}, "text": "   "}', "'text' must be a non-empty string"),
        ('{"id": 1, "article": {"title": "a", "body": "b"}, "text": 42}', "'text' must be a non-empty string"),
        ('{"id": 1, "article": {"title": "a", "body": "b"}, "text": "x", "parent": 3}', "'parent' must be a string or null"),
    ],
)
def test_an_invalid_line_is_held_with_the_problem_and_keeps_its_id_when_it_has_one(scorer, raw, message):
    result = scorer.score_line(raw)
    assert result["decision"] == HOLD and result["abuse"] == 0.0 and result["relevance"] == 0.0
    assert result["reasons"][0]["code"] == "invalid_input" and message in result["reasons"][0]["message"]
    expected_id = json.loads(raw).get("id") if raw.startswith("{") else None
    assert result["id"] == expected_id


def test_a_line_over_the_size_limit_is_refused_without_parsing(scorer):
    result = scorer.score_line('{"id": 9, "text": "' + "x" * MAX_LINE_CHARS + '"}')
    assert result["reasons"][0]["code"] == "invalid_input" and "longer than" in result["reasons"][0]["message"]
    assert result["id"] == 9


def test_a_deeply_nested_line_is_an_invalid_line_not_a_crash(scorer):
    result = scorer.score_line("[" * 100_000 + "]" * 100_000)
    assert result["decision"] == HOLD and result["reasons"][0]["code"] == "invalid_input"


def test_missing_article_fields_count_as_empty(scorer):
    result = scorer.score_line(line({"id": 2, "article": {}, "text": "A fine comment about nothing in particular"}))
    assert all(reason["code"] != "invalid_input" for reason in result["reasons"])


def test_parse_record_returns_the_four_texts():
    assert parse_record(good(parent="The parent")) == (ARTICLE["title"], ARTICLE["body"], good()["text"], "The parent")
    with pytest.raises(InputError):
        parse_record(None)


def test_the_output_contract_is_built_from_the_decision():
    decision = Decision(
        HOLD,
        [Reason("off_topic", "It may not be about the article.", ["x"], detail="d")],
        {"abuse": np.float32(0.25), "relevance": 0.1},
        {},
    )
    assert contract_output("k", decision) == {
        "id": "k",
        "decision": HOLD,
        "abuse": 0.25,
        "relevance": pytest.approx(0.1),
        "spam": 0.0,
        "reasons": [{"code": "off_topic", "message": "It may not be about the article."}],
    }
    assert isinstance(contract_output(1, decision)["abuse"], float)


def test_passages_are_computed_once_per_article(scorer):
    for number in range(3):
        scorer.score_record(good(number))
    scorer.score_record({"id": 4, "article": {"title": "Other", "body": "Another article."}, "text": "Different words here"})
    assert scorer.models.passages_given == [False, True, True, False]


def test_run_answers_every_line_in_order_blank_ones_too():
    models = CannedModels()
    lines = [line(good(number, text="I hate this" if number % 2 else "Sensible point about rates")) for number in range(40)]
    stdin = io.StringIO("\n".join(lines[:20]) + "\n\n   \n" + "\n".join(lines[20:]) + "\n")
    stdout, stderr = io.StringIO(), io.StringIO()
    assert run(stdin, stdout, stderr, scorer=Scorer(models=models)) == 0
    results = [json.loads(text) for text in stdout.getvalue().splitlines()]
    assert [result["id"] for result in results] == [*range(20), None, None, *range(20, 40)]
    assert [result["decision"] for result in results[:4]] == [PUBLISH, REJECT, PUBLISH, REJECT]
    assert [result["reasons"][0]["message"] for result in results[20:22]] == ["empty line", "empty line"]
    assert models.loaded >= 1
    assert "loading models" in stderr.getvalue() and "done, 42 comments" in stderr.getvalue()


def test_run_writes_non_ascii_text_as_it_is():
    stdin = io.StringIO(line(good("ü", text="Zinsen bleiben hoch, völlig richtig so.")) + "\n")
    stdout = io.StringIO()
    run(stdin, stdout, io.StringIO(), scorer=Scorer(models=CannedModels()))
    assert '"id": "ü"' in stdout.getvalue()


def test_empty_input_gives_empty_output():
    stdout, stderr = io.StringIO(), io.StringIO()
    assert run(io.StringIO(""), stdout, stderr, scorer=Scorer(models=CannedModels())) == 0
    assert stdout.getvalue() == "" and "done, 0 comments" in stderr.getvalue()
