"""The shipped abuse weights were trained on text read through the look-alike tables of
`abuse-lexical-1`. Those tables are the rules' tables minus the entries added since; these tests
fail when a new entry in moderation/lookalikes.py would reach the frozen version unnoticed."""

from __future__ import annotations

import hashlib

from commentdesk.moderation import lookalikes
from commentdesk.moderation.models import abuse
from commentdesk.moderation.normalize import normalise


def _digest(table: dict[int, str]) -> str:
    return hashlib.sha256(repr(sorted(table.items())).encode()).hexdigest()[:16]


def test_the_frozen_tables_are_exactly_those_the_weights_were_trained_with():
    # If this fails after adding a look-alike: add the new character to
    # abuse._ADDED_AFTER_LEXICAL_1 (the next retraining moves the lexical view onto the full table).
    assert abuse.LEXICAL_NORMALISER == "abuse-lexical-1"
    assert (len(abuse._CONFUSABLES), _digest(abuse._CONFUSABLES)) == (54, "13765181dba99a2c")
    assert (len(abuse._LEET), _digest(abuse._LEET)) == (14, "67ed131bd041b6de")


def test_the_frozen_tables_are_a_part_of_the_rules_tables():
    assert abuse._CONFUSABLES.items() <= lookalikes.CONFUSABLES.items()
    assert abuse._LEET.items() <= lookalikes.LEET.items()
    # Only what the frozen version reads differently is left out.
    left_out = {chr(code) for code in lookalikes.CONFUSABLES.keys() - abuse._CONFUSABLES.keys()}
    left_out |= {chr(code) for code in lookalikes.LEET.keys() - abuse._LEET.keys()}
    assert left_out == set(abuse._ADDED_AFTER_LEXICAL_1)


def test_the_frozen_version_reads_a_later_look_alike_as_it_always_did():
    # "ł" joined the rules' table later: the rules read "idioł" as "idiol", the lexical view keeps the letter.
    assert normalise("what an idioł").text == "what an idiol"
    assert abuse.lexical_text("what an idioł") == "what an idioł"
    # An entry both have reads the same in both.
    assert abuse.lexical_text("what an \u0456diot") == normalise("what an \u0456diot").text == "what an idiot"
