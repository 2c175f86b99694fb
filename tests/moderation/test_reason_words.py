"""What authors and moderators read of a decision: a reason's sentence in the reader's language,
the quoted phrases, the stored form, and the decision's summary and status."""

from __future__ import annotations

import pytest

from commentdesk.i18n import using
from commentdesk.moderation import reasons
from commentdesk.moderation.types import (
    HOLD,
    MAX_QUOTED_CHARS,
    PUBLISH,
    REJECT,
    Decision,
    Reason,
    most_severe,
)


def test_a_reason_with_values_keeps_its_template_and_stores_both():
    reason = Reason(
        "off_topic",
        "It may not be about %(subject)s.",
        ["The council voted."],
        detail="relevance 0.10",
        params={"subject": "the article"},
    )
    assert reason.message == "It may not be about the article."
    assert reason.template == "It may not be about %(subject)s."
    assert reason.as_dict() == {
        "code": "off_topic",
        "message": "It may not be about the article.",
        "evidence": ["The council voted."],
        "detail": "relevance 0.10",
        "template": "It may not be about %(subject)s.",
        "params": {"subject": "the article"},
    }


def test_a_plain_reason_is_stored_without_template_or_values():
    stored = Reason("contains_link", "It contains a link.", ["https://a.example"]).as_dict()
    assert stored == {"code": "contains_link", "message": "It contains a link.", "evidence": ["https://a.example"], "detail": ""}


def test_the_stored_evidence_is_a_copy():
    evidence = ["idiot"]
    stored = Reason("suspect_word", "x", evidence).as_dict()
    evidence.append("later")
    assert stored["evidence"] == ["idiot"]


def test_the_sentence_and_its_values_are_translated_for_the_reader():
    reason = Reason("off_topic", "It may not be about %(subject)s.", params={"subject": "the article"})
    with using("de"):
        assert reason.sentence() == "Er betrifft möglicherweise nicht den Artikel."
    assert reason.sentence() == "It may not be about the article."


def test_a_stored_sentence_not_in_the_catalogue_stays_as_written():
    with using("de"):
        assert Reason("check_failed", "A rule written by hand.").sentence() == "A rule written by hand."
        assert Reason("contains_link", "It contains a link.").sentence() == "Er enthält einen Link."


def test_the_reader_is_shown_the_triggering_phrases_of_word_reasons_only():
    word = Reason("suspect_word", "It contains words that a moderator checks before publishing.", ["idiots"])
    assert word.for_reader() == "It contains words that a moderator checks before publishing: “idiots”."
    flood = Reason("flooding", "You are posting faster than this site allows; please wait a minute.", ["9 posts"])
    assert flood.for_reader() == "You are posting faster than this site allows; please wait a minute."


def test_quoted_phrases_are_deduplicated_blank_ones_dropped_and_at_most_three_shown():
    reason = Reason("banned_word", "It contains language this site does not allow.", ["a1", " ", "a1", "b2", "c3", "d4"])
    assert reason.reader_phrases() == ["a1", "b2", "c3"]
    assert reason.for_reader().endswith(": “a1”, “b2”, “c3”.")


def test_a_quoted_phrase_is_shown_on_one_line_and_shortened():
    reason = Reason(
        "threat",
        "It may threaten someone with violence, or wish or call for it.",
        ["should\n\nbe   shot", "x" * (MAX_QUOTED_CHARS + 10)],
    )
    words = reason.for_reader()
    assert "“should be shot”" in words
    shortened = words.split("“")[2].split("”")[0]
    assert len(shortened) == MAX_QUOTED_CHARS and shortened.endswith("…")


def test_a_phrase_of_exactly_the_limit_is_shown_whole():
    phrase = "y" * MAX_QUOTED_CHARS
    assert f"“{phrase}”" in Reason("threat", "Threat.", [phrase]).for_reader()


@pytest.mark.parametrize(
    ("detail", "shown", "words"),
    [
        ("abuse 0.97, threshold 0.93", True, "It appears to contain an insult: “vile”. (abuse 0.97, threshold 0.93)"),
        ("abuse 0.97, threshold 0.93", False, "It appears to contain an insult: “vile”."),
        ("", True, "It appears to contain an insult: “vile”."),
    ],
)
def test_moderators_detail_is_added_only_when_the_site_shows_it(detail, shown, words):
    reason = Reason("abusive", "It appears to contain %(kind)s.", ["vile"], detail=detail, params={"kind": "an insult"})
    assert reason.for_reader(show_detail=shown) == words


def decision(verdict: str, *found: Reason, reader_detail: bool = False) -> Decision:
    return Decision(verdict, list(found), {"abuse": 0.5}, {"abuse": "m@1"}, reader_detail=reader_detail)


@pytest.mark.parametrize(("verdict", "status"), [(PUBLISH, "published"), (HOLD, "pending"), (REJECT, "rejected")])
def test_each_verdict_has_its_stored_status(verdict, status):
    assert decision(verdict).status == status


def test_the_summary_joins_every_reason_after_the_verdict():
    held = decision(
        HOLD,
        Reason("new_commenter", "Comments from new commenters are read by a moderator first."),
        Reason("contains_link", "It contains a link.", ["https://a.example"], detail="spam 0.20"),
    )
    assert held.summary() == (
        "Your comment is held for review by a moderator. Comments from new commenters are read by a "
        "moderator first. It contains a link: “https://a.example”."
    )
    assert decision(HOLD).summary() == "Your comment is held for review by a moderator."
    assert decision(REJECT).summary() == "Your comment was not published."


def test_the_summary_carries_the_detail_where_the_site_shows_it():
    rejected = decision(REJECT, Reason("contains_link", "It contains a link.", detail="spam 0.95"), reader_detail=True)
    assert rejected.summary() == "Your comment was not published. It contains a link. (spam 0.95)"
    assert rejected.reader_reasons() == [("contains_link", "It contains a link. (spam 0.95)")]


def test_the_summary_is_in_the_readers_language():
    with using("de"):
        assert decision(PUBLISH).summary() == "Ihr Kommentar ist veröffentlicht."


@pytest.mark.parametrize(
    ("verdicts", "worst"),
    [
        ([], PUBLISH),
        ([PUBLISH], PUBLISH),
        ([HOLD, PUBLISH], HOLD),
        ([PUBLISH, REJECT, HOLD], REJECT),
    ],
)
def test_the_most_severe_verdict_wins(verdicts, worst):
    assert most_severe(verdicts) == worst


def test_the_registry_can_be_asked_on_several_attributes_at_once():
    assert reasons.codes_where(category=reasons.SPAM, highlighted=False) == {"duplicate", "near_duplicate", "flooding"}
    assert reasons.codes_where(category=reasons.ABUSIVE, nudgeable=True) == {
        "abusive",
        "possibly_abusive",
        "banned_word",
        "suspect_word",
    }
    assert reasons.codes_where(category="none such") == frozenset()


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (reasons.SPAM, "A moderator found it to be spam or advertising."),
        ("illegal_content", "A moderator found it illegal after a notice of illegal content."),
        ("something new", "A moderator found that it breaks our community guidelines."),
    ],
)
def test_a_moderators_rejection_is_explained_in_plain_words(code, words):
    assert reasons.rejection_reader_words(code) == words
