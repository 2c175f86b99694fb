import pytest

from commentdesk.moderation.normalize import normalise, word_pattern


@pytest.mark.parametrize(
    ("text", "entry", "span"),
    [
        ("You are an id1ot", "idiot*", "id1ot"),
        ("F u c k you", "fuck*", "F u c k"),
        ("fuuuuck off", "fuck*", "fuuuuck"),
        ("f*ck this", "fuck*", "f*ck"),
        ("what an \u0456d\u0456\u043et", "idiot*", "\u0456d\u0456\u043et"),  # Cyrillic look-alikes
        ("I.D.I.O.T!", "idiot*", "I.D.I.O.T"),
        ("sh!t happens", "shit*", "sh!t"),
        ("total m0r0ns", "moron*", "m0r0ns"),
        ("kill   yourself", "kill yourself", "kill   yourself"),
        ("so stu\u200bpid", "stupid*", "stu\u200bpid"),  # zero-width space inside the word
    ],
)
def test_tricks_are_undone_and_the_original_span_is_shown(text, entry, span):
    normalised = normalise(text)
    match = word_pattern(entry).search(normalised.text)
    assert match is not None
    assert normalised.original_span(*match.span()) == span


@pytest.mark.parametrize(
    ("text", "entry"), [("a class assessment", "ass"), ("Scunthorpe United", "cunt*"), ("I was shocked", "shit*")]
)
def test_words_inside_other_words_do_not_match(text, entry):
    assert word_pattern(entry).search(normalise(text).text) is None


def test_punctuation_after_a_word_is_not_a_letter():
    assert normalise("idiot!").text == "idiot!"


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("I was *on* the bus when it happened.", "mong"),
        ("Carry _on_ regardless, said the mayor.", "mong"),
        ("She was **on** time, for once.", "mong"),
    ],
)
def test_markdown_emphasis_is_not_a_mask(text, entry):
    # Read as masks, the asterisks of "*on*" would hide the m and g of "mong".
    assert word_pattern(entry).search(normalise(text).text) is None


@pytest.mark.parametrize(
    ("text", "entry", "span"),
    [("what a f*ck*ng mess", "fucking", "f*ck*ng"), ("such a m*ng", "mong", "m*ng"), ("f*** off", "fuck*", "f***")],
)
def test_masks_after_the_first_letter_still_hide_letters(text, entry, span):
    normalised = normalise(text)
    match = word_pattern(entry).search(normalised.text)
    assert match is not None
    assert normalised.original_span(*match.span()) == span


def test_a_word_with_its_first_letter_hidden_is_not_matched():
    # Masked words keep their first letter; "***" or "*uck" could be anything.
    assert word_pattern("fuck*").search(normalise("*uck off").text) is None
    assert word_pattern("kys").search(normalise("a new chapter. *** Then").text) is None
