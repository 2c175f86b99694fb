"""The pipeline's decision on crafted comments and crafted model outputs: each phase's verdict,
the strictest one winning, every reason kept, and what the author reads. No real model runs:
the signals are what the models would have said."""

from __future__ import annotations

import numpy as np
import pytest

from commentdesk.moderation.models.abuse import AbuseScore
from commentdesk.moderation.models.chatter import ChatterMatch
from commentdesk.moderation.models.harm import HarmScore
from commentdesk.moderation.models.relevance import RelevanceScore
from commentdesk.moderation.phases import abuse, model_health, relevance
from commentdesk.moderation.pipeline import PHASES, TEXT_ONLY_PHASES, ModerationModels, Pipeline
from commentdesk.moderation.policy import Policy
from commentdesk.moderation.types import (
    HOLD,
    PUBLISH,
    REJECT,
    Candidate,
    Decision,
    ModelSignals,
    PhaseResult,
    Reason,
    most_severe,
)

TITLE = "Council approves bike lanes on Market Street"
BODY = "The council voted on Tuesday to build protected bike lanes on Market Street. Shops fear lost parking."


class CannedModels:
    """Models that answer with the signals a test gives them."""

    def __init__(self, signals: ModelSignals) -> None:
        self._signals = signals
        self.seen: list[Candidate] = []

    def load(self) -> CannedModels:
        return self

    @property
    def versions(self) -> dict[str, str]:
        return {"abuse": "canned@1"}

    def signals(self, candidate: Candidate) -> ModelSignals:
        self.seen.append(candidate)
        return self._signals


def on_topic(probability: float = 0.9, similarity: float = 0.6) -> RelevanceScore:
    return RelevanceScore(
        probability=probability, similarity=similarity, closest_passage=BODY.split(".")[0] + ".", against="article"
    )


def signals(abuse_p: float = 0.01, relevance_score: RelevanceScore | None = None, **extra) -> ModelSignals:
    return ModelSignals(
        abuse=AbuseScore(abuse_p), relevance=relevance_score or on_topic(), versions={"abuse": "canned@1"}, **extra
    )


def decide(text: str, model_signals: ModelSignals, policy: Policy | None = None, **candidate_fields) -> Decision:
    candidate = Candidate(text=text, article_title=TITLE, article_body=BODY, **candidate_fields)
    return Pipeline(CannedModels(model_signals)).moderate(candidate, policy or Policy(nudge=False))


def codes(decision: Decision) -> list[str]:
    return [reason.code for reason in decision.reasons]


def test_a_civil_on_topic_comment_is_published_with_no_reasons():
    decision = decide("Protected lanes will make Market Street safer for children cycling to school.", signals())
    assert decision.decision == PUBLISH and decision.reasons == [] and decision.status == "published"
    assert decision.scores["abuse"] == 0.01 and decision.scores["relevance"] == 0.9 and decision.scores["spam"] == 0.0
    assert decision.model_versions == {"abuse": "canned@1"}
    assert decision.summary() == "Your comment is published."
    assert "elapsed_ms" in decision.scores


def test_a_likely_abusive_comment_is_held_and_a_certain_one_rejected():
    policy = Policy(abuse_hold=0.5, abuse_reject=0.9, nudge=False)
    held = decide("The councillors behind this plan are a disgrace.", signals(0.6), policy)
    assert held.decision == HOLD and codes(held) == ["possibly_abusive"]
    rejected = decide("The councillors behind this plan are a disgrace.", signals(0.95), policy)
    assert rejected.decision == REJECT and codes(rejected) == ["abusive"]
    assert rejected.status == "rejected" and rejected.summary().startswith("Your comment was not published.")


def test_the_abuse_reason_names_the_strongest_category_and_drops_function_words():
    score = AbuseScore(0.97, categories={"insult": 0.9, "threat": 0.2}, evidence=["the", "of", "idiots", "  "])
    result = abuse.check(Candidate("x", TITLE, BODY), ModelSignals(abuse=score), Policy())
    assert result.decision == REJECT
    assert result.reasons[0].message == "It appears to contain an insult."
    assert result.reasons[0].evidence == ["idiots"]
    assert result.scores["abuse_insult"] == 0.9 and result.scores["abuse_threat"] == 0.2


@pytest.mark.parametrize(
    ("categories", "words"),
    [
        ({}, "abusive language"),
        ({"identity_attack": 0.8, "insult": 0.6}, "an attack on a group of people"),
        ({"obscenity": 0.7}, "obscene language"),
        ({"insult": 0.3}, "abusive language"),  # no category is clear enough to name
        ({"made_up": 0.9}, "abusive language"),
    ],
)
def test_the_words_for_the_kind_of_abuse(categories, words):
    result = abuse.check(Candidate("x", TITLE, BODY), ModelSignals(abuse=AbuseScore(0.6, categories)), Policy(abuse_reject=0.99))
    assert result.reasons[0].message == f"It may contain {words}."


def test_no_abuse_score_is_the_model_health_phases_business():
    assert abuse.check(Candidate("x", TITLE, BODY), ModelSignals(), Policy()) == PhaseResult()


def test_an_off_topic_comment_is_held_with_the_closest_passage():
    decision = decide("Does anyone know a good recipe for lemon cake with almonds?", signals(relevance_score=on_topic(0.05, 0.1)))
    assert decision.decision == HOLD and codes(decision) == ["off_topic"]
    assert decision.reasons[0].message == "It may not be about the article."
    assert decision.reasons[0].evidence == ["The council voted on Tuesday to build protected bike lanes on Market Street."]


def test_a_reply_is_judged_against_the_comment_it_answers():
    score = RelevanceScore(0.05, 0.1, None, "parent")
    result = relevance.check(
        Candidate("My cat likes the sunny windowsill.", TITLE, BODY, parent_text="Lanes!"),
        ModelSignals(relevance=score),
        Policy(),
    )
    assert result.reasons[0].message == "It may not be about the comment it answers." and result.reasons[0].evidence == []


def test_a_site_may_reject_off_topic_comments():
    policy = Policy(relevance_reject=0.1, nudge=False)
    rejected = decide(
        "Does anyone know a good recipe for lemon cake with almonds?", signals(relevance_score=on_topic(0.05, 0.1)), policy
    )
    assert rejected.decision == REJECT and rejected.reasons[0].message == "It does not seem to be about the article."
    held = decide(
        "Does anyone know a good recipe for lemon cake with almonds?", signals(relevance_score=on_topic(0.15, 0.2)), policy
    )
    assert held.decision == HOLD


def test_short_reactions_are_not_judged_for_relevance():
    decision = decide("Well said, agreed.", signals(relevance_score=on_topic(0.01, 0.05)))
    assert decision.decision == PUBLISH
    assert (
        decide(
            "Well said, agreed.", signals(relevance_score=on_topic(0.01, 0.05)), Policy(relevance_min_words=1, nudge=False)
        ).decision
        == HOLD
    )


def test_chatter_that_fits_better_than_the_article_is_held_even_when_short():
    chatter = ChatterMatch(
        topic="sports", words="sports results", similarity=0.7, reaction_similarity=0.2, closest="What a match!"
    )
    decision = decide("What a match last night!", signals(relevance_score=on_topic(0.8, 0.3), chatter=chatter))
    assert (
        decision.decision == HOLD and decision.reasons[0].message == "It looks like it is about sports results, not the article."
    )
    assert decision.reasons[0].evidence == ["What a match!"]
    assert decision.scores["relevance"] == pytest.approx(0.3) and decision.scores["chatter"] == 0.7


@pytest.mark.parametrize(
    ("similarity", "reaction", "article"),
    [
        (0.30, 0.10, 0.10),  # does not fit clearly enough
        (0.50, 0.10, 0.48),  # fits, but hardly better than the article
        (0.50, 0.60, 0.10),  # a plain reaction fits better
    ],
)
def test_chatter_that_is_not_clear_publishes(similarity, reaction, article):
    chatter = ChatterMatch("weather", "the weather", similarity, reaction, "Lovely sunshine today.")
    decision = decide(
        "Market Street lanes are overdue, build them now please.",
        signals(relevance_score=on_topic(0.8, article), chatter=chatter),
    )
    assert decision.decision == PUBLISH


def test_a_comment_that_says_it_is_off_topic_is_held_whatever_the_model_says():
    decision = decide("Off topic, but is the library open on Sunday?", signals(relevance_score=on_topic(0.99, 0.9)))
    assert decision.decision == HOLD and decision.reasons[0].code == "off_topic"
    assert "off-topic" in decision.reasons[0].message and decision.reasons[0].evidence


def test_a_failed_model_holds_the_comment_and_names_the_model():
    broken = ModelSignals(failures={"abuse": "error: out of memory", "relevance": "timed out after 2000 ms"})
    decision = decide("A perfectly fine comment about the bike lanes on Market Street.", broken)
    assert decision.decision == HOLD
    assert codes(decision) == ["model_unavailable", "model_timeout"]
    assert decision.reasons[0].evidence == ["abuse: error: out of memory"]
    assert model_health.check(Candidate("x", TITLE, BODY), ModelSignals(), Policy()) == PhaseResult()


def test_the_strictest_verdict_wins_and_every_reason_is_kept():
    policy = Policy(abuse_hold=0.5, abuse_reject=0.9, nudge=False)
    decision = decide("You idiots, visit www.cheap-pills.example now", signals(0.95, relevance_score=on_topic(0.05, 0.1)), policy)
    assert decision.decision == REJECT
    assert {"abusive", "off_topic", "suspect_word"} <= set(codes(decision))
    assert most_severe([PUBLISH, HOLD]) == HOLD and most_severe([HOLD, REJECT, PUBLISH]) == REJECT
    assert most_severe([PUBLISH]) == PUBLISH


def test_premoderation_holds_even_the_best_comment():
    decision = decide("Protected lanes will make Market Street safer.", signals(), premoderated=True)
    assert decision.decision == HOLD and codes(decision) == ["premoderated"]


def test_a_harm_score_over_its_level_holds_with_its_own_reason():
    decision = decide(
        "Someone should teach them a lesson they will not forget.",
        signals(harm=HarmScore({"violence": 0.95, "sexual": 0.0, "disability": 0.0})),
    )
    assert decision.decision == HOLD and "threat" in codes(decision)


def test_a_phase_that_breaks_holds_the_comment_instead_of_losing_it():
    def broken(_candidate, _signals, _policy):
        raise RuntimeError("rule crashed")

    pipeline = Pipeline(CannedModels(signals()), phases=[*PHASES, ("broken", broken)])
    decision = pipeline.moderate(Candidate("Fine words about the lanes.", TITLE, BODY), Policy(nudge=False))
    assert decision.decision == HOLD and codes(decision) == ["check_failed"]
    assert decision.reasons[0].evidence == ["broken: rule crashed"]


def test_decide_on_outputs_computed_earlier_needs_no_models():
    class NoModels(CannedModels):
        def signals(self, candidate):
            raise AssertionError("the models must not run again")

    decision = Pipeline(NoModels(ModelSignals())).decide(
        Candidate("Fine words about the lanes.", TITLE, BODY), signals(), Policy()
    )
    assert decision.decision == PUBLISH


def test_rules_run_while_the_models_work_decide_as_rules_run_after_them():
    # A poster runs the phases that read no model output before the models answer (prepare);
    # the decision, its reasons and their order are those of running every phase afterwards.
    policy = Policy(abuse_hold=0.5, abuse_reject=0.9, nudge=False)
    candidate = Candidate("You idiots, visit www.cheap-pills.example now", TITLE, BODY, premoderated=True)
    model_signals = signals(0.95, relevance_score=on_topic(0.05, 0.1))
    pipeline = Pipeline(CannedModels(model_signals))
    prepared = pipeline.prepare(candidate, policy)
    assert set(prepared) == TEXT_ONLY_PHASES
    early = pipeline.decide(candidate, model_signals, policy, prepared=prepared)
    late = pipeline.decide(candidate, model_signals, policy)
    assert (early.decision, codes(early)) == (late.decision, codes(late)) == (REJECT, codes(late))
    assert {"abusive", "off_topic", "suspect_word", "premoderated"} <= set(codes(early))
    assert {k: v for k, v in early.scores.items() if k != "elapsed_ms"} == {
        k: v for k, v in late.scores.items() if k != "elapsed_ms"
    }


def test_a_rule_that_breaks_while_the_models_work_holds_the_comment():
    def broken(_candidate, _signals, _policy):
        raise RuntimeError("rule crashed")

    phases = [(name, broken if name == "spam" else phase) for name, phase in PHASES]
    pipeline = Pipeline(CannedModels(signals()), phases=phases)
    candidate = Candidate("Fine words about the lanes.", TITLE, BODY)
    decision = pipeline.decide(
        candidate, signals(), Policy(nudge=False), prepared=pipeline.prepare(candidate, Policy(nudge=False))
    )
    assert decision.decision == HOLD and codes(decision) == ["check_failed"]
    assert decision.reasons[0].evidence == ["spam: rule crashed"]


def test_the_decision_carries_the_passages_and_a_fingerprint_of_longer_texts():
    vectors = np.ones((2, 3), dtype=np.float32)
    decision = decide(
        "The council should publish the full delivery plan before building anything on Market Street.",
        signals(passages=["a", "b"], passage_vectors=vectors),
    )
    assert decision.passages == ["a", "b"] and decision.passage_vectors is vectors
    assert decision.fingerprint is not None
    assert decide("Yes.", signals()).fingerprint is None


def test_the_author_reads_each_reason_in_plain_words_and_details_only_when_the_site_allows():
    reasons = [
        Reason("suspect_word", "It uses a word that is often abusive.", ["idiots", "idiots", " "], detail="list: suspect"),
        Reason("possibly_abusive", "It may contain an insult.", [], detail="abuse 0.61, threshold 0.50"),
    ]
    plain = Decision(HOLD, reasons, {}, {})
    assert plain.reader_reasons() == [
        ("suspect_word", "It uses a word that is often abusive: “idiots”."),
        ("possibly_abusive", "It may contain an insult."),
    ]
    assert plain.summary() == (
        "Your comment is held for review by a moderator. It uses a word that is often abusive: “idiots”. "
        "It may contain an insult."
    )
    detailed = Decision(HOLD, reasons, {}, {}, reader_detail=True)
    assert detailed.reader_reasons()[1][1] == "It may contain an insult. (abuse 0.61, threshold 0.50)"


def test_long_evidence_is_shortened_and_at_most_three_phrases_are_quoted():
    reason = Reason("suspect_word", "It uses words that are often abusive.", ["a" * 100, "b", "c", "d"])
    words = reason.for_reader()
    assert words.count("“") == 3 and "…" in words and "d" not in words.split(":")[1].replace("…", "")


def test_a_disabled_model_set_reports_why_and_holds():
    models = ModerationModels(enabled=False)
    found = models.signals(Candidate("Fine words about the lanes.", TITLE, BODY))
    assert found.failures == {"models": "automatic moderation is turned off"}
    decision = Pipeline(models).moderate(Candidate("Fine words about the lanes.", TITLE, BODY), Policy())
    assert decision.decision == HOLD and codes(decision) == ["model_unavailable"]
    assert models.versions == {}
    with pytest.raises(RuntimeError, match="turned off"):
        models.article_passages(TITLE, BODY)
