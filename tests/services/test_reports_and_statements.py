"""Readers reporting comments, and the statement of reasons the author of a rejected comment reads."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from commentdesk import i18n
from commentdesk.moderation.policy import DEFAULT_REDRESS
from commentdesk.moderation.reasons import MODERATOR_REJECTION_READER_WORDS
from commentdesk.services import events, reports
from commentdesk.services.reports import ReportRefused
from commentdesk.services.statements import AUTOMATED_WORDS, HUMAN_WORDS, Statement, statement_for
from commentdesk.store import repository as repo
from commentdesk.store.models import DomainEvent, Report, utcnow
from db_fixtures import add_article, add_comment

SECRET = "test-secret"


def test_a_report_is_stored_counted_announced_and_thanked(session, site):
    comment = add_comment(session, add_article(session, site), "A published comment")
    session.commit()
    thanks = reports.report_comment(session, SECRET, comment.id, "abusive", "  insults the  author ", "203.0.113.9")
    assert thanks == reports.THANKS
    report = session.scalars(select(Report)).one()
    assert (report.reason, report.note) == ("abusive", "insults the  author")
    assert report.ip_hash == reports.reporter_hash(SECRET, "203.0.113.9") != "203.0.113.9"
    session.refresh(comment)
    assert comment.report_count == 1
    event = session.scalars(select(DomainEvent)).one()
    assert event.kind == events.COMMENT_REPORTED and event.payload["report_reason"] == "abusive"
    assert event.payload["actor"] == "reader"


def test_the_same_reader_is_thanked_again_but_counted_once(session, site):
    comment = add_comment(session, add_article(session, site))
    session.commit()
    for _ in range(3):
        assert reports.report_comment(session, SECRET, comment.id, "spam", client_address="198.51.100.1") == reports.THANKS
    reports.report_comment(session, SECRET, comment.id, "spam", client_address="198.51.100.2")
    session.refresh(comment)
    assert comment.report_count == 2


def test_reports_without_an_address_always_count(session, site):
    comment = add_comment(session, add_article(session, site))
    session.commit()
    reports.report_comment(session, SECRET, comment.id, "other")
    reports.report_comment(session, SECRET, comment.id, "other")
    assert session.scalar(select(func.count()).select_from(Report)) == 2
    assert reports.reporter_hash(SECRET, None) is None and reports.reporter_hash(SECRET, "") is None


@pytest.mark.parametrize("status", ["pending", "rejected", "checking"])
def test_only_published_comments_can_be_reported(session, site, status):
    comment = add_comment(session, add_article(session, site), status=status if status != "checking" else "pending")
    comment.status = status
    session.commit()
    with pytest.raises(ReportRefused) as refused:
        reports.report_comment(session, SECRET, comment.id, "spam")
    assert (refused.value.code, refused.value.status) == ("comment_not_found", 404)


def test_a_deleted_or_unknown_comment_cannot_be_reported(session, site):
    comment = add_comment(session, add_article(session, site))
    comment.deleted_at = utcnow()
    session.commit()
    for comment_id in (comment.id, 987_654):
        with pytest.raises(ReportRefused, match="No published comment has that id."):
            reports.report_comment(session, SECRET, comment_id, "spam")


@pytest.mark.parametrize("reason", ["", "illegal_content", "ABUSIVE", "rude"])
def test_the_reason_must_be_one_the_form_offers(session, site, reason):
    comment = add_comment(session, add_article(session, site))
    session.commit()
    with pytest.raises(ReportRefused) as refused:
        reports.report_comment(session, SECRET, comment.id, reason)
    assert (refused.value.code, refused.value.field) == ("reason_invalid", "reason")
    assert session.scalar(select(func.count()).select_from(Report)) == 0


def test_a_note_is_at_most_a_thousand_characters(session, site):
    comment = add_comment(session, add_article(session, site))
    session.commit()
    reports.report_comment(session, SECRET, comment.id, "other", "n" * reports.MAX_NOTE_CHARS)
    with pytest.raises(ReportRefused) as refused:
        reports.report_comment(session, SECRET, comment.id, "other", "n" * (reports.MAX_NOTE_CHARS + 1))
    assert (refused.value.code, refused.value.field) == ("note_too_long", "note")


def test_the_report_reasons_offered_match_the_codes_accepted():
    assert reports.REPORT_REASON_CODES == {"abusive", "off_topic", "spam", "other"}
    assert all(label for _code, label in reports.REPORT_REASONS)


def test_no_statement_for_a_comment_that_is_not_rejected(session, site):
    article = add_article(session, site)
    assert statement_for(session, add_comment(session, article, status="published")) is None
    assert statement_for(session, add_comment(session, article, status="pending")) is None


def test_an_automatic_rejection_explains_itself_in_the_reasons_words(session, site):
    reasons = [
        {
            "code": "banned_word",
            "message": "It uses a word this site does not allow.",
            "evidence": ["slur"],
            "detail": "list: banned",
        }
    ]
    comment = add_comment(session, add_article(session, site), "text", "rejected", reasons=reasons)
    session.commit()
    statement = statement_for(session, comment)
    assert statement.automated and statement.decided_by == AUTOMATED_WORDS
    assert statement.reasons == [("banned_word", "It uses a word this site does not allow: “slur”.")]
    assert "list: banned" in statement_for(session, comment, show_detail=True).reasons[0][1]


def test_a_moderators_rejection_uses_the_moderators_words(session, site):
    comment = add_comment(session, add_article(session, site))
    repo.change_status(
        session,
        comment,
        "rejected",
        actor="moderator",
        actor_name="mod",
        reasons=[{"code": "off_topic", "message": "internal note", "evidence": []}],
    )
    session.commit()
    statement = statement_for(session, comment)
    assert not statement.automated and statement.decided_by == HUMAN_WORDS
    assert statement.reasons == [("off_topic", MODERATOR_REJECTION_READER_WORDS["off_topic"])]


def test_an_unknown_moderator_reason_reads_as_the_general_one(session, site):
    comment = add_comment(session, add_article(session, site))
    repo.change_status(
        session,
        comment,
        "rejected",
        actor="moderator",
        actor_name="mod",
        reasons=[{"code": "made_up"}, {"message": "no code"}, "not a dict"],
    )
    session.commit()
    assert statement_for(session, comment).reasons == [("made_up", MODERATOR_REJECTION_READER_WORDS["other"])]


def test_the_statement_says_how_to_contest_it_from_the_sites_policy(session, site):
    site.policy = {"redress_text": "Write to the readers' editor.", "redress_url": "mailto:editor@news.example"}
    comment = add_comment(session, add_article(session, site), "x", "rejected")
    session.commit()
    statement = statement_for(session, comment)
    assert (statement.redress_text, statement.redress_url) == ("Write to the readers' editor.", "mailto:editor@news.example")
    assert statement.as_text() == f"{AUTOMATED_WORDS} Write to the readers' editor. mailto:editor@news.example"


def test_the_default_appeal_words_are_in_the_readers_language_a_sites_own_as_written(session, site):
    comment = add_comment(session, add_article(session, site), "x", "rejected")
    session.commit()
    assert statement_for(session, comment).redress_text == DEFAULT_REDRESS
    with i18n.using("ur"):
        in_urdu = statement_for(session, comment).redress_text
    assert in_urdu != DEFAULT_REDRESS and "عدالت" in in_urdu
    site.policy = {"redress_text": "Write to the readers' editor."}
    session.commit()
    with i18n.using("de"):
        assert statement_for(session, comment).redress_text == "Write to the readers' editor."


def test_the_latest_rejection_is_the_one_explained(session, site):
    comment = add_comment(session, add_article(session, site), "x", "rejected")
    repo.change_status(session, comment, "published", actor="moderator", actor_name="mod")
    repo.change_status(session, comment, "rejected", actor="moderator", actor_name="mod", reasons=[{"code": "spam"}])
    session.commit()
    statement = statement_for(session, comment)
    assert not statement.automated and statement.reasons == [("spam", MODERATOR_REJECTION_READER_WORDS["spam"])]


def test_an_imported_rejection_has_no_statement_from_this_site(session, site):
    comment = add_comment(session, add_article(session, site), "x", "rejected", system_decision="imported")
    session.commit()
    assert statement_for(session, comment) is None


def test_a_statement_without_an_address_is_words_only():
    statement = Statement(False, [], "  Ask us.  ", None, utcnow())
    assert statement.as_text() == f"{HUMAN_WORDS} Ask us."
