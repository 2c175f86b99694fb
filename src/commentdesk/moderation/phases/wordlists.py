"""Banned words reject, suspect words hold; both matched through spacing and character tricks.

Sites write these lists, so they are matched with RE2 (see moderation.patterns): an entry such
as "aaaaaaaaaaaa" would make a backtracking engine take minutes on a comment of repeated letters.
RE2 has no look-around, so a word's boundaries are matched as characters of their own, on the
text padded with a space at each end.
"""

from __future__ import annotations

from functools import lru_cache

from commentdesk.i18n import N_
from commentdesk.moderation.function_words import FUNCTION_WORDS
from commentdesk.moderation.normalize import MASKS, NormalisedText, readings, word_pattern_body
from commentdesk.moderation.patterns import PatternError, compile_built
from commentdesk.moderation.policy import Policy
from commentdesk.moderation.spelled_words import LONGEST_WORD, read_words, worth_reading
from commentdesk.moderation.types import HOLD, REJECT, Candidate, ModelSignals, PhaseResult, Reason

_BOUNDARY = "[^a-z0-9]"
# Letters past an entry's stem in a spelled-out sentence that may still be its word ("morons");
# longer tails read as words of their own or not at all.
LONGEST_TAIL = 3
# A word this short after an entry in a spelled-out sentence may be the rest of a longer word.
SHORT_WORD = 3


@lru_cache(maxsize=64)
def _compiled(entries: tuple[str, ...]):
    """Each entry's pattern as a whole word, and on its own (for spelled-out sentences, which have no spaces)."""
    found = []
    for entry in entries:
        body = word_pattern_body(entry)
        if body is not None:
            found.append((entry, compile_built(f"{_BOUNDARY}({body}){_BOUNDARY}"), compile_built(body)))
    return found


@lru_cache(maxsize=64)
def _any_entry(entries: tuple[str, ...]):
    """One pattern that matches wherever any entry's bare pattern does; None when RE2 would need
    more than its memory bound for it (a long list: each entry is then searched for alone).
    Most comments hold no listed word, and one search rules them all out: an entry's matches,
    whole words or parts of a spelled-out sentence, are all matches of its bare pattern in the
    text padded as `_matches` pads it (the patterns have no anchors)."""
    bodies = [body for entry in entries if (body := word_pattern_body(entry)) is not None]
    if not bodies:
        return None
    try:
        return compile_built("|".join(f"(?:{body})" for body in bodies))
    except PatternError:
        return None


def _matches(pattern, text: str):
    """(start, end) of each match in `text`; the boundary after one match may start the next."""
    padded = f" {text} "
    position = 0
    while (match := pattern.search(padded, position)) is not None:
        start, end = match.span(1)
        yield start - 1, end - 1
        position = end


def _spelled_out_matches(bare, normalised: NormalisedText):
    """(start, end, unsure) of each entry match that is one of the words a spelled-out sentence
    reads as ("I a m a n i d i o t": "i am an idiot"; `spelled_words.read_words`). The entry's
    matches read as words too, since the vocabulary lacks many insults ("moron"), but only where no
    reading with fewer words does without them: "a s s e s s m e n t" reads as "assessment", not
    "ass" and the rest. A match is `unsure` when a short word that is no function word follows it:
    the two may be one longer word the vocabulary lacks ("f i r e r e t a r d a n t" reads "fire
    retard ant")."""
    for run_start, run_end in normalised.spelled_out:
        # The run on its own: RE2 converts positions from the start of the string it is given.
        letters = normalised.text[run_start:run_end]
        if not worth_reading(len(letters)) or bare.search(letters) is None:
            continue
        matches = _entry_words(bare, letters)
        words = read_words(letters, matches) or ()
        for index, (start, end) in enumerate(words):
            if (start, end) not in matches:
                continue
            after = words[index + 1] if index + 1 < len(words) else None
            unsure = after is not None and after[1] - after[0] <= SHORT_WORD and letters[slice(*after)] not in FUNCTION_WORDS
            yield run_start + start, run_start + end, unsure


def _entry_words(bare, letters: str) -> dict[tuple[int, int], int]:
    """Each (start, end) in `letters` that the entry matches whole, with the words it counts for:
    one, and one more for each letter past the shortest match from its start (the tail of "idiot*",
    of at most LONGEST_TAIL letters: "morons", "idiotic")."""
    found = {}
    position = 0
    while (match := bare.search(letters, position)) is not None:
        start = position = match.start()
        position += 1
        shortest = None
        for end in range(start + 1, min(start + LONGEST_WORD, len(letters)) + 1):
            if shortest is not None and end - shortest > LONGEST_TAIL:
                break
            if bare.fullmatch(letters, start, end) is not None:
                shortest = end if shortest is None else shortest
                found[start, end] = 1 + end - shortest
    return found


def find_words(text: str, entries: list[str]) -> list[str]:
    """The spans of the original text that match any entry, in order of appearance: matches in
    the text's readings and the sure words of its spelled-out sentences."""
    return words_found(text, entries)[0]


def words_found(text: str, entries: list[str]) -> tuple[list[str], list[str]]:
    """`find_words`, and apart from them the spelled-out words that may be part of a longer word
    (an entry followed by a short word that is no function word), in one reading of the text."""
    hits: dict[bool, list[tuple[int, str]]] = {True: [], False: []}
    listed = tuple(entries)
    any_entry = _any_entry(listed)
    for normalised in readings(text):
        if any_entry is not None and any_entry.search(f" {normalised.text} ") is None:
            continue
        for _entry, pattern, bare in _compiled(listed):
            found = [(start, end, not unsure) for start, end, unsure in _spelled_out_matches(bare, normalised)]
            found += [
                (start, end, not _mostly_masked(normalised.text[start:end])) for start, end in _matches(pattern, normalised.text)
            ]
            for start, end, sure in found:
                # Ordered by place in the original: each reading numbers its own text differently.
                hits[sure].append((normalised.positions[start], normalised.original_span(start, end)))
    return _in_order(hits[True]), _in_order(hits[False])


def _mostly_masked(span: str) -> bool:
    """More letters hidden than shown ("c***"): the word may be another one of that length, so a
    banned entry holds it for a person rather than refusing it."""
    hidden = sum(char in MASKS for char in span)
    return hidden > sum(char.isalnum() for char in span)


def _in_order(hits: list[tuple[int, str]]) -> list[str]:
    """Each span once, in the order of the original text."""
    seen: set[str] = set()
    ordered = []
    for _start, span in sorted(hits):
        if span not in seen:
            seen.add(span)
            ordered.append(span)
    return ordered


def check(candidate: Candidate, _signals: ModelSignals, policy: Policy) -> PhaseResult:
    banned, unsure = words_found(candidate.text, policy.banned_words)
    if banned:
        return PhaseResult(REJECT, [Reason("banned_word", N_("It contains language this site does not allow."), banned)])
    # A banned word that may be part of a longer spelled-out word is held, not refused.
    suspect = find_words(candidate.text, policy.suspect_words) + unsure
    if suspect:
        return PhaseResult(
            HOLD, [Reason("suspect_word", N_("It contains words that a moderator checks before publishing."), suspect)]
        )
    return PhaseResult()
