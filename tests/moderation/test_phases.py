"""The rule-based phases, without the models."""

import pytest

from commentdesk.moderation.fingerprint import distance, is_near_duplicate, simhash
from commentdesk.moderation.phases import spam, trust, wordlists
from commentdesk.moderation.policy import Policy
from commentdesk.moderation.types import HOLD, REJECT, Candidate, CommenterHistory, ModelSignals, RecentActivity


def candidate(text: str, **extra) -> Candidate:
    return Candidate(
        text=text, article_title="Council approves bike lanes", article_body="The council voted for bike lanes.", **extra
    )


def test_banned_word_rejects_and_shows_the_reader_spelling():
    # Profanity is not banned by default; a site with a clean-language policy bans it.
    result = wordlists.check(candidate("What a f.u.c.k.i.n.g joke"), ModelSignals(), Policy(banned_words=["fuck*"]))
    assert result.decision == REJECT
    assert result.reasons[0].code == "banned_word"
    assert result.reasons[0].evidence == ["f.u.c.k.i.n.g"]


def test_suspect_word_holds():
    result = wordlists.check(candidate("The councillors are idiots"), ModelSignals(), Policy())
    assert result.decision == HOLD
    assert result.reasons[0].evidence == ["idiots"]


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("Marcus Hale, you are a wanker and always have been.", "wanker"),
        ("Marcus Hale, you are a w a n k e r and always have been.", "w a n k e r"),
        ("The ref is a bl1nd c0cksuck3r.", "c0cksuck3r"),
        ("What an arsehole.", "arsehole"),
        ("The foreign minister is a pr1ck.", "pr1ck"),
        ("Shut up, you cretinous tosser.", "cretinous"),
    ],
)
def test_vulgar_insults_are_held_however_they_are_spelled(text, evidence):
    result = wordlists.check(candidate(text), ModelSignals(), Policy())
    assert result.decision == HOLD and result.reasons[0].code == "suspect_word"
    assert evidence in result.reasons[0].evidence


@pytest.mark.parametrize(
    "text",
    [
        "Thousands joined the SlutWalk through the old town on Saturday.",
        "He pricked the bubble with one question about the budget.",
        "Posted on Twatter, of all places.",
        "The council's plan to cap housing support is a cynical stunt.",
    ],
)
def test_news_words_that_contain_an_insult_are_not_held(text):
    assert wordlists.check(candidate(text), ModelSignals(), Policy()).decision is None


def test_site_word_lists_replace_the_defaults():
    policy = Policy(banned_words=["potato"], suspect_words=[])
    assert wordlists.check(candidate("p0tat0 council"), ModelSignals(), policy).decision == REJECT
    assert wordlists.check(candidate("The councillors are idiots"), ModelSignals(), policy).decision is None


def test_one_link_is_allowed_but_a_link_farm_is_rejected():
    policy = Policy()
    one = spam.check(candidate("Details at https://council.example/plan"), ModelSignals(), policy)
    assert one.decision is None and 0 < one.scores["spam"] < policy.spam_hold
    farm = spam.check(candidate("https://a.example https://b.example https://c.example buy now"), ModelSignals(), policy)
    assert farm.decision == REJECT
    assert {reason.code for reason in farm.reasons} >= {"too_many_links", "contact_bait"}


def test_blocked_domain_rejects_and_allowed_domain_is_free():
    policy = Policy(blocked_domains=["spam.example"], allowed_domains=["courier.example"])
    assert spam.check(candidate("see www.spam.example/offer"), ModelSignals(), policy).decision == REJECT
    assert (
        spam.check(
            candidate("see https://courier.example/a https://courier.example/b https://courier.example/c"), ModelSignals(), policy
        ).decision
        is None
    )


def test_phone_number_and_contact_bait_are_held_or_rejected():
    assert spam.check(candidate("whatsapp me on +44 7700 900123 for the best deal"), ModelSignals(), Policy()).decision == REJECT
    assert spam.check(candidate("call 0300 1234567 about the bike lanes"), ModelSignals(), Policy()).decision == HOLD


def test_repeated_post_and_flooding():
    repeated = spam.check(
        candidate("Bike lanes now", recent=RecentActivity(same_text_by_commenter=True)), ModelSignals(), Policy()
    )
    assert repeated.decision == REJECT and repeated.reasons[0].code == "duplicate"
    flood = spam.check(candidate("Bike lanes now", recent=RecentActivity(by_commenter_last_minute=9)), ModelSignals(), Policy())
    assert flood.decision == HOLD and flood.reasons[0].code == "flooding"


def test_near_duplicates_across_commenters_are_held():
    text = "The council should stop wasting our money on these bike lanes and fix the roads first please"
    copy = "The council should STOP wasting our money on these bike lanes, and fix the roads first!!"
    assert distance(simhash(text), simhash(copy)) <= 4
    assert is_near_duplicate(simhash(copy), [simhash(text)])
    result = spam.check(candidate(copy, recent=RecentActivity(recent_fingerprints=[simhash(text)])), ModelSignals(), Policy())
    assert result.decision == HOLD and result.reasons[0].code == "near_duplicate"
    assert simhash("Well said") is None  # short reactions are repeated innocently


def test_trust_rules():
    assert trust.check(candidate("x", premoderated=True), ModelSignals(), Policy()).reasons[0].code == "premoderated"
    newcomer = candidate("x", history=CommenterHistory(published=0))
    assert trust.check(newcomer, ModelSignals(), Policy(new_commenter_hold=2)).reasons[0].code == "new_commenter"
    assert trust.check(newcomer, ModelSignals(), Policy()).decision is None
    repeat_offender = candidate("x", history=CommenterHistory(published=5, recent_rejections=3))
    assert trust.check(repeat_offender, ModelSignals(), Policy()).reasons[0].code == "recent_rejections"


def test_threats_of_violence_are_held_with_the_words_shown():
    from commentdesk.moderation.phases import threats

    for text, span in [
        ("People like the minister should be shot. I know where his family lives.", "should be shot"),
        ("Every cyclist deserves to get run over", "deserves to get run over"),
        ("I will find and kill you", "I will find and kill you"),
        ("g0 k1ll yourself", "g0 k1ll yourself"),
    ]:
        result = threats.check(candidate(text), ModelSignals(), Policy())
        assert result.decision == HOLD and result.reasons[0].code == "threat"
        assert span in result.reasons[0].evidence
    for calm in ["The killer was sentenced to life.", "Shooting the film took a year.", "I know where the council meets."]:
        assert threats.check(candidate(calm), ModelSignals(), Policy()).decision is None


def test_an_invalid_threat_pattern_is_refused():
    import pytest

    with pytest.raises(ValueError, match="regular expression"):
        Policy.from_dict({"threat_patterns": ["(unclosed"]})


def _signals_with_harm(violence: float = 0.0, sexual: float = 0.0, disability: float = 0.0) -> ModelSignals:
    from commentdesk.moderation.models.harm import HarmScore

    return ModelSignals(harm=HarmScore({"violence": violence, "sexual": sexual, "disability": disability}))


def test_the_harm_model_holds_threats_no_pattern_lists_with_its_score_for_moderators():
    from commentdesk.moderation.phases import threats

    policy = Policy()
    text = "Do enjoy your holiday, councillor. Your house will be very quiet without you."
    result = threats.check(candidate(text), _signals_with_harm(violence=policy.violence_hold + 0.01), policy)
    assert result.decision == HOLD
    reason = result.reasons[0]
    assert reason.code == "threat" and reason.evidence == []
    assert "violence" in reason.detail and "threshold" in reason.detail
    assert result.scores["harm_violence"] == pytest.approx(policy.violence_hold + 0.01, abs=1e-4)
    below = threats.check(candidate(text), _signals_with_harm(violence=policy.violence_hold - 0.01), policy)
    assert below.decision is None and "harm_violence" in below.scores


def test_sexual_harassment_is_held_with_its_own_reason():
    from commentdesk.moderation.phases import threats

    policy = Policy()
    result = threats.check(candidate("words"), _signals_with_harm(sexual=0.99), policy)
    assert result.decision == HOLD
    assert [reason.code for reason in result.reasons] == ["sexual_harassment"]
    assert "sexual" in result.reasons[0].for_reader()


def test_mockery_of_disability_is_held_with_its_own_reason():
    from commentdesk.moderation.phases import threats

    policy = Policy()
    result = threats.check(candidate("words"), _signals_with_harm(disability=policy.disability_mockery_hold), policy)
    assert [reason.code for reason in result.reasons] == ["disability_mockery"]
    assert "disability" in result.reasons[0].for_reader()


def test_a_site_can_raise_the_harm_thresholds():
    from commentdesk.moderation.phases import threats

    policy = Policy.from_dict({"violence_hold": 1, "sexual_harassment_hold": 1, "disability_mockery_hold": 1})
    assert threats.check(candidate("words"), _signals_with_harm(0.99, 0.99, 0.99), policy).decision is None
    with pytest.raises(ValueError):
        Policy.from_dict({"violence_hold": 1.5})


def test_a_missing_harm_score_leaves_the_patterns_working():
    from commentdesk.moderation.phases import threats

    result = threats.check(candidate("I'm coming for you and your family."), ModelSignals(), Policy())
    assert result.decision == HOLD and result.reasons[0].evidence == ["I'm coming for you"]


@pytest.mark.parametrize(
    "text",
    [
        "The board members deserve to be dragged into the street and beaten.",
        "That linesman deserves a bullet for what he did today.",
        "I'll break his legs if he shows his face at the club again.",
        "The mayor will leave this town in a box, mark my words.",
        "Someone should put a bomb under the planning office.",
        "Burn down every church in the valley, with the people inside.",
        "Landlords should be rounded up and drowned.",
    ],
)
def test_threat_patterns_catch_common_constructions(text):
    from commentdesk.moderation.phases import threats

    assert threats.check(candidate(text), ModelSignals(), Policy()).decision == HOLD


@pytest.mark.parametrize(
    "text",
    [
        'One reader wrote that the judge "deserves to be shot". That is exactly the talk that gets people hurt.',
        "The minister should be sacked and the report published in full.",
        "If the dam breaks, whole villages will be washed away.",
        "The army bombed the bridge flat in 1944, the museum says.",
    ],
)
def test_reported_threats_and_violent_news_are_not_threats(text):
    from commentdesk.moderation.phases import threats

    assert threats.find_threats(text, Policy().threat_patterns) == []


def test_slurs_reject_and_ableist_insults_are_held():
    rejected = wordlists.check(candidate("Typical lying paki politician."), ModelSignals(), Policy())
    assert rejected.decision == REJECT
    held = wordlists.check(candidate("The goalkeeper is a total mong."), ModelSignals(), Policy())
    assert held.decision == HOLD
    fine = wordlists.check(candidate("Pakistani officials crippled the talks."), ModelSignals(), Policy())
    assert fine.decision is None


@pytest.mark.parametrize(
    "text",
    [
        "Off topic, but is the swimming baths open on Mondays now?",
        "Sorry, slightly off-topic: who won the quiz last night?",
        "Unrelated, but the 47 bus was late again this morning.",
        "Random question, does the library do printing?",
        "Sorry to hijack the thread, anyone selling a lawnmower?",
    ],
)
def test_a_comment_that_says_it_is_off_topic_is_held_with_its_words(text):
    from commentdesk.moderation.models.relevance import RelevanceScore
    from commentdesk.moderation.phases import relevance

    signals = ModelSignals(relevance=RelevanceScore(probability=0.9, similarity=0.6, closest_passage="", against="article"))
    result = relevance.check(candidate(text), signals, Policy())
    assert result.decision == HOLD and result.reasons[0].code == "off_topic"
    assert "says itself" in result.reasons[0].message and result.reasons[0].evidence


@pytest.mark.parametrize(
    "text",
    [
        "Not to go off topic, but the minister also cut the rural buses.",
        "Not off topic at all: the budget decides what the council can do.",
        "This is not unrelated, but it matters more than the headline says.",
    ],
)
def test_saying_a_comment_is_not_off_topic_is_no_marker(text):
    from commentdesk.moderation.phases.relevance import declared_off_topic

    assert declared_off_topic(text, Policy().off_topic_markers) is None


def test_a_site_can_turn_the_off_topic_markers_off():
    from commentdesk.moderation.phases.relevance import declared_off_topic

    assert declared_off_topic("Off topic, but hello all", Policy.from_dict({"off_topic_markers": []}).off_topic_markers) is None


@pytest.mark.parametrize(
    "text",
    [
        "A real shift in policy. *** The minister must now show evidence.",
        "Service at the festival bar (rating: *****) was the best part.",
        "What the f*** is this budget?",
    ],
)
def test_asterisks_that_hide_no_listed_word_are_not_a_banned_word(text):
    assert wordlists.check(candidate(text), ModelSignals(), Policy()).decision is None


def test_a_banned_word_with_most_letters_hidden_is_held_not_rejected():
    # "c***" may be "crap" as well as the banned word: a person decides.
    hidden = wordlists.check(candidate("The ref is a c***."), ModelSignals(), Policy())
    assert hidden.decision == HOLD and hidden.reasons[0].evidence == ["c***"]
    shown = wordlists.check(candidate("The ref is a c*nt."), ModelSignals(), Policy())
    assert shown.decision == REJECT and shown.reasons[0].evidence == ["c*nt"]
