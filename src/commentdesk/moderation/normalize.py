"""Undo the tricks people use to slip words past a filter, keeping a map back to the original.

"F u c k", "f.u.c.k", "fuuuck", "f*ck", "id1ot" and Cyrillic look-alikes ("іdіоt") all become
comparable with a plain word list, and every match can still be shown in the reader's own text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from commentdesk.moderation.lookalikes import APOSTROPHES, CONFUSABLES, LEET
from commentdesk.moderation.spelled_words import read_words, worth_reading

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
    # spaces between its words, if it held several, are lost (see `readings` and `spelled_words`).
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
    """Every way the rules read a comment: `normalise(text)` first; when a spelled-out run starts
    with "a" or "i", also the reading that keeps that letter in the run; and when a run spells out
    several words ("y o u a r e a t o t a l i d i o t"), also the reading with those words apart.

    "a f u c k i n g joke" needs the letter read as a word, "you i d i o t" as the first letter
    of the word; only a word list can tell which, so word lists and phrase patterns try each reading.
    """
    usual = normalise(text)
    joined = _normalise(text, one_letter_words=False)
    found = [usual]
    for reading in (joined, words_apart(joined)):
        if all(reading.text != seen.text for seen in found):
            found.append(reading)
    return tuple(found)


def words_apart(normalised: NormalisedText) -> NormalisedText:
    """`normalised` with a space between the words of each spelled-out run that reads as words
    (`spelled_words.read_words`); a space stands where the original had a separator."""
    runs = [run for run in normalised.spelled_out if worth_reading(run[1] - run[0])]
    if not runs:  # ordinary comments: no spelled-out run, no dictionary
        return normalised
    text, positions = normalised.text, normalised.positions
    chars: list[str] = []
    kept: list[int] = []
    cursor = 0  # text[:cursor] is read: its characters are in chars
    for run_start, run_end in runs:
        words = read_words(text[run_start:run_end])
        if words is None or len(words) < 2:
            continue
        chars.extend(text[cursor:run_start])
        kept.extend(positions[cursor:run_start])
        for number, (start, end) in enumerate(words):
            if number:
                before, after = positions[run_start + start - 1], positions[run_start + start]
                chars.append(" ")
                kept.append(min(before + 1, after))
            chars.extend(text[run_start + start : run_start + end])
            kept.extend(positions[run_start + start : run_start + end])
        cursor = run_end
    if cursor == 0:  # no run read as several words
        return normalised
    chars.extend(text[cursor:])
    kept.extend(positions[cursor:])
    return NormalisedText("".join(chars), tuple(kept), normalised.original)


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
    for index, char in enumerate(folded):
        if char.isspace():
            parts.append(r"[^a-z0-9]*")
        elif char.isalnum() and index == 0:
            # A word hidden behind masks keeps its first letter ("f*ck", "c*nt"): without it,
            # "***" between paragraphs or "(rating: *****)" would be any word of that length.
            parts.append(f"{re.escape(char)}(?:{re.escape(char)}|[{re.escape(MASKS)}])*")
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
