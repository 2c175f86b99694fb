"""The trained abuse model's probability, against the site's hold and reject thresholds."""

from __future__ import annotations

from commentdesk.i18n import N_
from commentdesk.moderation.function_words import FUNCTION_WORDS
from commentdesk.moderation.policy import Policy
from commentdesk.moderation.types import (
    HOLD,
    REJECT,
    Candidate,
    ModelSignals,
    PhaseResult,
    Reason,
)

CATEGORY_WORDS = {
    "insult": N_("an insult"),
    "threat": N_("a threat"),
    "identity_attack": N_("an attack on a group of people"),
    "obscenity": N_("obscene language"),
}
ABUSIVE_LANGUAGE = N_("abusive language")


def meaningful_evidence(evidence: list[str]) -> list[str]:
    # Function words carry no abuse of their own; a linear model can still lean on them, but showing
    # them to a moderator as "the words that drove the score" would mislead.
    return [item for item in evidence if len(item.strip()) >= 3 and item.strip().lower() not in FUNCTION_WORDS]


def _kind(categories: dict[str, float]) -> str:
    if not categories:
        return ABUSIVE_LANGUAGE
    top, value = max(categories.items(), key=lambda item: item[1])
    return CATEGORY_WORDS.get(top, ABUSIVE_LANGUAGE) if value >= 0.5 else ABUSIVE_LANGUAGE


def check(_candidate: Candidate, signals: ModelSignals, policy: Policy) -> PhaseResult:
    score = signals.abuse
    if score is None:
        return PhaseResult()  # a missing model is the model-health phase's business
    probability = float(score.probability)
    result = PhaseResult(scores={"abuse": round(probability, 4)})
    for name, value in (score.categories or {}).items():
        result.scores[f"abuse_{name}"] = round(float(value), 4)
    kind = _kind(score.categories or {})
    if probability >= policy.abuse_reject:
        result.decision = REJECT
        result.reasons = [
            Reason(
                "abusive",
                N_("It appears to contain %(kind)s."),
                meaningful_evidence(score.evidence),
                detail=f"abuse {probability:.2f}, threshold {policy.abuse_reject:.2f}",
                params={"kind": kind},
            )
        ]
    elif probability >= policy.abuse_hold:
        result.decision = HOLD
        result.reasons = [
            Reason(
                "possibly_abusive",
                N_("It may contain %(kind)s."),
                meaningful_evidence(score.evidence),
                detail=f"abuse {probability:.2f}, threshold {policy.abuse_hold:.2f}",
                params={"kind": kind},
            )
        ]
    return result
