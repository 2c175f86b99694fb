"""Undo the tricks people use to slip words past a filter, keeping a map back to the original.

"F u c k", "f.u.c.k", "fuuuck", "f*ck", "id1ot" and Cyrillic look-alikes ("іdіоt") all become
comparable with a plain word list, and every match can still be shown in the reader's own text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from commentdesk.moderation.function_words import FUNCTION_WORDS
from commentdesk.moderation.lookalikes import APOSTROPHES, CONFUSABLES, LEET

# CONFUSABLES and LEET: the one look-alike table (moderation/lookalikes.py).
# Characters that hide a letter ("f*ck"): they match any one letter.
MASKS = "*#%_?"
_SEPARATORS = " \t.-_,·•~'\""


@dataclass(frozen=True)
class NormalisedText:
    text: str  # lower-case Latin letters, digits undone, separators inside spelled-out words removed,
    # each run of white space one space
    positions: tuple[int, ...]  # positions[i] = index in the original of text[i]
    original: str
    # (start, end) in `text` of each run of letters that was spelled out one by one, joined: the
    # spaces between its words, if it held several, are lost (see `word_edges`).
    spelled_out: tuple[tuple[int, int], ...] = ()

    def original_span(self, start: int, end: int) -> str:
        """The original characters behind text[start:end]."""
        if start >= end:
            return ""
        return self.original[self.positions[start] : self.positions[end - 1] + 1]


@lru_cache(maxsize=8192)  # called for every character of every comment, on a few thousand distinct ones
def _fold_char(char: str) -> str:
    """One original character to zero or more plain lower-case characters."""
    lowered = char.lower().translate(CONFUSABLES).translate(APOSTROPHES)
    decomposed = unicodedata.normalize("NFKD", lowered)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.translate(LEET)


@lru_cache(maxsize=512)
def normalise(text: str) -> NormalisedText:
    """Several phases look at the same comment; the cache makes that one pass, not four."""
    return _normalise(text)


@lru_cache(maxsize=512)
def readings(text: str) -> tuple[NormalisedText, ...]:
    """Every way the rules read a comment: `normalise(text)` first and, when a spelled-out run
    starts with "a" or "i", also the reading that keeps that letter in the run.

    "a f u c k i n g joke" needs the letter read as a word, "you i d i o t" as the first letter
    of the word; only a word list can tell which, so word lists and phrase patterns try both.
    """
    usual = normalise(text)
    joined = _normalise(text, one_letter_words=False)
    return (usual,) if joined.text == usual.text else (usual, joined)


# Markdown emphasis around a whole word: "*on*", "__not__". Its markers are not masks: read
# as masks, "*on*" would be "mong" with two letters hidden.
_EMPHASIS = re.compile(r"(?<![\w*_])([*_]{1,2})[^\W\d_]+\1(?![\w*_])")


def _emphasis_markers(text: str) -> set[int]:
    """Indexes of the characters of `text` that mark emphasis rather than hide a letter."""
    markers: set[int] = set()
    for match in _EMPHASIS.finditer(text):
        width = len(match.group(1))
        markers.update(range(match.start(), match.start() + width))
        markers.update(range(match.end() - width, match.end()))
    return markers


def _normalise(text: str, one_letter_words: bool = True) -> NormalisedText:
    chars: list[str] = []
    positions: list[int] = []
    emphasis = _emphasis_markers(text) if ("*" in text or "_" in text) else set()
    for index, char in enumerate(text):
        if unicodedata.category(char) in {"Cf", "Mn"}:  # zero-width joiners, stray accents
            continue
        if index in emphasis:
            continue
        if char.isspace():
            # Phrase patterns are written with one space between words: "should  be\nshot" is the same threat.
            if not chars or chars[-1] != " ":
                chars.append(" ")
                positions.append(index)
            continue
        following = text[index + 1 : index + 2]
        if char in "!|" and not following.isalpha():
            # Punctuation at the end of a word, not a letter in disguise ("idiot!").
            chars.append(char)
            positions.append(index)
            continue
        for folded in _fold_char(char):
            chars.append(folded)
            positions.append(index)
    folded_text = "".join(chars)
    joined, joined_positions, runs = _join_spelled_out(folded_text, positions, one_letter_words)
    return NormalisedText(joined, tuple(joined_positions), text, tuple(runs))


# Three or more single letters with the same separator between them: "f u c k", "i.d.i.o.t".
_SPELLED_OUT = re.compile(r"(?<![a-z0-9])[a-z*#%_?]([ \t.\-_,·•~'\"]+)(?:[a-z*#%_?]\1){1,}[a-z*#%_?](?![a-z0-9])")
# One-letter words that often stand before a spelled-out word: "a f u c k i n g joke".
_ONE_LETTER_WORDS = "ai"


def _join_spelled_out(
    text: str, positions: list[int], one_letter_words: bool = True
) -> tuple[str, list[int], list[tuple[int, int]]]:
    out: list[str] = []
    out_positions: list[int] = []
    runs: list[tuple[int, int]] = []
    cursor = 0
    for match in _SPELLED_OUT.finditer(text):
        start = match.start()
        letters = [i for i in range(start, match.end()) if text[i] not in _SEPARATORS]
        if one_letter_words and text[start] in _ONE_LETTER_WORDS and match.group(1).isspace() and len(letters) >= 5:
            letters = letters[1:]
            start = letters[0]
        out.extend(text[cursor:start])
        out_positions.extend(positions[cursor:start])
        run_start = len(out)
        for offset in letters:
            out.append(text[offset])
            out_positions.append(positions[offset])
        runs.append((run_start, len(out)))
        cursor = match.end()
    out.extend(text[cursor:])
    out_positions.extend(positions[cursor:])
    return "".join(out), out_positions, runs


_LONGEST_FUNCTION_WORD = max(map(len, FUNCTION_WORDS))


def word_edges(letters: str) -> tuple[list[int], list[int]]:
    """Where a word may start and where it may end in letters spelled out without the spaces
    between words, as two ascending lists of offsets.

    "I a m a n i d i o t" joins to "iamanidiot": a word may start where function words lead up to
    it from the first letter (5 after "i am an", and 3 after "i am", ...) and end where function
    words follow it to the last letter (here only at the end, 10). Which of these is the word only
    a word list can tell: "idiot" fits from 5 to 10; "ass" fits at the start of "assessment" but
    "essment" is no run of function words, so "ass" does not end there.
    """
    size = len(letters)
    starts = [False] * (size + 1)
    starts[0] = True
    for offset in range(size):
        if starts[offset]:
            for length in range(1, min(_LONGEST_FUNCTION_WORD, size - offset) + 1):
                if letters[offset : offset + length] in FUNCTION_WORDS:
                    starts[offset + length] = True
    ends = [False] * (size + 1)
    ends[size] = True
    for offset in range(size, 0, -1):
        if ends[offset]:
            for length in range(1, min(_LONGEST_FUNCTION_WORD, offset) + 1):
                if letters[offset - length : offset] in FUNCTION_WORDS:
                    ends[offset - length] = True
    return [offset for offset in range(size) if starts[offset]], [offset for offset in range(1, size + 1) if ends[offset]]


def word_pattern(entry: str) -> re.Pattern[str] | None:
    """A regular expression matching a word-list entry in normalised text.

    Each letter may repeat ("fuuuck"), may be hidden by a mask ("f*ck"), and an entry ending in
    ``*`` also matches words that start with it ("idiot*" matches "idiots"). Entries of several
    words match with any spacing between them.
    """
    body = word_pattern_body(entry)
    return None if body is None else re.compile(rf"(?<![a-z0-9]){body}(?![a-z0-9])")


def word_pattern_body(entry: str) -> str | None:
    """The pattern of `word_pattern` without its word boundaries (which need look-around);
    it is valid in both Python's and RE2's syntax."""
    entry = entry.strip().lower()
    prefix = entry.endswith("*")
    entry = entry.rstrip("*").strip()
    folded = "".join(_fold_char(c) for c in entry)
    if not folded:
        return None
    parts = []
    for char in folded:
        if char.isspace():
            parts.append(r"[^a-z0-9]*")
        elif char.isalnum():
            parts.append(f"(?:{re.escape(char)}|[{re.escape(MASKS)}])+")
        else:
            parts.append(re.escape(char))
    tail = r"[a-z]*" if prefix else ""
    return "".join(parts) + tail


def simplify_for_fingerprint(text: str) -> str:
    """Lower-case words without punctuation or repeated letters: the text that duplicates share."""
    folded = normalise(text).text
    folded = re.sub(r"(.)\1{2,}", r"\1", folded)
    return " ".join(re.findall(r"[a-z0-9]+", folded))
