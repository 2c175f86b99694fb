"""How long something took or has waited, in words (i18n/durations.py): the workspace's figures and
the moderators' digest, in the language of the work at hand."""

from __future__ import annotations

import pytest

from commentdesk import i18n
from commentdesk.i18n.durations import duration_words


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (None, "–"),
        (0, "0 s"),
        (89.4, "89 s"),
        (90, "2 min"),
        (5399, "90 min"),
        (5400, "1.5 h"),
        (172799, "48.0 h"),
        (172800, "2.0 days"),
        (12 * 86400 + 3600, "12.0 days"),
    ],
)
def test_a_span_is_told_in_the_largest_unit_that_reads_well(seconds, words):
    assert duration_words(seconds) == words


@pytest.mark.parametrize(
    ("language", "seconds", "words"),
    [
        ("de", 5400, "1,5 h"),
        ("de", 3 * 86400, "3,0 Tage"),
        ("ur", 600, "10 منٹ"),
    ],
)
def test_a_span_is_told_in_the_language_at_hand(language, seconds, words):
    with i18n.using(language):
        assert duration_words(seconds) == words
