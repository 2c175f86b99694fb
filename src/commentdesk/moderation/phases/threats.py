"""Threats, calls for violence, dehumanising language, sexual harassment and mockery of disability.

Two views, either of which holds the comment: phrase patterns (RE2, site-editable; they name the
words that matched) and the harm model's heads on the sentence embedding (they catch the same
meaning in words no pattern lists: "it would be a shame if something happened to your family").
A match holds the comment for a person rather than rejecting it: "the killer should be executed"
under a court report is an opinion, not a threat, and only a reader of the context can tell.
Patterns are RE2 syntax (see moderation.patterns); the defaults below are valid in both engines.
"""

from __future__ import annotations

import re
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
    # Harm a few words after "should be" / "deserve to be" ("should be dragged out and hanged").
    rf"\b(?:should|must|ought to|needs? to|deserves? to|deserve to) (?:all |each |both )?(?:be|get|have) (?:[a-z']+ ){{1,6}}?{_HARM}\b",
    r"\b(?:deserves?|deserve|earned|needs?) (?:a|the|his|her|their) (?:bullet|bullets|rope|noose|beating|kicking|hiding|firing squad)\b",
    r"\b(?:deserves?|deserve|needs?) (?:a )?bullets? (?:each|in (?:the|his|her|their) heads?)\b",
    r"\b(?:deserves?|deserve|ought|need|needs?) to (?:die|be dead|burn|hang|rot)\b",
    r"\b(?:heads?|faces?|teeth|skulls?) (?:kicked|smashed|bashed|caved) in\b",
    r"\b(?:legs|arms|neck|necks|jaw|knees|bones) broken\b",
    # First-person harm to a body ("I will break his legs", "I'm coming for you").
    r"\b(?:break|smash|snap|cut|slit|bash) (?:your|his|her|their) (?:legs|arms|neck|necks|face|faces|jaw|skull|head|heads|knees|throat|throats)\b",
    r"\b(?:i'm|i am|we're|we are|i'll be|we'll be) (?:coming|comin) for (?:you|him|her|them|your|his|her|their)\b",
    r"\b(?:hunt|track) (?:you|him|her|them|the \w+) down\b",
    r"\b(?:leave|leaves|go home|goes home|going home|sent home|carried out) (?:here |town |this town )?in (?:a box|a coffin|a body bag|an ambulance|pieces)\b",
    r"\b(?:put|plant|place) a (?:bomb|bullet|knife) (?:under|in|into|on|through)\b",
    r"\bwon't (?:see me coming|make it home|walk out)\b",
    # Calls to violence against many ("bomb the tribal areas flat", "rise up and hang every minister").
    r"\b(?:bomb|nuke|shell|flatten|drone strike|carpet bomb) (?:the (?:entire|whole) |every |all (?:the )?)(?:[a-z']+ ){0,3}",
    r"\bbomb (?:[a-z']+ ){0,4}flat\b",
    r"\b(?:rise up|take up arms|grab (?:your|a) (?:gun|guns|knife|knives|torch|torches)) and (?:kill|hang|shoot|burn|lynch|attack|beat|string up|drag)\b",
    r"\b(?:round|rounded|rounding) up (?:all |every |the )?(?:[a-z']+ ){0,3}?and (?:put|shoot|gas|kill|hang|burn|drown|throw|lock)\b",
    r"\b(?:should|must|need to|needs to) be (?:rounded up|gassed|wiped out|exterminated|drowned|thrown into the sea|lined up)\b",
    r"\b(?:beat|rough) up (?:every|all|whoever|anyone|any)\b",
    r"\bturn (?:their|our|your|the) (?:guns|weapons|rifles) on\b",
    r"\b(?:drive|get|kick|force|throw) (?:[a-z']+ ){0,6}?out (?:of )?(?:[a-z']+ ){0,4}?(?:by force|fire included|by any means)\b",
    r"\bburn (?:down )?every (?:[a-z']+ ){0,2}?(?:mosque|church|synagogue|temple|hotel|house|home|shop|office)s?\b",
    r"\bwith (?:the |all the )?(?:worshippers|people|families|children|kids|residents|migrants|refugees|doors locked) (?:still )?inside\b",
    r"\b(?:don't|do not) let (?:a single|any|one) (?:[a-z']+ ){0,2}leave alive\b",
    r"\b(?:put|throw|hurl) (?:a )?(?:bricks?|rocks?|petrol bombs?|molotovs?) through\b",
    r"\b(?:pay|paid) (?:them|him|her|you|the \w+) a (?:little )?visit\b.{0,60}\b(?:regret|sorry|learn|lesson|afraid|scared|pay)\b",
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


_QUOTED = re.compile(r'"[^"]{1,300}"|“[^”]{1,300}”|«[^»]{1,300}»')


def quoted_ranges(text: str) -> list[tuple[int, int]]:
    """Where the comment quotes someone: a phrase in quotation marks is reported, not said."""
    return [match.span() for match in _QUOTED.finditer(text)]


def find_threats(text: str, patterns: list[str]) -> list[str]:
    """The phrases that match a pattern, except those wholly inside quotation marks
    ('one commenter says the minister "deserves to be shot"' reports a threat, it makes none)."""
    normalised = normalise(text)
    quoted = quoted_ranges(text)
    spans = []
    for pattern in _compiled(tuple(patterns)):
        for match in pattern.finditer(normalised.text):
            start, end = match.span()
            if start >= end:
                continue
            first, last = normalised.positions[start], normalised.positions[end - 1]
            if any(low <= first and last < high for low, high in quoted):
                continue
            span = normalised.original_span(start, end)
            if span not in spans:
                spans.append(span)
    return spans


THREAT_MESSAGE = "It may threaten someone with violence, or wish or call for it."
# Harm-model heads other than violence: (reason code, words for the author, policy setting).
_HEAD_REASONS = {
    "sexual": ("sexual_harassment", "It may be a sexual remark about a person.", "sexual_harassment_hold"),
    "disability": ("disability_mockery", "It may mock people for a disability or an illness.", "disability_mockery_hold"),
}


def _harm_scores(signals: ModelSignals) -> dict[str, float]:
    harm = signals.harm
    return dict(getattr(harm, "scores", None) or {})


def _threat_reason(text: str, violence: float, policy: Policy) -> Reason | None:
    """The patterns name the words; the violence head catches what no pattern lists."""
    spans = find_threats(text, policy.threat_patterns)
    if spans:
        return Reason("threat", THREAT_MESSAGE, spans)
    if violence >= policy.violence_hold:
        return Reason("threat", THREAT_MESSAGE, detail=f"violence {violence:.2f}, threshold {policy.violence_hold:.2f}")
    return None


def _head_reasons(harm: dict[str, float], policy: Policy) -> list[Reason]:
    found = []
    for head, (code, message, setting) in _HEAD_REASONS.items():
        value, level = harm.get(head, 0.0), getattr(policy, setting)
        if value >= level:
            found.append(Reason(code, message, detail=f"{code.replace('_', ' ')} {value:.2f}, threshold {level:.2f}"))
    return found


def check(candidate: Candidate, signals: ModelSignals, policy: Policy) -> PhaseResult:
    harm = _harm_scores(signals)
    scores = {f"harm_{head}": round(value, 4) for head, value in harm.items()}
    reasons = []
    threat = _threat_reason(candidate.text, harm.get("violence", 0.0), policy)
    if threat is not None:
        reasons.append(threat)
    dehumanising = find_threats(candidate.text, policy.dehumanising_patterns)
    if dehumanising:
        reasons.append(Reason("dehumanising", "It may describe a group of people as less than human.", dehumanising))
    reasons += _head_reasons(harm, policy)
    if not reasons:
        return PhaseResult(scores=scores)
    if dehumanising or (threat is not None and threat.evidence):
        scores["threat"] = 1.0  # a phrase rule matched
    return PhaseResult(HOLD, reasons, scores=scores)
