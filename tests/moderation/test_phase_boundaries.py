"""Each phase's verdict exactly at, just above and just below the policy's thresholds, with the
reason codes and the moderators' detail it gives. Model outputs are crafted; no model runs."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from commentdesk.moderation.models.abuse import AbuseScore
from commentdesk.moderation.models.chatter import ChatterMatch
from commentdesk.moderation.models.harm import HarmScore
from commentdesk.moderation.models.relevance import RelevanceScore
from commentdesk.moderation.models.site_articles import SiteArticle, SiteArticles
from commentdesk.moderation.phases import abuse, model_health, relevance, threats, trust
from commentdesk.moderation.policy import Policy
from commentdesk.moderation.types import HOLD, REJECT, Candidate, CommenterHistory, ModelSignals

# Values a binary float holds exactly, so "exactly at the threshold" means what it says.
HOLD_AT, REJECT_AT = 0.5, 0.875


def candidate(text: str = "The new bike lanes on Market Street will help the shops there.", **extra) -> Candidate:
    return Candidate(text=text, article_title="Bike lanes", article_body="The council voted for bike lanes.", **extra)


def abuse_policy() -> Policy:
    return Policy(abuse_hold=HOLD_AT, abuse_reject=REJECT_AT)


# --- abuse ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("probability", "decision", "code"),
    [
        (HOLD_AT - 0.001, None, None),
        (HOLD_AT, HOLD, "possibly_abusive"),
        (HOLD_AT + 0.001, HOLD, "possibly_abusive"),
        (REJECT_AT - 0.001, HOLD, "possibly_abusive"),
        (REJECT_AT, REJECT, "abusive"),
        (1.0, REJECT, "abusive"),
    ],
)
def test_abuse_holds_and_rejects_from_its_thresholds_on(probability, decision, code):
    result = abuse.check(candidate(), ModelSignals(abuse=AbuseScore(probability)), abuse_policy())
    assert result.decision == decision
    assert [reason.code for reason in result.reasons] == ([code] if code else [])
    assert result.scores["abuse"] == round(probability, 4)


def test_the_abuse_detail_names_the_threshold_that_was_crossed():
    policy = abuse_policy()
    held = abuse.check(candidate(), ModelSignals(abuse=AbuseScore(0.6)), policy).reasons[0]
    rejected = abuse.check(candidate(), ModelSignals(abuse=AbuseScore(0.9)), policy).reasons[0]
    assert held.detail == "abuse 0.60, threshold 0.50"
    assert rejected.detail == "abuse 0.90, threshold 0.88"


def test_hold_and_reject_at_the_same_level_reject():
    policy = Policy(abuse_hold=0.75, abuse_reject=0.75)
    assert abuse.check(candidate(), ModelSignals(abuse=AbuseScore(0.75)), policy).decision == REJECT


def test_a_reject_threshold_of_one_never_rejects_below_certainty():
    policy = Policy(abuse_hold=0.5, abuse_reject=1)
    assert abuse.check(candidate(), ModelSignals(abuse=AbuseScore(0.9999)), policy).decision == HOLD
    assert abuse.check(candidate(), ModelSignals(abuse=AbuseScore(1.0)), policy).decision == REJECT


def test_category_scores_are_reported_per_category_and_rounded():
    score = AbuseScore(0.2, categories={"insult": 0.123456, "threat": 0.5})
    result = abuse.check(candidate(), ModelSignals(abuse=score), abuse_policy())
    assert result.decision is None
    assert result.scores == {"abuse": 0.2, "abuse_insult": 0.1235, "abuse_threat": 0.5}


@pytest.mark.parametrize(
    ("categories", "kind"),
    [
        ({"insult": 0.5}, "an insult"),  # exactly at one half names the category
        ({"insult": 0.499}, "abusive language"),
        ({"identity_attack": 0.7, "insult": 0.6}, "an attack on a group of people"),
        ({"sarcasm": 0.9}, "abusive language"),  # a category without words of its own
    ],
)
def test_the_kind_of_abuse_is_named_only_when_its_category_is_clear(categories, kind):
    result = abuse.check(candidate(), ModelSignals(abuse=AbuseScore(0.95, categories)), abuse_policy())
    assert result.reasons[0].params == {"kind": kind}
    assert result.reasons[0].message == f"It appears to contain {kind}."


@pytest.mark.parametrize(
    ("evidence", "shown"),
    [
        (["you", "idiot"], ["idiot"]),
        (["The", " and ", "scum"], ["scum"]),
        (["ok", "xx", "vile"], ["vile"]),  # under three characters says nothing
        (["Them", "THEIR"], []),  # function words in any case
    ],
)
def test_abuse_evidence_leaves_out_words_that_carry_no_abuse(evidence, shown):
    result = abuse.check(candidate(), ModelSignals(abuse=AbuseScore(0.6, evidence=evidence)), abuse_policy())
    assert result.reasons[0].evidence == shown


# --- harm heads and phrase patterns -------------------------------------------------------------


def harm(**scores: float) -> ModelSignals:
    return ModelSignals(harm=HarmScore({"violence": 0.0, "sexual": 0.0, "disability": 0.0, **scores}))


@pytest.mark.parametrize(
    ("head", "setting", "code"),
    [
        ("violence", "violence_hold", "threat"),
        ("sexual", "sexual_harassment_hold", "sexual_harassment"),
        ("disability", "disability_mockery_hold", "disability_mockery"),
    ],
)
@pytest.mark.parametrize(("offset", "held"), [(-0.001, False), (0.0, True), (0.001, True)])
def test_each_harm_head_holds_from_its_own_level_on(head, setting, code, offset, held):
    policy = Policy(**{setting: 0.625})
    result = threats.check(candidate(), harm(**{head: 0.625 + offset}), policy)
    assert (result.decision == HOLD) is held
    assert [reason.code for reason in result.reasons] == ([code] if held else [])
    assert result.scores[f"harm_{head}"] == round(0.625 + offset, 4)
    assert "threat" not in result.scores  # no phrase matched: the model alone held it


def test_a_harm_reason_tells_moderators_the_score_and_the_level():
    reasons = threats.check(candidate(), harm(sexual=0.81, disability=0.9), Policy(sexual_harassment_hold=0.7)).reasons
    assert [reason.detail for reason in reasons] == [
        "sexual harassment 0.81, threshold 0.70",
        f"disability mockery 0.90, threshold {Policy().disability_mockery_hold:.2f}",
    ]


def test_a_phrase_threat_names_its_words_and_the_violence_head_adds_no_second_threat():
    result = threats.check(candidate("They should all be shot"), harm(violence=0.99), Policy())
    assert [reason.code for reason in result.reasons] == ["threat"]
    assert result.reasons[0].evidence == ["should all be shot"] and result.reasons[0].detail == ""
    assert result.scores["threat"] == 1.0


def test_dehumanising_language_and_a_threat_are_two_reasons():
    text = "Migrants are vermin and should be shot"
    result = threats.check(candidate(text), ModelSignals(), Policy())
    assert [reason.code for reason in result.reasons] == ["threat", "dehumanising"]
    assert result.reasons[1].evidence == ["Migrants are vermin"]


def test_harm_without_known_heads_is_ignored():
    result = threats.check(candidate(), ModelSignals(harm=HarmScore({"spite": 0.99})), Policy())
    assert result.decision is None and result.scores == {"harm_spite": 0.99}


# --- relevance ----------------------------------------------------------------------------------


def relevance_signals(
    probability: float, similarity: float = 0.25, against: str = "article", chatter: ChatterMatch | None = None
) -> ModelSignals:
    return ModelSignals(
        relevance=RelevanceScore(probability, similarity, "The council voted for bike lanes.", against), chatter=chatter
    )


@pytest.mark.parametrize(("probability", "decision"), [(0.124, HOLD), (0.125, None), (0.126, None)])
def test_off_topic_holds_strictly_below_the_hold_threshold(probability, decision):
    result = relevance.check(candidate(), relevance_signals(probability), Policy(relevance_hold=0.125))
    assert result.decision == decision


@pytest.mark.parametrize(("probability", "decision"), [(0.0624, REJECT), (0.0625, HOLD), (0.2, None)])
def test_a_site_that_rejects_off_topic_rejects_strictly_below_its_threshold(probability, decision):
    policy = Policy(relevance_hold=0.125, relevance_reject=0.0625)
    result = relevance.check(candidate(), relevance_signals(probability), policy)
    assert result.decision == decision


def test_the_off_topic_reason_names_what_the_comment_was_compared_with():
    policy = Policy(relevance_hold=0.5)
    article = relevance.check(candidate(), relevance_signals(0.1), policy).reasons[0]
    reply = relevance.check(candidate(), relevance_signals(0.1, against="parent"), policy).reasons[0]
    assert article.message == "It may not be about the article."
    assert reply.message == "It may not be about the comment it answers."
    assert article.evidence == ["The council voted for bike lanes."]
    assert article.detail == "relevance 0.10, threshold 0.50"


def test_an_off_topic_reason_without_a_closest_passage_has_no_evidence():
    signals = ModelSignals(relevance=RelevanceScore(0.01, 0.0, None, "article"))
    reason = relevance.check(candidate(), signals, Policy()).reasons[0]
    assert reason.code == "off_topic" and reason.evidence == []


@pytest.mark.parametrize(
    ("text", "judged"),
    [
        ("Bike lanes are great", True),  # exactly four words
        ("Bike lanes, great", False),
        ("", False),
    ],
)
def test_comments_shorter_than_the_minimum_are_not_judged_for_relevance(text, judged):
    result = relevance.check(candidate(text), relevance_signals(0.01), Policy(relevance_min_words=4))
    assert (result.decision == HOLD) is judged
    assert result.scores["relevance"] == 0.01  # the score is kept either way


def test_a_minimum_of_zero_words_judges_every_comment():
    assert relevance.check(candidate("Hm"), relevance_signals(0.01), Policy(relevance_min_words=0)).decision == HOLD


def chatter(similarity: float, reaction: float = 0.0) -> ChatterMatch:
    return ChatterMatch("football", "football", similarity, reaction, "Did you see the goal in the derby last night?")


@pytest.mark.parametrize(
    ("similarity", "article", "reaction", "held"),
    [
        (0.5, 0.375, 0.0, True),  # fits exactly at the minimum, beats the article exactly by the margin
        (0.4999, 0.25, 0.0, False),  # does not fit well enough
        (0.5, 0.3751, 0.0, False),  # not far enough ahead of the article
        (0.5, 0.25, 0.5, False),  # a plain reaction fits as well
        (0.5, 0.25, 0.4999, True),
    ],
)
def test_chatter_is_held_when_it_fits_clearly_and_beats_the_article(similarity, article, reaction, held):
    policy = Policy(chatter_min_similarity=0.5, chatter_margin=0.125)
    result = relevance.check(candidate("First!"), relevance_signals(0.9, article, chatter=chatter(similarity, reaction)), policy)
    assert (result.decision == HOLD) is held
    assert result.scores["chatter"] == round(similarity, 4)


def test_the_default_chatter_margin_is_met_by_scores_that_differ_by_it():
    # 0.38 - 0.33 is 0.04999... in binary floating point: still a margin of 0.05 to a reader.
    signals = relevance_signals(0.9, 0.33, chatter=chatter(0.38))
    assert relevance.chatter_topic(signals, Policy(chatter_min_similarity=0.38, chatter_margin=0.05)) is not None


def test_chatter_names_its_subject_and_the_closest_example_and_lowers_relevance():
    signals = relevance_signals(0.9, 0.1, against="parent", chatter=chatter(0.7))
    result = relevance.check(candidate("Did anyone watch the derby?"), signals, Policy())
    reason = result.reasons[0]
    assert reason.message == "It looks like it is about football, not the comment it answers."
    assert reason.evidence == ["Did you see the goal in the derby last night?"]
    assert result.scores["relevance"] == pytest.approx(0.3)  # at most one minus the chatter's fit


def test_a_comment_that_says_it_is_off_topic_wins_over_chatter():
    signals = relevance_signals(0.9, 0.1, chatter=chatter(0.9))
    reason = relevance.check(candidate("Off topic, but who won the derby?"), signals, Policy()).reasons[0]
    assert reason.params == {"words": "Off topic"}
    assert reason.message == "It says itself that it is off-topic (“Off topic”)."


def test_without_a_relevance_score_there_is_no_chatter_either():
    signals = ModelSignals(chatter=chatter(0.99))
    assert relevance.chatter_topic(signals, Policy()) is None
    assert relevance.check(candidate("First!"), signals, Policy()).decision is None


# --- trust and model health ---------------------------------------------------------------------


@pytest.mark.parametrize(("published", "hold_until", "held"), [(0, 1, True), (2, 3, True), (3, 3, False), (50, 0, False)])
def test_new_commenters_are_held_until_they_have_enough_published(published, hold_until, held):
    result = trust.check(
        candidate(history=CommenterHistory(published=published)), ModelSignals(), Policy(new_commenter_hold=hold_until)
    )
    assert (result.decision == HOLD) is held


@pytest.mark.parametrize(("rejections", "limit", "held"), [(1, 2, False), (2, 2, True), (9, 0, False)])
def test_recent_rejections_hold_from_the_limit_on_and_a_limit_of_zero_is_off(rejections, limit, held):
    result = trust.check(
        candidate(history=CommenterHistory(published=10, recent_rejections=rejections)),
        ModelSignals(),
        Policy(hold_after_recent_rejections=limit),
    )
    assert (result.decision == HOLD) is held


def test_unknown_history_is_no_reason_to_hold_but_premoderation_still_is():
    assert trust.check(candidate(), ModelSignals(), Policy(new_commenter_hold=5)).decision is None
    result = trust.check(candidate(), ModelSignals(), Policy(premoderate=True))
    assert [reason.code for reason in result.reasons] == ["premoderated"]


def test_every_trust_reason_is_kept():
    history = CommenterHistory(published=0, recent_rejections=4)
    result = trust.check(candidate(premoderated=True, history=history), ModelSignals(), Policy(new_commenter_hold=1))
    assert [reason.code for reason in result.reasons] == ["premoderated", "new_commenter", "recent_rejections"]


def test_each_failed_model_is_its_own_reason_in_name_order():
    failures = {"relevance": "error: no passages", "abuse": "timed out after 2000 ms of model work"}
    result = model_health.check(candidate(), ModelSignals(failures=failures), Policy())
    assert result.decision == HOLD
    assert [(reason.code, reason.evidence) for reason in result.reasons] == [
        ("model_timeout", ["abuse: timed out after 2000 ms of model work"]),
        ("model_unavailable", ["relevance: error: no passages"]),
    ]


def test_a_site_that_turns_the_relevance_hold_off_gets_no_chatter_holds_either():
    signals = relevance_signals(0.9, 0.1, chatter=chatter(0.9))
    result = relevance.check(candidate("Happy birthday to my sister!"), signals, Policy(relevance_hold=0.0))
    assert result.decision is None and result.scores["chatter"] == 0.9
    # Its own markers still hold a comment that says it is off-topic.
    result = relevance.check(candidate("Unrelated, but happy birthday to my sister!"), signals, Policy(relevance_hold=0.0))
    assert result.decision == "hold"
    # A site that rejects off-topic comments still has chatter judged.
    strict = Policy(relevance_hold=0.0, relevance_reject=0.05)
    assert relevance.check(candidate("Happy birthday to my sister!"), signals, strict).decision == "hold"


# --- another article of the site ----------------------------------------------------------------


def site_of(similarity: float) -> tuple[Candidate, ModelSignals]:
    """A comment under article 1 whose closest passage of the site's article 2 has this cosine."""
    other = np.array([[similarity, (1 - similarity**2) ** 0.5]], dtype=np.float32)
    bank = SiteArticles([SiteArticle(2, "Club signs a striker", ["The club signed a striker."], other)])
    comment = candidate("What a signing, that striker will score goals all season.", article_id=1, site_articles=bank)
    return comment, np.array([1.0, 0.0], dtype=np.float32)


@pytest.mark.parametrize(
    ("probability", "similarity", "own", "held"),
    [
        (0.25, 0.625, 0.375, True),  # fits exactly at the minimum, beats its own article exactly by the margin
        (0.25, 0.6249, 0.25, False),  # does not fit well enough
        (0.25, 0.625, 0.3751, False),  # not far enough ahead of its own article
        (0.5, 0.75, 0.25, False),  # relevant enough to its own article
        (0.4999, 0.75, 0.25, True),
    ],
)
def test_another_article_is_named_when_it_fits_clearly_and_the_own_article_does_not(probability, similarity, own, held):
    policy = Policy(other_article_min_similarity=0.625, other_article_margin=0.25, other_article_max_relevance=0.5)
    comment, embedding = site_of(similarity)
    signals = relevance_signals(probability, own)
    signals.embedding = embedding
    result = relevance.check(comment, signals, policy)
    assert ([reason.code for reason in result.reasons] == ["other_article"]) is held
    if held:
        assert result.decision == HOLD and result.scores["other_article"] == round(similarity, 4)
        assert result.reasons[0].message == "It looks like it is about another article, “Club signs a striker”, not the article."
        assert result.reasons[0].evidence == ["The club signed a striker."]


def test_another_article_is_not_named_for_short_reactions_or_where_off_topic_holds_are_off():
    comment, embedding = site_of(0.9)
    signals = relevance_signals(0.05, 0.1)
    signals.embedding = embedding
    assert relevance.other_article(comment, signals, Policy()) is not None
    assert relevance.other_article(replace(comment, text="Great signing!"), signals, Policy()) is None
    assert relevance.other_article(comment, signals, Policy(relevance_hold=0.0)) is None


def test_another_article_of_the_site_is_named_rather_than_a_chatter_subject():
    comment, embedding = site_of(0.9)
    signals = relevance_signals(0.05, 0.1, chatter=chatter(0.7))
    signals.embedding = embedding
    result = relevance.check(comment, signals, Policy())
    assert [reason.code for reason in result.reasons] == ["other_article"] and result.decision == HOLD
