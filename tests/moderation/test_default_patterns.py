"""The default phrase patterns a site starts with: the words each threat, dehumanising or
off-topic construction is caught by, what it must leave alone, and quotation marks."""

from __future__ import annotations

import pytest

from commentdesk.moderation.default_patterns import (
    DEFAULT_DEHUMANISING_PATTERNS,
    DEFAULT_GROUP_HATRED_PATTERNS,
    DEFAULT_OFF_TOPIC_MARKERS,
    DEFAULT_THREAT_PATTERNS,
)
from commentdesk.moderation.phases.relevance import declared_off_topic
from commentdesk.moderation.phases.threats import find_threats, quoted_ranges


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("The referee should be shot.", "should be shot"),
        ("They will all get hanged one day", "will all get hanged"),
        ("i'm gonna kill you", "i'm gonna kill you"),
        ("I will happily stab him", "I will happily stab him"),
        ("I know where you live", "I know where you live"),
        ("I know where your family lives, councillor", "I know where your family lives"),
        ("shoot them all", "shoot them all"),
        ("Go hang yourself", "Go hang yourself"),
        ("Better watch your back", "Better watch your back"),
        ("Somebody needs to take out the mayor", "Somebody needs to take out"),
        ("Slaughter every last one of them", "Slaughter every last one"),
        ("burn their mosques", "burn their mosques"),
        ("I hope he gets cancer", "I hope he gets cancer"),
        ("I wish they were dead", "I wish they were dead"),
        ("I hope Marcus Hale gets cancer", "I hope Marcus Hale gets cancer"),
        ("I pray that the keeper gets hit by a bus", "I pray that the keeper gets hit by a bus"),
        ("I hope he never wakes up", "I hope he never wakes up"),
        ("May every minister who voted for this die slowly.", "May every minister who voted for this die"),
        ("Good riddance. May he rot.", "May he rot"),
        ("He needs bullets in their heads", "needs bullets in their heads"),
        ("The thugs need to rot", "need to rot"),
        ("Get his teeth kicked in", "teeth kicked in"),
        ("snap his neck", "snap his neck"),
        ("We're coming for you", "We're coming for you"),
        ("We will hunt the traitors down", "hunt the traitors down"),
        ("He won't make it home tonight", "won't make it home"),
        ("Carpet bomb the entire region now", "Carpet bomb the entire region"),
        ("Rise up and hang them", "Rise up and hang"),
        ("Turn our guns on them", "Turn our guns on"),
        ("Put a brick through his window", "Put a brick through"),
        ("Let's pay him a little visit, he'll regret it", "pay him a little visit, he'll regret"),
        ("Somebody needs to put Osei in hospital", "Somebody needs to put Osei in hospital"),
        ("Someone should drive a van into that march next year", "drive a van into that march"),
        ("Ram a truck through the protesters", "Ram a truck through the protesters"),
        ("Fans should torch the referee's car", "should torch the referee's car"),
        ("k1ll them all", "k1ll them all"),  # disguises are undone first
        ("SHOULD   BE   SHOT", "SHOULD   BE   SHOT"),  # extra spacing and line breaks do not hide it
        ("They should be\n\nshot", "should be\n\nshot"),
        ("They should\u00a0be shot", "should\u00a0be shot"),
        ("I\u2019ll kill you", "I\u2019ll kill you"),  # the apostrophe phones type
        ("We\u2019re coming for you", "We\u2019re coming for you"),
    ],
)
def test_each_kind_of_threat_is_caught_by_its_own_words(text, span):
    assert find_threats(text, DEFAULT_THREAT_PATTERNS) == [span]


@pytest.mark.parametrize(
    "text",
    [
        "The striker shot wide again.",
        "The film was shot in Belfast.",
        "That joke killed me.",
        "Kill the bill, say the unions.",
        "I know where the polling station is.",
        "The plan deserves a fair hearing.",
        "They hope he gets the job.",
        "Burn the old ledgers, nobody reads them.",
        "Prices will be slashed at the market.",
        "His career was executed to perfection.",
        "The bomb squad cleared the area, police said.",
        "Pay the council a visit on open day.",
        "skill yourself up with the new course",
        "The crash put three people in hospital last night.",
        "A man drove a van into the crowd in 2017, the court heard.",
        "We should drive a bus into town for the parade.",
        "Arsonists torched the referee's car, police said.",
        "The council should torch these plans and start again.",
        "I hope the bill gets killed in committee.",
        "I hope the proposal gets shot down.",
        "Patients may well die waiting for beds.",
        "They may all die out if the wetland is drained.",
        "May the best team win on Saturday.",
        "I hope the cancer ward gets the funding it needs.",
        "I hope no child gets hit by a tram at that junction.",
        "I hope nobody else gets stabbed in this town.",
        "I hope the kids don't get run over crossing there.",
        "i hope i dont get raped walking home",
        "I hope the players never get stabbed outside the ground again.",
    ],
)
def test_ordinary_sentences_with_violent_words_are_not_threats(text):
    assert find_threats(text, DEFAULT_THREAT_PATTERNS) == []


def test_a_threat_quoted_in_full_is_reported_not_made():
    assert find_threats('The mayor said the protesters "should be shot", and resigned.', DEFAULT_THREAT_PATTERNS) == []
    assert find_threats("He wrote “I will kill you” in a letter.", DEFAULT_THREAT_PATTERNS) == []
    assert find_threats("Le tract disait «kill them all» hier.", DEFAULT_THREAT_PATTERNS) == []


def test_a_threat_next_to_a_quotation_is_still_made():
    assert find_threats("“Traitors” should be shot", DEFAULT_THREAT_PATTERNS) == ["should be shot"]
    assert find_threats('"Traitors", all of them. They should be shot.', DEFAULT_THREAT_PATTERNS) == ["should be shot"]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ('They "should" be shot', '"should" be shot'),
        ("they 'should' be shot", "'should' be shot"),
        ("They \u201cshould\u201d be shot", "\u201cshould\u201d be shot"),
        ("They \u2018should\u2019 be shot", "\u2018should\u2019 be shot"),
        ('They should be "shot"', 'should be "shot"'),
        ('I\'ll "kill" you', 'I\'ll "kill" you'),
        ('They "should be" shot', '"should be" shot'),
        ('They should "be shot"', 'should "be shot"'),
        ("they 'should be' shot", "'should be' shot"),
        ("We\u2019re \u201ccoming for\u201d you", "We\u2019re \u201ccoming for\u201d you"),
        ('"I know where" you live', '"I know where" you live'),
    ],
)
def test_quotation_marks_around_a_few_words_of_a_threat_do_not_hide_it(text, span):
    # A few words of the threat in quotation marks stress them; they quote no one.
    assert find_threats(text, DEFAULT_THREAT_PATTERNS) == [span]


@pytest.mark.parametrize(
    "text",
    [
        'The minister said "they should be shot", which is outrageous.',
        'The minister said "they should be shot".',
        'One reader wrote "we\'re coming for you" under the article.',
        '"Shoot them all" was painted on the wall, police said.',
    ],
)
def test_a_threat_wholly_inside_a_short_quotation_is_still_reported(text):
    assert find_threats(text, DEFAULT_THREAT_PATTERNS) == []


def test_a_quoted_single_word_is_still_reported_speech_when_the_match_is_inside_it():
    assert find_threats('The banner just said "kill" in red letters.', [r"\bkill\b"]) == []


def test_quoted_ranges_need_a_closing_mark_and_bounded_length():
    assert quoted_ranges('he said "hello" and “bye”') == [(8, 15), (20, 25)]
    assert quoted_ranges('an "unclosed quotation') == []
    assert quoted_ranges('"' + "x" * 301 + '"') == []
    assert quoted_ranges('""') == []


def test_every_threat_in_a_comment_is_named_once_in_pattern_order():
    text = "I know where you live. Watch your back. I know where you live."
    assert find_threats(text, DEFAULT_THREAT_PATTERNS) == ["I know where you live", "Watch your back"]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Migrants are vermin", "Migrants are vermin"),
        ("These people are nothing but parasites", "These people are nothing but parasites"),
        ("all immigrants r rats", "all immigrants r rats"),
        ("they breed like rats", "they breed like rats"),
        ("Refugees are no better than animals", "Refugees are no better than animals"),
        ("Liberals are a cancer on this country", "Liberals are a cancer"),
        ("Black players are monkeys, and she proves it", "Black players are monkeys"),
        ("Disabled people are parasites on the rest of us", "Disabled people are parasites"),
        ("The homeless are human garbage", "The homeless are human garbage"),
        ("gay men breed like rats", "gay men breed like rats"),
        ("Women are trash", "Women are trash"),
    ],
)
def test_groups_described_as_less_than_human_are_caught(text, span):
    assert find_threats(text, DEFAULT_DEHUMANISING_PATTERNS) == [span]


@pytest.mark.parametrize(
    "text",
    [
        "Rats are spreading in the old harbour warehouses.",
        "Migrants are workers like everyone else.",
        "The ministers are animals lovers, apparently.",
        "Pigs are intelligent animals.",
        # Worthless as things counts for a named group only: "they" is as often a football team.
        "They are trash, the worst defence in the league.",
        "Black people are leaving the city centre for the suburbs.",
        "Disabled people are waiting three years for an assessment.",
    ],
)
def test_animals_and_groups_in_other_sentences_are_not_dehumanising(text):
    assert find_threats(text, DEFAULT_DEHUMANISING_PATTERNS) == []


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("OT: anyone know a plumber?", "OT"),
        ("Totally off-topic but the library is closing", "Totally off-topic"),
        ("offtopic: bins are late", "offtopic"),
        ("Great piece. Unrelated, but who won?", "Unrelated, but"),
        ("Apologies for going off topic here", "Apologies for going off topic"),
        ("This has nothing to do with the article but the ferry is late", "This has nothing to do with the article"),
        ("Change of subject, but is the pool open?", "Change of subject, but"),
    ],
)
def test_off_topic_markers_give_the_words_that_declared_it(text, words):
    assert declared_off_topic(text, DEFAULT_OFF_TOPIC_MARKERS) == words


@pytest.mark.parametrize(
    "text",
    [
        "Otherwise the budget is fine.",  # "ot" inside a word at the start
        "The plot thickens.",
        "Unrelated costs were left out, but the total is right.",
        "It has everything to do with the article.",
    ],
)
def test_sentences_that_merely_contain_the_words_are_not_markers(text):
    assert declared_off_topic(text, DEFAULT_OFF_TOPIC_MARKERS) is None


def test_a_marker_that_matches_nothing_visible_does_not_count():
    assert declared_off_topic("anything at all", [r"^", r"\b"]) is None
    assert declared_off_topic("an aside: weather", [r"^", r"an aside"]) == "an aside"


def test_a_site_pattern_that_can_match_nothing_holds_nothing():
    # "z*" matches the empty string everywhere: an empty match names no words and is no threat.
    assert find_threats("a calm remark", [r"z*"]) == []
    assert find_threats("zzz", [r"z*"]) == ["zzz"]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("I hate Muslims.", "I hate Muslims"),
        ("i fucking hate white people", "i fucking hate white people"),
        ("Gay people don't deserve to live here.", "Gay people don't deserve to live"),
        ("We should get rid of black people for good.", "get rid of black people for good"),
        ("Women belong in a zoo.", "Women belong in a zoo"),
        ("Never trust disabled people.", "Never trust disabled people"),
    ],
)
def test_hatred_of_a_protected_group_said_outright_is_caught(text, span):
    assert find_threats(text, DEFAULT_GROUP_HATRED_PATTERNS) == [span]


@pytest.mark.parametrize(
    "text",
    [
        "I hate women's football being ignored by the papers.",
        "I hate the way Muslims are portrayed in this coverage.",
        "I can't stand liberals who lecture everyone.",  # a political group: a view, not hatred of a people
        "They want to get rid of disabled parking outside the library.",
        "The council will get rid of the disabled toilets in the old town hall.",
        "Never trust a forecast made in spring.",
    ],
)
def test_dislike_that_names_no_protected_group_as_its_object_is_not_hatred(text):
    assert find_threats(text, DEFAULT_GROUP_HATRED_PATTERNS) == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("I want to hurt Muslims.", "I want to hurt Muslims"),
        ("I'd love to punch him", "I'd love to punch him"),
        ("I am going to beat up some trans people", "I am going to beat up some trans people"),
    ],
)
def test_wanting_to_harm_someone_or_a_group_is_a_threat(text, span):
    assert span in find_threats(text, DEFAULT_THREAT_PATTERNS)


@pytest.mark.parametrize("text", ["I want to kill this bill before it reaches the Lords.", "I want to attack the deficit first."])
def test_wanting_to_end_a_thing_is_no_threat(text):
    assert find_threats(text, DEFAULT_THREAT_PATTERNS) == []
