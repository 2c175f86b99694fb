"""The evasion rewrites of the robustness check: each disguise does what its name says, to the words
an evader would disguise, and the same comment is always disguised the same way."""

from __future__ import annotations

import random

import pytest

from commentdesk.evaluation import perturb
from commentdesk.evaluation.perturb import HOMOGLYPHS, LEET, PERTURBATIONS


def test_spacing_spreads_the_abusive_word_and_keeps_the_rest():
    assert perturb.perturb("you are an idiot today", "spacing") == "you are an i d i o t today"


def test_punctuation_around_a_disguised_word_stays_outside_it():
    assert perturb.perturb("What an (idiot)!", "spacing") == "What an (i d i o t)!"


def test_leetspeak_swaps_at_least_one_letter_for_its_digit():
    rewritten = perturb.perturb("idiot", "leetspeak", seed=3)
    assert rewritten != "idiot" and len(rewritten) == len("idiot")
    for original, new in zip("idiot", rewritten, strict=True):
        assert new == original or new == LEET[original]
    # Half the letters that have a digit form (rounded down, at least one) are swapped.
    assert sum(a != b for a, b in zip("idiot", rewritten, strict=True)) == 2


def test_leetspeak_leaves_a_word_without_such_letters_alone():
    assert perturb._leet("kdv", random.Random(0)) == "kdv"


def test_a_dropped_letter_is_an_inner_vowel_when_there_is_one():
    for seed in range(10):
        rewritten = perturb.perturb("moron", "dropped_letters", seed=seed)
        assert rewritten in ("mron", "morn")  # never the first or last letter


def test_a_dropped_letter_of_a_word_without_inner_vowels_is_any_inner_letter():
    rewritten = perturb._drop_letter("psst", random.Random(1))
    assert len(rewritten) == 3 and rewritten[0] == "p" and rewritten[-1] == "t"


def test_words_shorter_than_four_letters_keep_all_their_letters():
    assert perturb._drop_letter("pig", random.Random(0)) == "pig"


def test_lookalike_letters_read_the_same_but_are_other_characters():
    rewritten = perturb.perturb("disgusting scum", "lookalike_unicode", seed=2)
    assert rewritten != "disgusting scum"
    back = {v: k for k, v in HOMOGLYPHS.items()}
    assert "".join(back.get(c, c) for c in rewritten) == "disgusting scum"


def test_only_letters_with_a_lookalike_can_change():
    assert perturb._homoglyph("bdfghk", random.Random(0)) == "bdfghk"


def test_another_seed_can_disguise_differently():
    text = "a disgusting hypocrite and an ignorant liar"
    assert len({perturb.perturb(text, "lookalike_unicode", seed=s) for s in range(6)}) > 1


@pytest.mark.parametrize("kind", sorted(PERTURBATIONS))
def test_words_without_abusive_stems_are_left_as_written(kind):
    text = "the council is a bunch of morons"
    rewritten = perturb.perturb(text, kind, seed=1)
    assert rewritten.startswith("the council is a bunch of ")


def test_without_abusive_words_the_two_longest_words_are_disguised():
    rewritten = perturb.perturb("go away you dreadful scoundrel", "spacing")
    assert rewritten == "go away you d r e a d f u l s c o u n d r e l"


def test_a_word_made_only_of_punctuation_stays_as_it_is():
    assert perturb.perturb("idiot ?!", "spacing") == "i d i o t ?!"
