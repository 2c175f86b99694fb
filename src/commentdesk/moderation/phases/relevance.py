"""Is the comment about the article (or, for a reply, about the comment it answers)?"""

from __future__ import annotations

import re

from commentdesk.i18n import N_
from commentdesk.moderation.models.site_articles import OtherArticleMatch
from commentdesk.moderation.normalize import normalise
from commentdesk.moderation.patterns import compile_patterns
from commentdesk.moderation.policy import Policy
from commentdesk.moderation.types import (
    HOLD,
    REJECT,
    Candidate,
    ModelSignals,
    PhaseResult,
    Reason,
)


def declared_off_topic(text: str, patterns: list[str]) -> str | None:
    """The words with which a comment says it is off-topic ("Unrelated, but…"), if it does.
    The default markers are in moderation.default_patterns."""
    normalised = normalise(text)
    for pattern in compile_patterns(tuple(patterns)):
        match = pattern.search(normalised.text)
        if match is not None and match.end() > match.start():
            # A marker may take in the end of the sentence before it (". Unrelated, but"): not the reader's words.
            return normalised.original_span(*match.span()).strip().lstrip(".!? ")
    return None


def word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))


def chatter_topic(signals: ModelSignals, policy: Policy):
    """The common off-topic subject the comment is about instead, or None.

    It must fit clearly (two prototypes of the subject close to the comment), clearly better
    than the article or the comment answered, and better than a plain reaction ("Well said.")."""
    chatter, score = signals.chatter, signals.relevance
    if chatter is None or score is None:
        return None
    if policy.relevance_hold <= 0 and policy.relevance_reject is None:
        # A site that holds nothing for a low relevance score wants no off-topic holds from the
        # models at all (its own markers of "Unrelated, but…" still count).
        return None
    fits = chatter.similarity >= policy.chatter_min_similarity
    # Rounded: 0.38 - 0.33 is 0.04999... in binary floating point, yet a margin of 0.05 to the site.
    beats_article = round(chatter.similarity - float(score.similarity), 9) >= policy.chatter_margin
    if fits and beats_article and chatter.similarity > chatter.reaction_similarity:
        return chatter
    return None


def other_article(candidate: Candidate, signals: ModelSignals, policy: Policy) -> OtherArticleMatch | None:
    """The site's other article the comment is about instead, or None.

    Only a comment of some length (a short reaction is about what it answers), whose relevance to
    its own article is low, that fits one of the other article's passages clearly and clearly
    better than its own article or the comment it answers, and better than a plain reaction."""
    score, bank = signals.relevance, candidate.site_articles
    if score is None or bank is None or signals.embedding is None or not len(bank):
        return None
    if policy.relevance_hold <= 0 and policy.relevance_reject is None:
        return None  # no off-topic holds on the models' word (see chatter_topic)
    if word_count(candidate.text) < policy.relevance_min_words or score.probability >= policy.other_article_max_relevance:
        return None
    match = bank.closest(signals.embedding, candidate.article_id, signals.passage_vectors)
    if match is None or match.similarity < policy.other_article_min_similarity:
        return None
    if round(match.similarity - float(score.similarity), 9) < policy.other_article_margin:
        return None
    if signals.chatter is not None and match.similarity <= signals.chatter.reaction_similarity:
        return None
    return match


def _held_as_about(result: PhaseResult, similarity: float, reason: Reason) -> PhaseResult:
    """Held because the comment fits something else (another article, a chatter subject) this
    closely: its relevance is capped by that fit."""
    result.scores["relevance"] = round(min(result.scores["relevance"], 1.0 - similarity), 4)
    result.decision = HOLD
    result.reasons = [reason]
    return result


def check(candidate: Candidate, signals: ModelSignals, policy: Policy) -> PhaseResult:
    score = signals.relevance
    if score is None:
        return PhaseResult()
    probability = float(score.probability)
    result = PhaseResult(scores={"relevance": round(probability, 4), "similarity": round(float(score.similarity), 4)})
    against = N_("the comment it answers") if score.against == "parent" else N_("the article")
    chatter = chatter_topic(signals, policy)
    if signals.chatter is not None:
        result.scores["chatter"] = round(float(signals.chatter.similarity), 4)
    declared = declared_off_topic(candidate.text, policy.off_topic_markers)
    if declared:
        result.decision = HOLD
        result.reasons = [
            Reason("off_topic", N_("It says itself that it is off-topic (“%(words)s”)."), [declared], params={"words": declared})
        ]
        return result
    # The site's own article is the more telling name: football talk under the tram story that is
    # about the club's new signing, which the site also reported.
    elsewhere = other_article(candidate, signals, policy)
    if elsewhere is not None:
        result.scores["other_article"] = round(elsewhere.similarity, 4)
        return _held_as_about(
            result,
            elsewhere.similarity,
            Reason(
                "other_article",
                N_("It looks like it is about another article, “%(title)s”, not %(subject)s."),
                [elsewhere.closest],
                detail=f"closest passage {elsewhere.similarity:.2f}, own {float(score.similarity):.2f}",
                params={"title": elsewhere.title, "subject": against},
            ),
        )
    if chatter is not None:
        # Even a short comment ("First!", "Happy birthday Ali") is chatter when it matches this well.
        return _held_as_about(
            result,
            chatter.similarity,
            Reason(
                "off_topic",
                N_("It looks like it is about %(topic)s, not %(subject)s."),
                [chatter.closest],
                params={"topic": chatter.words, "subject": against},
            ),
        )
    if word_count(candidate.text) < policy.relevance_min_words:
        return result  # "Well said." is a fine reaction, not an off-topic comment
    evidence = [score.closest_passage] if score.closest_passage else []
    if policy.relevance_reject is not None and probability < policy.relevance_reject:
        result.decision = REJECT
        result.reasons = [
            Reason(
                "off_topic",
                N_("It does not seem to be about %(subject)s."),
                evidence,
                detail=f"relevance {probability:.2f}, threshold {policy.relevance_reject:.2f}",
                params={"subject": against},
            )
        ]
    elif probability < policy.relevance_hold:
        result.decision = HOLD
        result.reasons = [
            Reason(
                "off_topic",
                N_("It may not be about %(subject)s."),
                evidence,
                detail=f"relevance {probability:.2f}, threshold {policy.relevance_hold:.2f}",
                params={"subject": against},
            )
        ]
    return result
