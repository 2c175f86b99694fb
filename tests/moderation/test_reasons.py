"""The reason registry: every code a phase or a service emits is known, with consistent properties."""

import re
from pathlib import Path

import commentdesk
from commentdesk.moderation import reasons

SOURCE = Path(commentdesk.__file__).resolve().parent


def _emitted_codes() -> set[str]:
    found = set()
    for path in SOURCE.rglob("*.py"):
        found |= set(re.findall(r'\bReason\(\s*"([a-z_]+)"', path.read_text(encoding="utf-8")))
    return found


def test_every_emitted_reason_code_is_in_the_registry():
    from commentdesk.moderation.phases.threats import _HEAD_REASONS

    emitted = _emitted_codes() | {code for code, _message, _setting in _HEAD_REASONS.values()}
    assert {"threat", "off_topic", "banned_word", "sexual_harassment", "disability_mockery"} <= emitted
    assert not emitted - set(reasons.REASONS)


def test_the_derived_sets_follow_the_table():
    assert reasons.ABUSE_CODES == {code for code, kind in reasons.REASONS.items() if kind.category == reasons.ABUSIVE}
    assert "off_topic" in reasons.NUDGEABLE and "threat" not in reasons.NUDGEABLE
    assert reasons.MODEL_FAILURE_CODES == {"model_timeout", "model_unavailable"}
    assert reasons.SUGGESTED_REJECTION["near_duplicate"] == reasons.SPAM
    assert "premoderated" not in reasons.SUGGESTED_REJECTION
    assert all(words and words[0].isupper() for words in reasons.MODERATOR_WORDS.values())


def test_nudgeable_reasons_are_ones_an_author_can_reword():
    # A threat or a spam link is never coached around; words, abuse scores and relevance may be.
    for code in reasons.NUDGEABLE:
        assert reasons.REASONS[code].category in (reasons.ABUSIVE, reasons.OFF_TOPIC)
    assert not reasons.NUDGEABLE & {"threat", "dehumanising", "sexual_harassment", "disability_mockery"}


def test_the_workspace_and_posting_read_the_registry():
    from commentdesk.moderation.types import COMMENT_WORD_EVIDENCE
    from commentdesk.services import posting
    from commentdesk.web.moderate import words

    assert words.REASON_WORDS is reasons.MODERATOR_WORDS
    assert posting.NUDGEABLE is reasons.NUDGEABLE
    assert COMMENT_WORD_EVIDENCE is reasons.HIGHLIGHTED
    assert words.reason_words("disability_mockery") == "Possible mockery of disability"
