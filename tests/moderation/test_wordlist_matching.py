"""Word-list entries against the text readers write: word boundaries, disguised spellings,
look-alike characters, case and Unicode, and site patterns compiled by RE2."""

from __future__ import annotations

import pytest

from commentdesk.moderation.lookalikes import CONFUSABLES, LEET
from commentdesk.moderation.normalize import MASKS, normalise
from commentdesk.moderation.patterns import MAX_PATTERN_CHARS, PatternError, compile_pattern, compile_patterns
from commentdesk.moderation.phases import wordlists
from commentdesk.moderation.phases.wordlists import find_words, words_found
from commentdesk.moderation.policy import DEFAULT_BANNED_WORDS, DEFAULT_SUSPECT_WORDS, Policy
from commentdesk.moderation.types import HOLD, Candidate, ModelSignals


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("idiot", ["idiot"]),  # the whole comment
        ("(idiot)", ["idiot"]),
        ("idiot,idiot", ["idiot"]),  # named once, however often it appears
        ("idiot idiots", ["idiot", "idiots"]),  # two spellings, both shown
        ("IDIOT!", ["IDIOT"]),
        ("idiotic", ["idiotic"]),  # a starred entry takes any ending
        ("semi-idiot", ["idiot"]),  # a hyphen is a boundary
        ("idiot's take", ["idiot"]),
        ("the idiot2 account", []),  # a digit after it makes another word
        ("2idiot", []),
        ("nonidiot", []),
    ],
)
def test_a_starred_entry_matches_at_word_boundaries_only(text, found):
    assert find_words(text, ["idiot*"]) == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("spic", ["spic"]),
        ("spics", ["spics"]),
        ("spicy food", []),
        ("paki", ["paki"]),
        ("Pakistan", []),
        ("wogs", ["wogs"]),
        ("the Wogan show", []),
        ("coon", ["coon"]),
        ("raccoon and cocoon", []),
        ("tard", ["tard"]),
        ("fire retardant", []),
        ("growth retardation", []),
        ("a retarded idea", ["retarded"]),
    ],
)
def test_unstarred_default_entries_do_not_match_longer_words(text, found):
    assert find_words(text, DEFAULT_BANNED_WORDS + DEFAULT_SUSPECT_WORDS) == found


@pytest.mark.parametrize(
    ("text", "banned", "suspect"),
    [
        ("what a r3tard", ["r3tard"], []),
        ("the r e t a r d s", ["r e t a r d s"], []),
        ("a chink in the minister's armour", [], ["chink"]),  # held for a person, not rejected
        ("chinks out", [], ["chinks"]),
        ("the chinking of glasses", [], []),
    ],
)
def test_slurs_that_are_also_news_words_are_held_and_others_rejected(text, banned, suspect):
    assert find_words(text, DEFAULT_BANNED_WORDS) == banned
    assert find_words(text, DEFAULT_SUSPECT_WORDS) == suspect


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("MORON", ["MORON"]),
        ("MoRoN", ["MoRoN"]),
        ("m0r0n", ["m0r0n"]),
        ("m@r0n", []),  # "@" is read as "a": "maron" is not the word
        ("mor*n", ["mor*n"]),
        ("m#r#n", ["m#r#n"]),
        ("mo_ron", ["mo_ron"]),  # a mask character stands for one letter or joins two
        ("mooorooon", ["mooorooon"]),
        ("m\u043er\u043en", ["m\u043er\u043en"]),  # Cyrillic o
        ("m\u03bfr\u03bfn", ["m\u03bfr\u03bfn"]),  # Greek omicron
        ("ᴍᴏʀᴏɴ", ["ᴍᴏʀᴏɴ"]),  # small capitals
        ("ｍｏｒｏｎ", ["ｍｏｒｏｎ"]),  # full width
        ("móròn", ["móròn"]),  # accents
        ("mo\u200bron", ["mo\u200bron"]),  # an invisible space inside the word
        ("m o r o n", ["m o r o n"]),
        ("m-o-r-o-n", ["m-o-r-o-n"]),
        ("m.o.r.o.n.", ["m.o.r.o.n"]),
        ("m o r-o n", []),  # mixed separators do not spell a word
    ],
)
def test_disguised_spellings_are_read_as_the_word(text, found):
    assert find_words(text, ["moron*"]) == found


def test_the_evidence_is_the_readers_own_spelling_in_order_of_appearance():
    text = "Sc*m and then an 1d1ot, then scum again"
    assert find_words(text, ["idiot*", "scum*"]) == ["Sc*m", "1d1ot", "scum"]


@pytest.mark.parametrize(
    ("entry", "text", "found"),
    [
        ("shut the fuck up", "shut the f*** up", True),
        ("shut the fuck up", "SHUT. THE. FUCK. UP.", True),
        ("shut the fuck up", "shutthefuckup", True),
        ("shut the fuck up", "shut the fuck", False),
        ("piece of shit", "piece of sh1t", True),
        ("piece of shit", "a piece of shiteness", False),  # no star: the phrase must end there
        ("kill yourself", "kill-yourself", True),
        ("kill yourself", "killed yourself", False),
    ],
)
def test_phrase_entries_match_through_any_spacing(entry, text, found):
    assert (find_words(text, [entry]) != []) is found


def test_masks_hide_letters_after_the_first_but_not_stand_for_missing_ones():
    # A run of masks alone is punctuation ("***" between paragraphs), not every word of its length.
    assert find_words("you ***", ["ass"]) == []
    assert find_words("you *****", ["idiot"]) == []
    assert find_words("you i***", ["idiot"]) == []
    # With more letters hidden than shown the word may be another: a match, but an unsure one.
    assert words_found("you a**", ["ass"]) == ([], ["a**"])
    assert words_found("you i****", ["idiot"]) == ([], ["i****"])
    assert words_found("you id**t", ["idiot"]) == (["id**t"], [])


def test_entries_are_case_blind_and_folded_like_the_text():
    assert find_words("what an idiot", ["IDIOT*"]) == ["idiot"]
    assert find_words("what an idiot", ["\u0456d\u0456\u043et"]) == ["idiot"]  # a look-alike entry
    assert find_words("what an idiot", ["1d10t"]) == ["idiot"]


def test_entries_without_letters_and_empty_lists_find_nothing():
    assert find_words("what an idiot", []) == []
    assert find_words("what an idiot", ["*", "   "]) == []


def test_an_entry_with_regex_characters_is_taken_literally():
    assert find_words("c++ rules", ["c++"]) == ["c++"]
    assert find_words("cat rules", ["c.t"]) == []
    assert find_words("alb rules", ["a|b"]) == ["alb"]  # "|" is read as "l" in the entry too


def test_the_longest_entry_a_site_may_write_is_matched():
    # Its pattern is many times the length a site's own pattern may have; it must still work.
    entry = "z" * 100
    policy = Policy(suspect_words=[entry])
    result = wordlists.check(Candidate(f"so {entry}!", "T", "B"), ModelSignals(), policy)
    assert result.decision == HOLD and result.reasons[0].evidence == [entry]
    assert find_words("z" * 99, [entry]) == []
    long_phrase = " ".join(["abcdefghi"] * 10)
    assert find_words(f"and {long_phrase}", Policy(banned_words=[long_phrase]).banned_words) == [long_phrase]


@pytest.mark.parametrize("char", sorted(set(chr(code) for code in CONFUSABLES) - {"ß"}))
def test_every_look_alike_letter_folds_to_one_latin_letter(char):
    folded = normalise(f"x{char}x").text
    assert len(folded) == 3 and folded[1].isascii() and folded[1].isalpha()


def test_sharp_s_becomes_two_letters_that_map_to_one_original_character():
    normalised = normalise("Straße")
    assert normalised.text == "strasse"
    assert normalised.original_span(4, 6) == "ß"


@pytest.mark.parametrize("char", sorted(chr(code) for code in LEET))
def test_every_leet_character_inside_a_word_is_a_letter(char):
    assert normalise(f"a{char}b").text.isalpha()


def test_exclamation_and_bar_end_a_word_unless_a_letter_follows():
    assert normalise("sh!t").text == "shit"
    assert normalise("wow!").text == "wow!"
    assert normalise("wow! ok").text == "wow! ok"
    assert normalise("a|b").text == "alb"
    assert normalise("a|").text == "a|"


@pytest.mark.parametrize("mask", list(MASKS))
def test_every_mask_character_hides_a_letter(mask):
    assert find_words(f"st{mask}pid", ["stupid*"]) == [f"st{mask}pid"]


def test_default_lists_hold_ordinary_insults_and_reject_slurs_only():
    policy = Policy()
    assert find_words("you absolute dickhead", policy.banned_words) == []
    assert find_words("you absolute dickhead", policy.suspect_words) == ["dickhead"]
    assert find_words("this budget is a fucking mess", policy.banned_words + policy.suspect_words) == []
    assert find_words("fuck off", policy.suspect_words) == ["fuck off"]


# --- site patterns, compiled by RE2 -----------------------------------------------------------------


def test_a_pattern_at_the_length_limit_compiles_and_one_longer_is_refused():
    assert compile_pattern("a" * MAX_PATTERN_CHARS).search("a" * MAX_PATTERN_CHARS)
    with pytest.raises(PatternError, match=f"at most {MAX_PATTERN_CHARS} characters"):
        compile_pattern("a" * (MAX_PATTERN_CHARS + 1))


@pytest.mark.parametrize("pattern", [r"(a)\1", r"(?=a)b", r"(?<!a)b", r"(?P<x>a)(?P=x)"])
def test_back_references_and_look_around_are_refused_with_why(pattern):
    with pytest.raises(PatternError, match="back-references and look-around are not supported"):
        compile_pattern(pattern)


def test_a_pattern_too_big_for_its_memory_bound_is_refused():
    with pytest.raises(PatternError, match="not a regular expression RE2 accepts"):
        compile_pattern(r"(?:\w{1,100}){1,100}" * 3)


def test_a_list_with_one_bad_pattern_is_refused_whole():
    with pytest.raises(PatternError):
        compile_patterns((r"\bfine\b", "(broken"))


def test_a_policy_names_the_setting_with_the_bad_pattern():
    with pytest.raises(ValueError) as refused:
        Policy.from_dict({"dehumanising_patterns": [r"\bok\b", r"(?=x)"]})
    assert refused.value.errors()[0]["loc"][0] == "dehumanising_patterns"
    assert "look-around" in str(refused.value)


def test_a_list_too_long_to_search_at_once_still_finds_its_words():
    # RE2 will not build one pattern for thousands of entries: each is then searched for alone.
    entries = [f"entry{number}" for number in range(5000)] + ["idiot"]
    assert find_words("you i d i o t, you idiot", entries) == ["i d i o t", "idiot"]
    assert find_words("a fine comment", entries) == []
