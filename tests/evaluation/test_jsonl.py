"""Hand-written JSON-lines case files: objects with their line numbers, mistakes named by PATH:LINE."""

import re

import pytest

from commentdesk.evaluation.jsonl import numbered_objects
from commentdesk.evaluation.policy_eval import LabeledFileError
from commentdesk.evaluation.suites import SuiteError


def test_objects_come_with_their_own_line_numbers_and_blank_lines_are_skipped(tmp_path):
    path = tmp_path / "cases.jsonl"
    path.write_text('{"id": "a"}\n\n   \n{"id": "b", "n": 2}\n', encoding="utf-8")
    assert numbered_objects(path, SuiteError) == [(1, {"id": "a"}), (4, {"id": "b", "n": 2})]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": "a"}\n{"id": \n', r":2: not JSON \("),
        ('{"id": "a"}\n\n["a", "list"]\n', ":3: each line must be a JSON object"),
        ('"just a string"\n', ":1: each line must be a JSON object"),
    ],
)
def test_a_wrong_line_is_refused_with_its_number(tmp_path, content, message):
    path = tmp_path / "cases.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LabeledFileError, match=re.escape(str(path)) + message):
        numbered_objects(path, LabeledFileError)


def test_a_file_that_cannot_be_read_is_refused_with_the_callers_error(tmp_path):
    missing = tmp_path / "absent.jsonl"
    with pytest.raises(SuiteError, match="^" + re.escape(f"{missing}: ")):
        numbered_objects(missing, SuiteError)
