"""Threats of violence, found by phrase patterns: the abuse models rarely see threats in training.

A match holds the comment for a person rather than rejecting it: "the killer should be executed"
under a court report is an opinion, not a threat, and only a reader of the context can tell.
Patterns are RE2 syntax (see moderation.patterns); the defaults below are valid in both engines.
"""

from __future__ import annotations

from functools import lru_cache

from commentdesk.moderation.normalize import normalise
from commentdesk.moderation.patterns import compile_pattern
from commentdesk.moderation.policy import Policy
from commentdesk.moderation.types import HOLD, Candidate, ModelSignals, PhaseResult, Reason

_HARM = (r"(?:shot|killed|hanged|hung|lynched|executed|beheaded|stabbed|run over|burn(?:ed|t)(?: alive)?|raped|beaten(?: up)?|"
         r"strung up|wiped out|gassed|murdered|put down|exterminated|shot dead)")
DEFAULT_THREAT_PATTERNS = [
    rf"\b(?:should|must|will|gonna|ought to|needs? to|deserves? to|deserve to) (?:all )?(?:be|get) {_HARM}\b",
    r"\bi(?: will|'ll| am going to|'m going to|'m gonna| gonna| would happily| will happily)? (?:happily )?"
    r"(?:kill|shoot|stab|murder|hang|behead|run over|burn|beat up|hunt down|find and kill) (?:you|him|her|them|every|all|each)\b",
    r"\bi know where (?:you|he|she|they|his|her|their|your)(?: family)? (?:live|lives|family lives|kids|children|work|works)\b",
    r"\b(?:kill|shoot|hang|stab|burn|gas) (?:them|him|her|you) all\b",
    r"\b(?:go |just )?(?:kill|hang) yourself\b",
    r"\bi(?: will|'ll)? happily do it myself\b",
    r"\b(?:watch|better watch) your back\b",
]


@lru_cache(maxsize=32)
def _compiled(patterns: tuple[str, ...]) -> list:
    # RE2, never Python's backtracking engine: a site's pattern must not be able to stall the process.
    return [compile_pattern(pattern) for pattern in patterns]


def find_threats(text: str, patterns: list[str]) -> list[str]:
    normalised = normalise(text)
    spans = []
    for pattern in _compiled(tuple(patterns)):
        for match in pattern.finditer(normalised.text):
            span = normalised.original_span(*match.span())
            if span not in spans:
                spans.append(span)
    return spans


def check(candidate: Candidate, _signals: ModelSignals, policy: Policy) -> PhaseResult:
    spans = find_threats(candidate.text, policy.threat_patterns)
    if not spans:
        return PhaseResult()
    return PhaseResult(HOLD, [Reason("threat", "It may threaten someone with violence.", spans)], scores={"threat": 1.0})
