"""Comment text as the rules and readers see it: the safe HTML a comment becomes, word-list
entries matched through disguises, and the fingerprints that find copies."""

from __future__ import annotations

import re

import pytest

from commentdesk.moderation.fingerprint import MIN_WORDS, NEAR_DUPLICATE_BITS, distance, is_near_duplicate, simhash
from commentdesk.moderation.normalize import normalise, simplify_for_fingerprint, word_pattern, word_pattern_body
from commentdesk.moderation.patterns import compile_pattern
from commentdesk.render import render_comment


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("Plain words.", "<p>Plain words.</p>"),
        ("*quiet* and **loud**", "<p><em>quiet</em> and <strong>loud</strong></p>"),
        ("line one\nline two", "<p>line one<br>\nline two</p>"),
        ("first\n\nsecond", "<p>first</p>\n<p>second</p>"),
        ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>"),
        ("`code`", "<p><code>code</code></p>"),
        ("~~struck~~", "<p><s>struck</s></p>"),
    ],
)
def test_a_small_markdown_subset_is_rendered(text, html):
    assert render_comment(text) == html


def test_links_keep_their_address_and_get_safe_rel():
    html = render_comment("[the plan](https://council.example/plan)")
    assert 'href="https://council.example/plan"' in html
    assert 'rel="nofollow ugc noopener noreferrer"' in html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "[click](javascript:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        '<iframe src="https://evil.example"></iframe>',
        "<style>body{display:none}</style>",
        '<p onclick="alert(1)">x</p>',
    ],
)
def test_markup_and_dangerous_links_never_reach_readers(text):
    html = render_comment(text)
    # Whatever the reader wrote shows as text: the only tags are the allowed ones, the only
    # attribute a link's web or mail address.
    for tag, attributes in re.findall(r"<(/?\w+)([^>]*)>", html):
        assert tag.strip("/") in {"p", "br", "em", "strong", "a", "code", "blockquote", "s"}, html
        for name, value in re.findall(r'(\w+)="([^"]*)"', attributes):
            assert name in {"href", "rel"}, html
            assert name != "href" or value.startswith(("http://", "https://", "mailto:")), html


def test_headings_lists_and_images_stay_plain_text():
    html = render_comment("# Heading\n\n- item\n\n![alt](https://x.example/a.png)")
    assert "<h1>" not in html and "<li>" not in html and "<img" not in html
    assert "Heading" in html and "item" in html


def test_mailto_links_are_allowed_and_other_schemes_dropped():
    assert 'href="mailto:editor@news.example"' in render_comment("[write](mailto:editor@news.example)")
    assert "ftp:" not in render_comment("[file](ftp://files.example/x)")


@pytest.mark.parametrize(
    ("entry", "text", "found"),
    [
        ("idiot*", "what idiots", True),
        ("idiot", "what idiots", False),  # without a star the word must end there
        ("idiot*", "idi0t", True),
        ("kill yourself", "kill.....yourself", True),
        ("kill yourself", "killyourself", True),
        ("moron*", "m*r*n", True),
        ("moron*", "oxymoron", False),
        ("stfu", "STFU now", True),
        ("  idiot*  ", "idiot", True),
    ],
)
def test_word_list_entries_match_through_disguises(entry, text, found):
    assert (word_pattern(entry).search(normalise(text).text) is not None) is found


@pytest.mark.parametrize("entry", ["", "   ", "*", "**"])
def test_an_entry_without_letters_matches_nothing(entry):
    assert word_pattern(entry) is None and word_pattern_body(entry) is None


def test_entry_bodies_compile_in_re2_too():
    for entry in ("idiot*", "kill yourself", "f.u", "c++"):
        body = word_pattern_body(entry)
        assert compile_pattern(body) is not None


def test_the_normalised_text_maps_back_to_the_readers_characters():
    text = "You are a f-u-c-k-i-n-g d1sgrace"
    normalised = normalise(text)
    start = normalised.text.index("fucking")
    assert normalised.original_span(start, start + len("fucking")) == "f-u-c-k-i-n-g"
    assert normalised.original_span(3, 3) == ""
    assert "disgrace" in normalised.text


def test_accents_and_width_are_folded():
    assert normalise("Ｉｄｉｏｔ").text == "idiot"
    assert normalise("idiót").text == "idiot"
    assert normalise("straße").text == "strasse"


def test_a_one_letter_word_before_a_spelled_out_word_stays_a_word():
    assert "a fucking joke" in normalise("a f u c k i n g joke").text


def test_fingerprints_ignore_case_punctuation_and_stretched_letters():
    assert simplify_for_fingerprint("Sooooo GOOD!!! Really, it is.") == "so good really it is"
    text = "The council should stop wasting money on these lanes and fix the potholes first"
    assert simhash(text) == simhash(text.upper() + "!!!")


def test_short_texts_have_no_fingerprint():
    assert simhash(" ".join(["word"] * (MIN_WORDS - 1))) is None
    assert simhash(" ".join(f"w{n}" for n in range(MIN_WORDS))) is not None


def test_fingerprints_fit_a_signed_64_bit_column():
    for number in range(50):
        value = simhash(" ".join(f"token{number}x{k}" for k in range(12)))
        assert -(2**63) <= value < 2**63


def test_distance_counts_differing_bits_whatever_the_sign():
    assert distance(0, 0) == 0 and distance(0b1011, 0b0001) == 2
    assert distance(-1, 0) == 64 and distance(-1, -2) == 1


def test_near_duplicates_are_within_a_few_bits():
    base = simhash("The council should stop wasting our money on these bike lanes and fix the roads first please")
    assert is_near_duplicate(base, [base ^ 0b111]) and NEAR_DUPLICATE_BITS == 4
    assert not is_near_duplicate(base, [base ^ 0b11111])
    assert not is_near_duplicate(None, [base]) and not is_near_duplicate(base, [])
    unrelated = simhash("Completely different words about the harbour festival and its fireworks this coming weekend")
    assert distance(base, unrelated) > NEAR_DUPLICATE_BITS


def test_near_duplicates_are_found_across_the_sign_bit():
    # -(2**63) is the sign bit alone; -1 has every bit set, -16 all but the lowest four.
    assert is_near_duplicate(-(2**63), [12, -(2**63) + 0b11])
    assert is_near_duplicate(-1, [0, -16]) and not is_near_duplicate(-1, [0, -32, 2**62])
    assert not is_near_duplicate(5, []) and not is_near_duplicate(None, [0])
