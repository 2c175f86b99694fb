"""The normaliser undoes common evasion tricks while keeping words aligned with the original."""

import pytest

from commentdesk.moderation.models.abuse import lexical_text as normalise
from commentdesk.moderation.models.abuse import tokenize


@pytest.mark.parametrize(
    "text, expected",
    [
        ("You are an id1ot!", "you are an idiot"),
        ("f u c k you", "fuck you"),
        ("f.u.c.k off", "fuck off"),
        ("what a m0r0n", "what a moron"),
        ("you $hit", "you shit"),
        ("ѕhіt happens", "shit happens"),  # Cyrillic look-alikes
        ("ｆｕｃｋ", "fuck"),  # full-width letters
        ("fuuuuuck", "fuuck"),
        ("stu\u200bpid", "stupid"),  # zero-width space
        ("f*cking", "fcking"),
        ("Fück", "fuck"),
    ],
)
def test_evasions_are_undone(text, expected):
    assert normalise(text) == expected


def test_numbers_and_plain_words_survive():
    assert normalise("In 2020, 45 people voted.") == "in 2020 45 people voted"


def test_tokens_stay_aligned_with_the_original_text():
    originals, normalised = tokenize("Total i d 1 o t, that MINISTER")
    assert originals == ["Total", "i d 1 o t,", "that", "MINISTER"]
    assert normalised == ["total", "idiot", "that", "minister"]


def test_empty_text():
    assert tokenize("") == ([], [])
    assert normalise("   ") == ""


def test_repairs_map_dropped_letter_spellings_and_mark_them_disguised():
    from commentdesk.moderation.models.abuse import analyse

    plain = analyse("you stpid fool", {})
    fixed = analyse("you stpid fool", {"stpid": "stupid"})
    assert plain.normalised == ["you", "stpid", "fool"] and plain.disguised == 0.0
    assert fixed.normalised == ["you", "stupid", "fool"] and fixed.disguised == 1.0
    assert fixed.originals == ["you", "stpid", "fool"]


@pytest.mark.parametrize("word", ["id1ot", "f*ck", "s t u p i d", "ѕhіt", "$hit", "f.u.c.k", "ｆｕｃｋ"])
def test_disguised_words_are_flagged(word):
    from commentdesk.moderation.models.abuse import is_disguised

    assert is_disguised(word)


@pytest.mark.parametrize("word", ["covid19", "U.S.", "don't", "well-known", "2020", "café", "fuck"])
def test_ordinary_words_are_not_flagged(word):
    from commentdesk.moderation.models.abuse import is_disguised

    assert not is_disguised(word)
