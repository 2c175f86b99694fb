"""Banned words reject, suspect words hold; both matched through spacing and character tricks.

Sites write these lists, so they are matched with RE2 (see moderation.patterns): an entry such
as "aaaaaaaaaaaa" would make a backtracking engine take minutes on a comment of repeated letters.
RE2 has no look-around, so a word's boundaries are matched as characters of their own, on the
text padded with a space at each end.
"""

from __future__ import annotations

from functools import lru_cache

from commentdesk.i18n import N_
from commentdesk.moderation.normalize import NormalisedText, readings, word_edges, word_pattern_body
from commentdesk.moderation.patterns import compile_built
from commentdesk.moderation.policy import Policy
from commentdesk.moderation.types import HOLD, REJECT, Candidate, ModelSignals, PhaseResult, Reason

_BOUNDARY = "[^a-z0-9]"
# A sentence spelled out letter by letter is searched for entries between its possible word edges;
# past this many letters it is read as one word only, as any other text is (the search grows with the square).
MAX_SPELLED_OUT_SENTENCE = 200


@lru_cache(maxsize=64)
def _compiled(entries: tuple[str, ...]):
    """Each entry's pattern as a whole word, and on its own (for spelled-out sentences, which have no spaces)."""
    found = []
    for entry in entries:
        body = word_pattern_body(entry)
        if body is not None:
            found.append((entry, compile_built(f"{_BOUNDARY}({body}){_BOUNDARY}"), compile_built(body)))
    return found


def _matches(pattern, text: str):
    """(start, end) of each match in `text`; the boundary after one match may start the next."""
    padded = f" {text} "
    position = 0
    while (match := pattern.search(padded, position)) is not None:
        start, end = match.span(1)
        yield start - 1, end - 1
        position = end


def _spelled_out_matches(bare, normalised: NormalisedText):
    """(start, end) of each entry match in a spelled-out sentence ("I a m a n i d i o t") that
    starts and ends where a word may (`word_edges`); the shortest such match from each start."""
    text = normalised.text
    for run_start, run_end in normalised.spelled_out:
        if run_end - run_start > MAX_SPELLED_OUT_SENTENCE or bare.search(text, run_start, run_end) is None:
            continue
        starts, ends = word_edges(text[run_start:run_end])
        for start in starts:
            if bare.match(text, run_start + start, run_end) is None:
                continue
            for end in ends:
                if end > start and bare.fullmatch(text, run_start + start, run_start + end) is not None:
                    yield run_start + start, run_start + end
                    break


def find_words(text: str, entries: list[str]) -> list[str]:
    """The spans of the original text that match any entry, in order of appearance."""
    hits: list[tuple[int, str]] = []
    for normalised in readings(text):
        for _entry, pattern, bare in _compiled(tuple(entries)):
            for start, end in [*_matches(pattern, normalised.text), *_spelled_out_matches(bare, normalised)]:
                # Ordered by place in the original: each reading numbers its own text differently.
                hits.append((normalised.positions[start], normalised.original_span(start, end)))
    seen: set[str] = set()
    ordered = []
    for _start, span in sorted(hits):
        if span not in seen:
            seen.add(span)
            ordered.append(span)
    return ordered


def check(candidate: Candidate, _signals: ModelSignals, policy: Policy) -> PhaseResult:
    banned = find_words(candidate.text, policy.banned_words)
    if banned:
        return PhaseResult(REJECT, [Reason("banned_word", N_("It contains language this site does not allow."), banned)])
    suspect = find_words(candidate.text, policy.suspect_words)
    if suspect:
        return PhaseResult(
            HOLD, [Reason("suspect_word", N_("It contains words that a moderator checks before publishing."), suspect)]
        )
    return PhaseResult()
