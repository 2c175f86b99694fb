"""What counts as a visible name or comment, and what is taken out of a name before it is shown."""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest

from commentdesk.api.schemas import VISIBLE_PATTERN
from commentdesk.services import comment_input
from commentdesk.services.comment_input import PostingError, has_visible, validate

INVISIBLE = [
    "\u200b",  # zero-width space
    "\u200b\u200b",
    "\u200e",  # left-to-right mark
    "\u202e",  # right-to-left override
    "\u2066\u2069",  # an empty isolate
    "\ufeff",  # byte order mark
    "\u2060\u00ad",  # word joiner, soft hyphen
    "\u3164",  # Hangul filler
    "\u2800",  # Braille blank
    "\ufe0f",  # variation selector
    "\U000e0041\U000e007f",  # tag characters
    "\x85\xa0\u3000",
    "\x9b",  # a C1 control
    " \u200d \u200c ",
]
VISIBLE = ["a", "Ana", "\u200bAna", "😀", "\u0634", "x\u202e", "\u0301"]


@pytest.mark.parametrize("text", INVISIBLE)
def test_space_control_and_format_characters_alone_are_not_a_name_or_a_comment(text):
    assert not has_visible(text)
    with pytest.raises(PostingError) as refused:
        validate(text, None, "A comment.", 100)
    assert (refused.value.code, refused.value.field) == ("name_required", "author_name")
    with pytest.raises(PostingError) as refused:
        validate("Ana", None, text, 100)
    assert (refused.value.code, refused.value.field) == ("text_required", "text")


@pytest.mark.parametrize("text", VISIBLE)
def test_one_visible_character_is_enough(text):
    assert has_visible(text)


@pytest.mark.parametrize("text", INVISIBLE + VISIBLE + ["a\x00", "\x00"])
def test_the_documented_pattern_says_what_posting_checks(text):
    # The OpenAPI document states the rule as a pattern; posting must refuse exactly what it refuses.
    assert (re.match(VISIBLE_PATTERN, text) is not None) == (has_visible(text) and "\x00" not in text)


def test_every_format_and_space_character_is_invisible():
    blank = [code for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code)) == "Cf" or chr(code).isspace()]
    assert [f"U+{code:04X}" for code in blank if has_visible(chr(code))] == []


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("\u202eSana", "Sana"),  # would show as "anaS", and turn the words after it around
        ("\u202bSana\u202c Khan", "Sana Khan"),
        ("\u2067\u0633\u0646\u0627\u2069", "\u0633\u0646\u0627"),
        ("Ana\u202d", "Ana"),
    ],
)
def test_direction_overrides_embeddings_and_isolates_are_taken_out_of_names(name, shown):
    assert validate(name, None, "A comment.", 100)[0] == shown


def test_a_name_of_direction_controls_only_is_refused():
    with pytest.raises(PostingError) as refused:
        validate("\u202e\u202a\u2066", None, "A comment.", 100)
    assert refused.value.code == "name_required"


def test_the_text_keeps_its_characters():
    # Only names lose direction controls: a comment may quote right-to-left text as written.
    assert validate("Ana", None, "quote: \u2067\u0633\u0646\u0627\u2069", 100)[2] == "quote: \u2067\u0633\u0646\u0627\u2069"
    assert comment_input.clean_name("  Ana \u202e  Maria ") == "Ana Maria"
