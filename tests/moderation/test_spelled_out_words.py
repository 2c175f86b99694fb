"""Letters spelled out one by one ("i d i o t") are read as the word they spell, also when the
word starts with "a" or "i" and so could be read as a one-letter word followed by the rest, and a
whole sentence spelled out ("y o u a r e a t o t a l i d i o t") as the words it spells.

The rules read such a comment both ways and a word list or phrase pattern matches either; the
usual reading (`normalise`) keeps "a" and "i" as words, so ordinary sentences read as before.
"""

from __future__ import annotations

import pytest

from commentdesk.moderation.normalize import normalise, readings
from commentdesk.moderation.phases import threats, wordlists
from commentdesk.moderation.policy import DEFAULT_BANNED_WORDS, DEFAULT_SUSPECT_WORDS, Policy
from commentdesk.moderation.spelled_words import MAX_LETTERS, read_words
from commentdesk.moderation.types import HOLD, REJECT, Candidate, ModelSignals


def candidate(text: str) -> Candidate:
    return Candidate(text=text, article_title="Council budget", article_body="The council set its budget.")


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("you i d i o t", "i d i o t"),
        ("i d i o t", "i d i o t"),
        ("You I D I O T", "I D I O T"),
        ("what an i d i 0 t you are", "i d i 0 t"),
        ("you a s s h o l e", "a s s h o l e"),
        ("such an i m b e c i l e", "i m b e c i l e"),
        ("you \u0456 d \u0456 \u043e t", "\u0456 d \u0456 \u043e t"),  # Cyrillic look-alikes, spaced
    ],
)
def test_a_spelled_out_word_starting_with_a_or_i_is_held(text, span):
    result = wordlists.check(candidate(text), ModelSignals(), Policy())
    assert result.decision == HOLD
    assert result.reasons[0].code == "suspect_word"
    assert result.reasons[0].evidence == [span]


def test_a_one_letter_word_before_a_spelled_out_word_is_still_a_word():
    # "a" is an article here: the insult is the spelled-out word after it, shown on its own.
    assert wordlists.find_words("what a f u c k i n g joke", ["fuck*"]) == ["f u c k i n g"]
    assert wordlists.find_words("i s t u p i d l y agreed", ["stupid*"]) == ["s t u p i d l y"]


def test_the_usual_reading_is_what_it_was():
    # Other parts (the harm model's second look, fingerprints) read `normalise`: it still detaches "a" and "i".
    assert normalise("you i d i o t").text == "you i diot"
    assert normalise("a f u c k i n g joke").text == "a fucking joke"


def test_the_second_reading_keeps_the_letter_in_the_word_and_maps_back():
    usual, joined = readings("you i d i o t")
    assert usual == normalise("you i d i o t")
    assert joined.text == "you idiot"
    start = joined.text.index("idiot")
    assert joined.original_span(start, start + 5) == "i d i o t"


@pytest.mark.parametrize(
    "text",
    [
        "I think the budget is fine",
        "a b c",  # fewer than five letters: joined in the usual reading already
        "I a m",
        "Options a, b or c are all on the table",
        "i.d.i.o.t",  # not separated by spaces: no one-letter word to read
        "",
    ],
)
def test_a_text_with_one_reading_gets_one(text):
    assert readings(text) == (normalise(text),)


@pytest.mark.parametrize(
    "text",
    [
        "I think a b c d e are the options",
        "Was I a m a z e d by the vote? Yes.",
        "I t h i n k the budget is fine",
        "plan a b c d e f for the council",
        "I am an idiom collector",
        "I diot is not a word",
        "a s s e s s m e n t of the budget",
    ],
)
def test_ordinary_sentences_with_i_and_a_are_not_held(text):
    assert wordlists.check(candidate(text), ModelSignals(), Policy()).decision is None


def test_a_banned_word_spelled_out_after_a_is_rejected():
    policy = Policy(banned_words=["asshat*"], suspect_words=[])
    result = wordlists.check(candidate("you a s s h a t"), ModelSignals(), policy)
    assert result.decision == REJECT and result.reasons[0].evidence == ["a s s h a t"]


def test_two_readings_name_each_word_once_in_the_order_written():
    found = wordlists.find_words("i d i o t, you m o r o n, you i d i o t", DEFAULT_SUSPECT_WORDS)
    assert found == ["i d i o t", "m o r o n"]
    found = wordlists.find_words("m o r o n and then i d i o t", DEFAULT_SUSPECT_WORDS)
    assert found == ["m o r o n", "i d i o t"]


def test_phrase_patterns_read_both_ways_too():
    # Only the reading that keeps the leading "i" in the run has "idiots" in it.
    patterns = [r"\bidiots? (?:like|such as) you\b"]
    assert threats.find_threats("i d i o t s like you", patterns) == ["i d i o t s like you"]
    assert threats.find_threats("no idiots here", patterns) == []


def test_default_slurs_spelled_out_after_a_word_are_rejected():
    assert wordlists.find_words("you r e t a r d", DEFAULT_BANNED_WORDS) == ["r e t a r d"]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("I a m a n i d i o t", "i d i o t"),
        ("y o u a r e a n i d i o t", "i d i o t"),
        ("w h a t a n i d i o t y o u a r e", "i d i o t"),
        ("I.A.M.A.N.I.D.I.O.T", "I.D.I.O.T"),
        ("honestly y o u a r e s u c h a m o r o n", "m o r o n"),
    ],
)
def test_a_sentence_spelled_out_letter_by_letter_is_held_for_the_insult_in_it(text, span):
    # Spelled out whole, the sentence has no spaces between its words: the insult is found between
    # the function words around it ("i am an" + "idiot").
    result = wordlists.check(candidate(text), ModelSignals(), Policy())
    assert result.decision == HOLD
    assert result.reasons[0].code == "suspect_word"
    assert result.reasons[0].evidence == [span]


def test_a_slur_in_a_spelled_out_sentence_is_rejected():
    result = wordlists.check(candidate("y o u r e t a r d"), ModelSignals(), Policy())
    assert result.decision == REJECT and result.reasons[0].evidence == ["r e t a r d"]


def test_a_slur_that_may_begin_a_longer_spelled_out_word_is_held_not_rejected():
    # The vocabulary lacks "retardant": the sentence reads "fire retard ant", and a moderator
    # decides whether "retard" is a word of it.
    result = wordlists.check(candidate("f i r e r e t a r d a n t"), ModelSignals(), Policy())
    assert result.decision == HOLD
    assert result.reasons[0].code == "suspect_word" and result.reasons[0].evidence == ["r e t a r d"]
    # Followed by a function word it is a word of its own, and refused.
    assert wordlists.check(candidate("r e t a r d a n d l i a r"), ModelSignals(), Policy()).decision == REJECT


@pytest.mark.parametrize(
    "text",
    [
        "I a m a z e d by the vote",
        "w h a t a n i d i o m",
    ],
)
def test_a_spelled_out_sentence_without_an_insult_is_published(text):
    assert wordlists.check(candidate(text), ModelSignals(), Policy()).decision is None


def test_a_word_inside_a_longer_spelled_out_word_is_not_an_insult():
    # A site listing "ass" must not catch a spelled-out "assessment": it reads as one word.
    assert wordlists.find_words("a s s e s s m e n t of the budget", ["ass"]) == []
    assert wordlists.find_words("y o u a r e a n a s s", ["ass"]) == ["a s s"]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("y o u a r e a t o t a l i d i o t", "i d i o t"),
        ("you are a t o t a l i d i o t", "i d i o t"),
        ("y o u a r e a f u c k i n g m o r o n", "m o r o n"),
        ("y o u a r e a l l m o r o n s", "m o r o n s"),
        ("y o u r e a l l y a r e a n i m b e c i l e", "i m b e c i l e"),
        ("s h u t u p y o u s t u p i d b i t c h", "s t u p i d"),
        ("w h a t a p i e c e o f s h i t", "p i e c e o f s h i t"),
    ],
)
def test_an_insult_among_other_spelled_out_words_is_held(text, span):
    # "total", "fucking", "really" are no function words: the sentence is read as words
    # from the vocabulary, and the insult is one of them.
    result = wordlists.check(candidate(text), ModelSignals(), Policy())
    assert result.decision == HOLD
    assert result.reasons[0].evidence[0] == span


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("i w i l l k i l l y o u", "i w i l l k i l l y o u"),
        ("y o u s h o u l d b e s h o t", "s h o u l d b e s h o t"),
        ("I k n o w w h e r e y o u l i v e", "I k n o w w h e r e y o u l i v e"),
        ("g o k i l l y o u r s e l f", "g o k i l l y o u r s e l f"),
    ],
)
def test_a_threat_spelled_out_letter_by_letter_is_held(text, span):
    # The phrase patterns see the words apart, and name the letters the reader wrote.
    assert threats.find_threats(text, Policy().threat_patterns) == [span]


# A site that lists short words that hide in longer ones.
_STRICT_SITE = Policy(banned_words=[*DEFAULT_BANNED_WORDS, "ass", "rape*", "rapist*"])


@pytest.mark.parametrize(
    "text",
    [
        "a s s e s s m e n t",
        "c l a s s",
        "g r a p e",
        "t h e r a p i s t",
        "t h e r a p i s t s",
        "t h a n k y o u a l l",
        "c o n g r a t u l a t i o n s t o t h e t e a m",
        "w e l l d o n e c o u n c i l",
    ],
)
def test_harmless_spelled_out_words_are_published(text):
    assert wordlists.check(candidate(text), ModelSignals(), _STRICT_SITE).decision is None
    assert threats.find_threats(text, _STRICT_SITE.threat_patterns) == []


def test_the_words_apart_reading_maps_back_to_the_letters_written():
    spelled = "y.o.u.a.r.e.a.t.o.t.a.l.i.d.i.o.t"
    words = readings(spelled)[-1]
    assert words.text.split()[-2:] == ["total", "idiot"]
    start = words.text.index("idiot")
    assert words.original_span(start, start + 5) == "i.d.i.o.t"


def test_spelled_out_letters_read_as_the_fewest_words():
    def read(letters, more_words=None):
        found = read_words(letters, more_words)
        return None if found is None else [letters[start:end] for start, end in found]

    assert read("thankyouall") == ["thank", "you", "all"]
    assert read("therapist") == ["therapist"]  # not "the rapist"
    assert read("assessment") == ["assessment"]
    assert read("fireretardxq") is None  # no reading of every letter: no words
    # A word list's entry reads as a word where the vocabulary has none ("moron")...
    assert read("youmoron", {(3, 8): 1}) == ["you", "moron"]
    # ...but letters past the stem of "idiot*" count as words of their own.
    assert read("whatanidiotyouare", {(6, 11): 1, (6, 17): 7}) == ["what", "an", "idiot", "you", "are"]


def test_a_long_spelled_out_run_is_read_as_one_word():
    # The reading is bounded: past MAX_LETTERS letters the run is not split into words.
    letters = "youareatotalidiot" * (MAX_LETTERS // 17 + 1)
    assert read_words(letters) is None
