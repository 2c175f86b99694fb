"""Banned words reject, suspect words hold; both matched through spacing and character tricks."""

from __future__ import annotations

from functools import lru_cache

from commentdesk.moderation.normalize import normalise, word_pattern
from commentdesk.moderation.policy import Policy
from commentdesk.moderation.types import HOLD, REJECT, Candidate, ModelSignals, PhaseResult, Reason


@lru_cache(maxsize=64)
def _compiled(entries: tuple[str, ...]):
    return [(entry, pattern) for entry in entries if (pattern := word_pattern(entry)) is not None]


def find_words(text: str, entries: list[str]) -> list[str]:
    """The spans of the original text that match any entry, in order of appearance."""
    normalised = normalise(text)
    hits: list[tuple[int, str]] = []
    for _entry, pattern in _compiled(tuple(entries)):
        for match in pattern.finditer(normalised.text):
            hits.append((match.start(), normalised.original_span(*match.span())))
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
        return PhaseResult(REJECT, [Reason("banned_word", "It contains language this site does not allow.", banned)])
    suspect = find_words(candidate.text, policy.suspect_words)
    if suspect:
        return PhaseResult(HOLD, [Reason("suspect_word", "It contains words that a moderator checks before publishing.", suspect)])
    return PhaseResult()
