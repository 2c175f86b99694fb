"""Is the comment about the article (or, for a reply, about the comment it answers)?"""

from __future__ import annotations

import re

from commentdesk.moderation.policy import Policy
from commentdesk.moderation.types import HOLD, REJECT, Candidate, ModelSignals, PhaseResult, Reason


def word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))


def check(candidate: Candidate, signals: ModelSignals, policy: Policy) -> PhaseResult:
    score = signals.relevance
    if score is None:
        return PhaseResult()
    probability = float(score.probability)
    result = PhaseResult(scores={"relevance": round(probability, 4), "similarity": round(float(score.similarity), 4)})
    if word_count(candidate.text) < policy.relevance_min_words:
        return result  # "Well said." is a fine reaction, not an off-topic comment
    against = "the comment it answers" if score.against == "parent" else "the article"
    evidence = [score.closest_passage] if score.closest_passage else []
    if policy.relevance_reject is not None and probability < policy.relevance_reject:
        result.decision = REJECT
        result.reasons = [Reason("off_topic", f"It does not seem to be about {against}.", evidence,
                                 detail=f"relevance {probability:.2f}, threshold {policy.relevance_reject:.2f}")]
    elif probability < policy.relevance_hold:
        result.decision = HOLD
        result.reasons = [Reason("off_topic", f"It may not be about {against}.", evidence,
                                 detail=f"relevance {probability:.2f}, threshold {policy.relevance_hold:.2f}")]
    return result
