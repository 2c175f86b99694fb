"""Notices of illegal content (EU Digital Services Act, Art. 16) at the service level: what a
notice must contain, one open notice per reader, the moderators' queue, the decision taken once,
and the notifier's contact erased after the keeping period."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from commentdesk.services import accounts, notices, reports, workspace
from commentdesk.services.accounts import Scope
from commentdesk.services.notices import NoticeRefused
from commentdesk.services.notifications.addresses import AddressBook
from commentdesk.services.sites import create_site
from commentdesk.services.statements import statement_for
from commentdesk.store.models import DomainEvent, IllegalContentNotice, NoticeStatus, Report, StatementOfReasons, utcnow
from db_fixtures import add_article, add_comment

SECRET = "test-secret"
ADDRESSES = AddressBook(SECRET)
PASSWORD = "a long enough password"


@pytest.fixture
def published(session, site):
    comment = add_comment(session, add_article(session, site), "The mayor took bribes, everyone knows.")
    session.commit()
    return comment


@pytest.fixture
def admin(session):
    user = accounts.create_user(session, "boss", PASSWORD, "admin")
    session.commit()
    return user


def test_a_notice_is_recorded_with_its_report_and_a_reference(session, published, notice_form):
    notice = notices.file_notice(session, SECRET, published.id, notice_form(), "203.0.113.5")
    assert notice.status == NoticeStatus.RECEIVED and notices.REFERENCE.match(notice.reference)
    assert (notice.notifier_name, notices.notifier_address(notice, ADDRESSES), notice.good_faith) == (
        "Mia Mayor",
        "mia@example.com",
        True,
    )
    report = session.scalars(select(Report)).one()
    assert report.reason == reports.ILLEGAL_CONTENT and report.note.startswith("Defamation or insult: It falsely")
    (event,) = session.scalars(select(DomainEvent))
    assert (event.kind, event.payload["report_reason"]) == ("comment.reported", "illegal_content")  # as docs/webhooks.md says
    assert notices.notice_by_reference(session, notice.reference) is notice


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"ground": "annoying"}, "ground_invalid", "ground"),
        ({"explanation": "too short"}, "explanation_required", "explanation"),
        ({"explanation": "\u200b" * 20}, "explanation_required", "explanation"),
        ({"explanation": "x" * (notices.MAX_EXPLANATION_CHARS + 1)}, "explanation_too_long", "explanation"),
        ({"notifier_name": "   "}, "name_required", "notifier_name"),
        ({"notifier_name": "\u202e\u200b\u3164"}, "name_required", "notifier_name"),
        ({"notifier_name": "n" * (notices.MAX_NAME_CHARS + 1)}, "name_too_long", "notifier_name"),
        ({"notifier_email": ""}, "email_required", "notifier_email"),
        ({"notifier_email": "not-an-address"}, "email_invalid", "notifier_email"),
        ({"notifier_email": "a@b"}, "email_invalid", "notifier_email"),
        ({"good_faith": False}, "good_faith_required", "good_faith"),
        ({"good_faith": "yes"}, "good_faith_required", "good_faith"),
    ],
)
def test_an_incomplete_notice_is_refused_by_field_and_nothing_is_stored(session, published, changes, code, field, notice_form):
    with pytest.raises(NoticeRefused) as refused:
        notices.file_notice(session, SECRET, published.id, notice_form(**changes))
    assert (refused.value.code, refused.value.field, refused.value.status) == (code, field, 422)
    assert session.scalars(select(IllegalContentNotice)).all() == [] and session.scalars(select(Report)).all() == []


def test_a_child_safety_notice_may_be_anonymous(session, published, notice_form):
    notice = notices.file_notice(
        session, SECRET, published.id, notice_form(ground="child_safety", notifier_name="", notifier_email="")
    )
    assert notice.notifier_name is None and notice.notifier_email_cipher is None
    # A name is shown to moderators as a commenter's is: never reversed by a direction override.
    named = notices.file_notice(session, SECRET, published.id, notice_form(notifier_name="Mia\u202e Mayor"))
    assert named.notifier_name == "Mia Mayor"
    with pytest.raises(NoticeRefused, match="does not look right"):
        notices.file_notice(
            session, SECRET, published.id, notice_form(ground="child_safety", notifier_name="", notifier_email="x")
        )


def test_one_open_notice_per_comment_and_reader(session, published, notice_form):
    notices.file_notice(session, SECRET, published.id, notice_form(), "203.0.113.5")
    with pytest.raises(NoticeRefused) as refused:
        notices.file_notice(session, SECRET, published.id, notice_form(ground="other"), "203.0.113.5")
    assert (refused.value.code, refused.value.status) == ("already_noticed", 409)
    notices.file_notice(session, SECRET, published.id, notice_form(), "203.0.113.6")  # another reader
    notices.file_notice(session, SECRET, published.id, notice_form())  # no address: nothing to compare
    assert len(session.scalars(select(IllegalContentNotice)).all()) == 3


def test_no_notice_on_what_readers_cannot_see(session, site, notice_form):
    held = add_comment(session, add_article(session, site), "held", "pending")
    session.commit()
    with pytest.raises(reports.ReportRefused) as refused:
        notices.file_notice(session, SECRET, held.id, notice_form())
    assert refused.value.status == 404


@pytest.mark.parametrize("reference", ["", "short", "has spaces in it!!!!", "x" * 33, None, 12345])
def test_a_malformed_reference_finds_nothing(session, reference):
    assert notices.notice_by_reference(session, reference) is None


def test_the_queue_shows_open_notices_oldest_first_within_the_moderators_sites(session, site, published, admin, notice_form):
    first = notices.file_notice(session, SECRET, published.id, notice_form(), "1")
    second = notices.file_notice(session, SECRET, published.id, notice_form(), "2")
    first.received_at = utcnow() - timedelta(hours=2)
    other, _key = create_site(session, "other", "Other")
    theirs = add_comment(session, add_article(session, other, url="https://other.example/"), "elsewhere")
    session.commit()
    notices.file_notice(session, SECRET, theirs.id, notice_form(), "3")
    limited = Scope(frozenset({site.id}))
    assert [n.id for n in notices.notice_queue(session, limited)] == [first.id, second.id]
    assert notices.open_notice_count(session, limited) == 2 and notices.open_notice_count(session, Scope(None)) == 3
    with pytest.raises(workspace.NotAllowed):
        notices.visible_notice(
            session, Scope(frozenset({site.id})), notices.notice_queue(session, Scope(frozenset({other.id})))[0].id
        )
    assert notices.visible_notice(session, limited, first.id) is first


def test_starting_a_review_shows_the_notifier_it_is_under_review(session, published, admin, notice_form):
    notice = notices.file_notice(session, SECRET, published.id, notice_form())
    notices.start_review(session, admin, notice)
    assert notice.status == NoticeStatus.UNDER_REVIEW and notice.decided_by_name == "boss" and notice.review_started_at
    started = notice.review_started_at
    notices.start_review(session, admin, notice)  # again: no change
    assert notice.review_started_at == started
    assert [n.id for n in notices.notice_queue(session, Scope(None), status=NoticeStatus.UNDER_REVIEW)] == [notice.id]
    assert notices.notice_queue(session, Scope(None), status=NoticeStatus.RECEIVED) == []


def test_removing_the_comment_rejects_it_with_a_statement_and_closes_the_notice(session, published, admin, notice_form):
    notice = notices.file_notice(session, SECRET, published.id, notice_form())
    notices.decide_notice(session, admin, notice, "remove", "defamation", "  The claim is false and defamatory.  ")
    session.refresh(notice)
    assert notice.status == NoticeStatus.ACTION_TAKEN and notice.decision_ground == "defamation"
    assert notice.decision_explanation == "The claim is false and defamatory." and notice.decided_by_name == "boss"
    assert published.status == "rejected" and notices.comment_is_removed(notice)
    statement = session.scalars(select(StatementOfReasons)).one()
    assert statement.automated is False and statement.event.reasons[0]["code"] == "illegal_content"
    # What the author is told names the legal ground the removal rests on (DSA Art. 17(3)(d)).
    [(code, words)] = statement_for(session, published).reasons
    assert code == "illegal_content" and words.endswith("Legal ground: Defamation or insult.")
    assert session.scalars(select(Report)).one().resolved_at is not None
    assert [n.id for n in notices.notice_queue(session, Scope(None), status=NoticeStatus.ACTION_TAKEN)] == [notice.id]
    assert notices.notice_queue(session, Scope(None)) == []


def test_taking_no_action_keeps_the_comment_and_resolves_the_report(session, published, admin, notice_form):
    notice = notices.file_notice(session, SECRET, published.id, notice_form())
    notices.decide_notice(session, admin, notice, "none", None, "Opinion about a public figure, lawful.")
    session.refresh(notice)
    assert notice.status == NoticeStatus.NO_ACTION and notice.decision_ground is None
    assert published.status == "published" and not notices.comment_is_removed(notice)
    assert session.scalars(select(Report)).one().resolved_at is not None


@pytest.mark.parametrize(
    ("action", "ground", "explanation", "code"),
    [
        ("delete", None, "A long enough explanation.", "action_invalid"),
        ("remove", None, "A long enough explanation.", "ground_invalid"),
        ("remove", "made_up", "A long enough explanation.", "ground_invalid"),
        ("none", None, "   ", "explanation_required"),
        ("none", None, "\u200b\u2066", "explanation_required"),
        ("none", None, "x" * (notices.MAX_DECISION_CHARS + 1), "explanation_too_long"),
    ],
)
def test_a_decision_needs_an_action_a_ground_for_removal_and_reasons(
    session, published, admin, action, ground, explanation, code, notice_form
):
    notice = notices.file_notice(session, SECRET, published.id, notice_form())
    with pytest.raises(NoticeRefused) as refused:
        notices.decide_notice(session, admin, notice, action, ground, explanation)
    assert refused.value.code == code
    session.refresh(notice)
    assert notice.status == NoticeStatus.RECEIVED and published.status == "published"


def test_a_notice_is_decided_once(session, published, admin, notice_form):
    notice = notices.file_notice(session, SECRET, published.id, notice_form())
    notices.decide_notice(session, admin, notice, "none", None, "Lawful opinion, no action.")
    with pytest.raises(NoticeRefused) as refused:
        notices.decide_notice(session, admin, notice, "remove", "defamation", "Changed my mind about it.")
    assert (refused.value.code, refused.value.status) == ("already_decided", 409)
    assert published.status == "published"


def test_contacts_are_erased_after_the_keeping_period_only_from_decided_notices(session, published, admin, notice_form):
    decided = notices.file_notice(session, SECRET, published.id, notice_form(), "1")
    still_open = notices.file_notice(session, SECRET, published.id, notice_form(), "2")
    notices.decide_notice(session, admin, decided, "none", None, "Lawful opinion, no action.")
    now = utcnow()
    assert notices.erase_expired_contacts(session, keep_days=30, now=now) == 0
    assert notices.erase_expired_contacts(session, keep_days=30, now=now + timedelta(days=31)) == 1
    session.refresh(decided)
    session.refresh(still_open)
    assert decided.notifier_name is None and decided.notifier_email_cipher is None and decided.contact_erased_at is not None
    assert notices.notifier_address(still_open, ADDRESSES) == "mia@example.com"
    assert notices.erase_expired_contacts(session, keep_days=30, now=now + timedelta(days=60)) == 0  # once


def test_status_words_cover_every_status():
    assert set(notices.STATUS_WORDS) == set(NoticeStatus.OPEN) | set(NoticeStatus.DECIDED)
    assert set(notices.ACTIONS) == {"remove", "none"} and "child_safety" in notices.GROUNDS


def _stored_contacts(session) -> list[tuple]:
    """The notices' contact columns as the database holds them."""
    return list(session.execute(text("SELECT notifier_email, notifier_email_cipher FROM illegal_content_notices")))


def test_the_database_never_holds_the_notifiers_address_in_the_clear(session, published, notice_form):
    notice = notices.file_notice(session, SECRET, published.id, notice_form())
    ((plain, cipher),) = _stored_contacts(session)
    assert plain is None and "mia@example.com" not in cipher.lower()
    assert notices.notifier_address(notice, ADDRESSES) == "mia@example.com"
    # Under another instance secret the address cannot be read.
    assert notices.notifier_address(notice, AddressBook("another secret")) is None


def test_addresses_stored_in_the_clear_before_encryption_are_encrypted(session, published, admin, notice_form):
    older = notices.file_notice(session, SECRET, published.id, notice_form(), "1")
    erased = notices.file_notice(session, SECRET, published.id, notice_form(), "2")
    # As an older version stored them: the address in the clear, no cipher.
    for notice in (older, erased):
        notice.notifier_email_cipher, notice.plain_notifier_email = None, "mia@example.com"
    session.commit()
    notices.decide_notice(session, admin, erased, "none", None, "Lawful opinion, no action.")
    assert notices.erase_expired_contacts(session, keep_days=0, now=utcnow() + timedelta(days=1)) == 1

    assert notices.encrypt_plain_contacts(session, ADDRESSES) == 1
    assert all(plain is None and (cipher is None or "mia@" not in cipher) for plain, cipher in _stored_contacts(session))
    session.refresh(older)
    assert notices.notifier_address(older, ADDRESSES) == "mia@example.com"
    assert notices.encrypt_plain_contacts(session, ADDRESSES) == 0  # once
