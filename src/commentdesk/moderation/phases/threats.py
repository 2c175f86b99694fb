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
    # Calls on others to do it ("someone should shoot the minister").
    r"\b(?:someone|somebody|anyone|anybody|we|you|people|they) (?:should|must|needs? to|ought to|has to|have to|will|gonna|"
    r"should just|needs? to just) (?:shoot|kill|hang|stab|murder|behead|lynch|burn|bomb|execute|take out|string up|run over|"
    r"beat up|blow up|gas|slaughter|exterminate|eliminate)\b",
    # Incitement against whole groups ("kill every last one of them", "burn their villages").
    r"\b(?:kill|shoot|hang|burn|bomb|slaughter|exterminate|wipe out|gas|lynch|massacre|deport and shoot) (?:every|each|all)(?: last| single)? "
    r"(?:one|of)\b",
    r"\bburn (?:their|his|her|your) (?:village|villages|house|houses|home|homes|mosque|mosques|church|churches|temple|temples|"
    r"synagogue|synagogues|shops?)\b",
    # Wishing death or harm on someone.
    r"\b(?:i )?(?:hope|wish|pray) (?:he|she|they|you|u|him|her|them) (?:dies?|gets? (?:killed|shot|cancer|raped|hit by|run over)|"
    r"rots?|burns?|chokes?|drowns?|suffers?|never wakes? up)\b",
    r"\b(?:i )?(?:hope|wish) (?:he|she|they|you) (?:was|were) dead\b",
]

# People described as less than human: the language that comes before violence against a group.
_GROUPS = (r"(?:they|these people|those people|(?:all |most |the )?(?:muslims|jews|christians|hindus|sikhs|immigrants|migrants|"
           r"refugees|asylum seekers|blacks|whites|gays|lesbians|trans people|arabs|pakistanis|afghans|indians|mexicans|africans|"
           r"chinese|women|feminists|liberals|conservatives|leftists|foreigners|pashtuns|shias|sunnis|ahmadis|roma|gypsies))")
_LESS_THAN_HUMAN = (r"(?:animals|vermin|rats|snakes|parasites|cockroaches|roaches|insects|a disease|a cancer|a plague|subhuman|"
                    r"sub-human|savages|pigs|dogs|apes|monkeys|filth|scum|an infestation|a virus|leeches|maggots|beasts)")
DEFAULT_DEHUMANISING_PATTERNS = [
    rf"\b{_GROUPS} (?:are|r) (?:just |nothing but |all |like |no better than |worse than )?{_LESS_THAN_HUMAN}\b",
    rf"\b{_GROUPS} (?:breed|multiply) like {_LESS_THAN_HUMAN}\b",
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
    reasons = []
    spans = find_threats(candidate.text, policy.threat_patterns)
    if spans:
        reasons.append(Reason("threat", "It may threaten someone with violence.", spans))
    spans = find_threats(candidate.text, policy.dehumanising_patterns)
    if spans:
        reasons.append(Reason("dehumanising", "It may describe a group of people as less than human.", spans))
    if not reasons:
        return PhaseResult()
    return PhaseResult(HOLD, reasons, scores={"threat": 1.0})
