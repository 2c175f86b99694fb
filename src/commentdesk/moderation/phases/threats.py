"""Threats, calls for violence, dehumanising language, hatred of a group, sexual harassment and
mockery of disability.

Two views, either of which holds the comment: phrase patterns (RE2, site-editable; they name the
words that matched) and the harm model's heads on the sentence embedding (they catch the same
meaning in words no pattern lists: "it would be a shame if something happened to your family").
A match holds the comment for a person rather than rejecting it: "the killer should be executed"
under a court report is an opinion, not a threat, and only a reader of the context can tell.
Patterns are RE2 syntax (see moderation.patterns); the defaults are in moderation.default_patterns.
"""

from __future__ import annotations

import re

from commentdesk.i18n import N_
from commentdesk.moderation.normalize import NormalisedText, readings
from commentdesk.moderation.patterns import compile_patterns
from commentdesk.moderation.policy import Policy
from commentdesk.moderation.types import HOLD, Candidate, ModelSignals, PhaseResult, Reason

_QUOTED = re.compile(r'"[^"]{1,300}"|“[^”]{1,300}”|«[^»]{1,300}»')


def quoted_ranges(text: str) -> list[tuple[int, int]]:
    """Where the comment quotes someone: a phrase in quotation marks is reported, not said."""
    return [match.span() for match in _QUOTED.finditer(text)]


# Quotation marks, straight and typographic, around a few words: 'They "should" be shot' or 'They
# "should be" shot' stresses the words (or doubts them), it quotes no one, and the phrase patterns
# are written without the marks. A match wholly inside a quotation is still reported speech
# (`quoted_ranges`): seeing through these marks only lets a phrase run across them.
_QUOTE_MARKS = "\"'“”„‟‘’‚‛«»"
_WORD = r"[a-z0-9]+(?:['’-][a-z0-9]+)*"
_FEW_WORDS = 4
_FEW_QUOTED_WORDS = re.compile(
    rf"(?<![a-z0-9])([{_QUOTE_MARKS}]){_WORD}(?: {_WORD}){{0,{_FEW_WORDS - 1}}}([{_QUOTE_MARKS}])(?![a-z0-9])"
)


def without_quote_marks_around_words(normalised: NormalisedText) -> tuple[NormalisedText, set[int]]:
    """The normalised text less the quotation marks around a few words, still mapped to the
    original, and where those marks are in the original."""
    removed = {match.start(group) for match in _FEW_QUOTED_WORDS.finditer(normalised.text) for group in (1, 2)}
    if not removed:
        return normalised, set()
    kept = [index for index in range(len(normalised.text)) if index not in removed]
    view = NormalisedText(
        "".join(normalised.text[index] for index in kept),
        tuple(normalised.positions[index] for index in kept),
        normalised.original,
    )
    return view, {normalised.positions[index] for index in removed}


# A wish that harm does *not* come ("I hope no child gets hit by a tram", "i hope i dont get
# raped"): the wish patterns let a few words stand between the wish and the harm, and a negation
# among them turns it round. "Never" counts unless it is the harm ("I hope he never wakes up").
_WISH = re.compile(r"(?:i )?(?:hope|wish|pray)\b", re.IGNORECASE)
_NEGATION = re.compile(
    r"\b(?:no|not|nobody|none|nothing|no-one|noone|never(?! wakes?\b)|cannot|"
    r"(?:do|does|did|wo|would|could|should|is|was|ca)n['’ ]?t)\b",
    re.IGNORECASE,
)


def negated_wish(span: str) -> bool:
    """Whether a matched phrase wishes that something does not happen."""
    return _WISH.match(span) is not None and _NEGATION.search(span) is not None


def find_threats(text: str, patterns: list[str]) -> list[str]:
    """The phrases that match a pattern, except those wholly inside quotation marks
    ('one commenter says the minister "deserves to be shot"' reports a threat, it makes none)."""
    quoted = quoted_ranges(text)
    spans = []
    # RE2, never Python's backtracking engine: a site's pattern must not be able to stall the process.
    for reading in readings(text):
        normalised, marks = without_quote_marks_around_words(reading)
        for pattern in compile_patterns(tuple(patterns)):
            for match in pattern.finditer(normalised.text):
                start, end = match.span()
                if start >= end:
                    continue
                first, last = normalised.positions[start], normalised.positions[end - 1]
                if any(low <= first and last < high for low, high in quoted):
                    continue
                # Quoted words at either end are shown with their mark: '"should be" shot', not 'should be" shot'.
                if first - 1 in marks:
                    first -= 1
                if last + 1 in marks:
                    last += 1
                # A pattern may end on the character after its last word (RE2 has no look-ahead):
                # the evidence quoted to the author ends with the word.
                span = text[first : last + 1].rstrip(" \t\n.,;:!?")
                if not span or negated_wish(span):
                    continue
                if span not in spans:
                    spans.append(span)
    return spans


THREAT_MESSAGE = N_("It may threaten someone with violence, or wish or call for it.")
# Harm-model heads other than violence: (reason code, words for the author, policy setting).
_HEAD_REASONS = {
    "sexual": ("sexual_harassment", N_("It may be a sexual remark about a person."), "sexual_harassment_hold"),
    "disability": ("disability_mockery", N_("It may mock people for a disability or an illness."), "disability_mockery_hold"),
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
        reasons.append(Reason("dehumanising", N_("It may describe a group of people as less than human."), dehumanising))
    hatred = find_threats(candidate.text, policy.group_hatred_patterns)
    if hatred:
        reasons.append(Reason("group_hatred", N_("It may express hatred of a group of people."), hatred))
    reasons += _head_reasons(harm, policy)
    if not reasons:
        return PhaseResult(scores=scores)
    if dehumanising or hatred or (threat is not None and threat.evidence):
        scores["threat"] = 1.0  # a phrase rule matched
    return PhaseResult(HOLD, reasons, scores=scores)
