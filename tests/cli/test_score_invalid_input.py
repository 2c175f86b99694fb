"""`commentdesk score` answers every line, and only with strict JSON: text that is not UTF-8 or
holds a lone surrogate, a blank line and an id of NaN or Infinity are each one invalid line, held
without reaching the models; a byte order mark before the first line is ignored. The models are
canned: these are the tool's rules."""

from __future__ import annotations

import io
import json

import pytest
from tests.moderation.doubles import CannedModels

from commentdesk.cli import main
from commentdesk.moderation import scorer as scorer_module
from commentdesk.moderation.types import HOLD, PUBLISH

RealScorer = scorer_module.Scorer
ARTICLE = '"article": {"title": "Rates held", "body": "The central bank kept rates at 4.25%."}'


def strict(text: str) -> list[dict]:
    """The output lines, parsed as strict JSON (NaN and Infinity refused)."""

    def refuse(constant: str):
        raise AssertionError(f"not strict JSON: {constant}")

    return [json.loads(line, parse_constant=refuse) for line in text.splitlines()]


def score(raw: bytes, monkeypatch, stdin_errors: str = "strict") -> tuple[list[dict], CannedModels, str]:
    """`commentdesk score` in this process, with `raw` as the bytes on stdin."""
    models = CannedModels()
    # `score` builds a Scorer on the server's models; here it gets canned ones.
    monkeypatch.setattr(scorer_module, "Scorer", lambda **_given: RealScorer(models=models))
    stdin = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8", errors=stdin_errors)
    stdout, stderr = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stdin", stdin)
    monkeypatch.setattr("sys.stdout", stdout)
    monkeypatch.setattr("sys.stderr", stderr)
    assert main(["score"]) == 0
    return strict(stdout.getvalue()), models, stderr.getvalue()


def invalid(result: dict, words: str, record_id=None) -> None:
    assert result["decision"] == HOLD and result["id"] == record_id
    assert [reason["code"] for reason in result["reasons"]] == ["invalid_input"]
    assert words in result["reasons"][0]["message"]


@pytest.mark.parametrize("stdin_errors", ["strict", "surrogateescape"])  # a UTF-8 locale, and a C locale
def test_text_that_is_not_utf8_is_an_invalid_line_and_never_reaches_the_models(monkeypatch, stdin_errors):
    raw = (
        b'{"id": 1, ' + ARTICLE.encode() + b', "text": "raw \xff\xfe bytes"}\n'
        b'{"id": 2, ' + ARTICLE.encode() + b', "text": "a lone \\ud800 surrogate"}\n'
        b'{"id": 3, ' + ARTICLE.encode() + b', "text": "fine", "parent": "\\udfff"}\n'
        b'{"id": 4, "article": {"title": "\\ud83d", "body": "b"}, "text": "fine"}\n'
        b'{"id": 5, ' + ARTICLE.encode() + b', "text": "Holding is right."}\n'
    )
    results, models, stderr = score(raw, monkeypatch, stdin_errors)
    invalid(results[0], "'text' is not valid text", 1)
    invalid(results[1], "'text' is not valid text", 2)
    invalid(results[2], "'parent' is not valid text", 3)
    invalid(results[3], "'article.title' is not valid text", 4)
    assert results[4]["id"] == 5 and results[4]["decision"] == PUBLISH
    assert models.texts == ["Holding is right."]  # one line reached the models, and no traceback
    assert "Traceback" not in stderr


def test_a_pair_of_surrogates_is_one_character_and_valid():
    result = RealScorer(models=CannedModels()).score_line('{"id": 1, ' + ARTICLE + ', "text": "Rates held \\ud83d\\ude00"}')
    assert result["decision"] == PUBLISH


def test_a_blank_line_is_answered_as_every_line_is(monkeypatch):
    raw = b'{"id": 1, ' + ARTICLE.encode() + b', "text": "fine"}\n\n  \t \r\n{"id": 2, ' + ARTICLE.encode() + b', "text": "ok"}\n'
    results, _models, stderr = score(raw, monkeypatch)
    assert [result["id"] for result in results] == [1, None, None, 2]
    invalid(results[1], "empty line")
    invalid(results[2], "empty line")
    assert "done, 4 comments" in stderr


@pytest.mark.parametrize("record_id", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999", '"\\ud800"', '["\\udfff"]'])
def test_an_id_that_strict_json_cannot_hold_is_answered_null(monkeypatch, record_id):
    raw = (
        f'{{"id": {record_id}, {ARTICLE}, "text": "fine"}}\n{{"id": {record_id}, "text": 5}}\n'
        f'{{"id": {record_id}, {ARTICLE}, "text": "\\ud800"}}\n'
    ).encode()
    results, models, _stderr = score(raw, monkeypatch)  # strict() refuses NaN and Infinity in the output
    invalid(results[0], "'id' must be plain JSON")
    assert all(result["id"] is None and result["reasons"][0]["code"] == "invalid_input" for result in results)
    assert models.texts == []


def test_a_byte_order_mark_before_the_first_line_is_ignored(monkeypatch):
    raw = (
        b'\xef\xbb\xbf{"id": 1, ' + ARTICLE.encode() + b', "text": "fine"}\n{"id": 2, ' + ARTICLE.encode() + b', "text": "ok"}\n'
    )
    results, _models, _stderr = score(raw, monkeypatch)
    assert [(result["id"], result["decision"]) for result in results] == [(1, PUBLISH), (2, PUBLISH)]


def test_a_byte_order_mark_after_the_first_line_is_part_of_its_line(monkeypatch):
    raw = b'{"id": 1, ' + ARTICLE.encode() + b', "text": "fine"}\n\xef\xbb\xbf{"id": 2, "text": "ok"}\n'
    results, _models, _stderr = score(raw, monkeypatch)
    invalid(results[1], "not JSON")
