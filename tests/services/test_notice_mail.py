"""E-mail to the notifier of illegal content (EU Digital Services Act, Art. 16(4) and (5)): the
receipt, the start of the review and the decision with its reasons reach the outbox in the
transaction of the step, in the notifier's language, and the erasure of their contact deletes
what was not sent yet."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from commentdesk import i18n
from commentdesk.services import accounts, notices
from commentdesk.services.notices import NoticeRefused
from commentdesk.services.notifications.addresses import AddressBook
from commentdesk.services.notifications.notice_mail import NoticeMailer
from commentdesk.services.sites import create_site
from commentdesk.store.models import OutgoingMail, utcnow
from db_fixtures import add_article, add_comment
from mail_fixtures import mail_settings

SECRET = "test-secret"
MIA = "mia@example.com"
REASONS = "The comment says the mayor took bribes; no court or inquiry found that. It is defamatory."


def install_mailer(sessions, tmp_path, database_url, **settings) -> NoticeMailer:
    mailer = NoticeMailer(mail_settings(tmp_path, database_url, 25, **settings), AddressBook(SECRET))
    mailer.install(sessions)
    return mailer


@pytest.fixture
def db(sessions, tmp_path, database_url):
    """A session of a factory whose notices e-mail their notifier."""
    install_mailer(sessions, tmp_path, database_url)
    with sessions() as session:
        yield session


@pytest.fixture
def comment(db):
    site, _key = create_site(db, "courier", "The Courier")
    published = add_comment(db, add_article(db, site, title="Mayor opens the harbour bridge"), "The mayor took bribes.")
    db.commit()
    return published


@pytest.fixture
def admin(db):
    user = accounts.create_user(db, "boss", "a long enough password", "admin")
    db.commit()
    return user


def outbox(session) -> list[OutgoingMail]:
    return list(session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)))


def recipient(mail: OutgoingMail) -> str | None:
    return AddressBook(SECRET).decrypt(mail.recipient_cipher)


def test_the_notifier_hears_of_the_receipt_the_review_and_a_removal_with_its_reasons(db, comment, admin, notice_form):
    notice = notices.file_notice(db, SECRET, comment.id, notice_form(), "203.0.113.5")
    (receipt,) = outbox(db)
    assert receipt.kind == "notice_received" and receipt.subject == "Your notice to The Courier is received"
    assert recipient(receipt) == MIA and receipt.recipient_hash == AddressBook(SECRET).hash(MIA)
    assert 'a comment on "Mayor opens the harbour bridge" is illegal (Defamation or insult)' in receipt.body
    assert f"Your reference: {notice.reference}" in receipt.body
    assert f"http://testserver/notices/{notice.reference}?lang=en" in receipt.body
    assert "erased 180 days after the decision" in receipt.body
    assert "Mia Mayor" not in receipt.body and MIA not in receipt.body + receipt.recipient_cipher  # no contact in clear

    notices.start_review(db, admin, notice)
    review = outbox(db)[-1]
    assert review.kind == "notice_review" and review.subject == "Your notice to The Courier is under review"
    assert "A moderator is now reviewing your notice" in review.body and recipient(review) == MIA

    notices.decide_notice(db, admin, notice, "remove", "defamation", REASONS)
    decision = outbox(db)[-1]
    assert decision.kind == "notice_decision" and decision.subject == "Your notice to The Courier: the comment was removed"
    assert "the comment was removed (Defamation or insult)" in decision.body
    assert REASONS in decision.body  # the moderator's reasons in full
    assert "out-of-court dispute settlement body" in decision.body  # how to contest it: the site's redress words
    assert [mail.kind for mail in outbox(db)] == ["notice_received", "notice_review", "notice_decision"]


def test_a_decision_to_take_no_action_says_so_with_its_reasons(db, comment, admin, notice_form):
    notice = notices.file_notice(db, SECRET, comment.id, notice_form())
    notices.decide_notice(db, admin, notice, "none", None, "Sharp opinion about a public figure; lawful.")
    decision = outbox(db)[-1]
    assert decision.subject == "Your notice to The Courier: no action taken"
    assert "no action was taken, the comment stays" in decision.body
    assert "Sharp opinion about a public figure; lawful." in decision.body


def test_a_refused_or_second_decision_sends_nothing(db, comment, admin, notice_form):
    notice = notices.file_notice(db, SECRET, comment.id, notice_form())
    with pytest.raises(NoticeRefused):
        notices.decide_notice(db, admin, notice, "remove", "not-a-ground", REASONS)
    assert [mail.kind for mail in outbox(db)] == ["notice_received"]
    notices.decide_notice(db, admin, notice, "none", None, "Lawful opinion, no action.")
    with pytest.raises(NoticeRefused):
        notices.decide_notice(db, admin, notice, "remove", "defamation", REASONS)
    assert [mail.kind for mail in outbox(db)] == ["notice_received", "notice_decision"]
    notices.start_review(db, admin, notice)  # a decided notice is not reviewed again
    assert len(outbox(db)) == 2


def test_an_anonymous_notice_sends_nothing(db, comment, admin, notice_form):
    notice = notices.file_notice(db, SECRET, comment.id, notice_form(ground="child_safety", notifier_name="", notifier_email=""))
    notices.start_review(db, admin, notice)
    notices.decide_notice(db, admin, notice, "remove", "child_safety", REASONS)
    assert outbox(db) == []


def test_the_notifier_is_written_to_in_the_language_of_their_notice(db, comment, admin, notice_form):
    with i18n.using("de"):
        notice = notices.file_notice(db, SECRET, comment.id, notice_form())
    notices.decide_notice(db, admin, notice, "none", None, "Zulässige Meinungsäußerung.")
    receipt, decision = outbox(db)
    with i18n.using("de"):
        assert receipt.subject == i18n.gettext("Your notice to %(site)s is received") % {"site": "The Courier"}
        assert decision.subject == i18n.gettext("Your notice to %(site)s: no action taken") % {"site": "The Courier"}
    assert receipt.subject != "Your notice to The Courier is received" and "?lang=de" in receipt.body


def test_the_default_appeal_words_of_a_german_decision_are_german(db, comment, admin, notice_form):
    with i18n.using("de"):
        notice = notices.file_notice(db, SECRET, comment.id, notice_form())
    notices.decide_notice(db, admin, notice, "remove", "defamation", REASONS)
    decision = outbox(db)[-1]
    assert "außergerichtliche Streitbeilegungsstelle" in decision.body
    assert "out-of-court" not in decision.body


def test_erasing_the_contact_deletes_unsent_messages_and_sends_nothing_more(db, comment, admin, notice_form):
    notice = notices.file_notice(db, SECRET, comment.id, notice_form())
    other = notices.file_notice(db, SECRET, comment.id, notice_form(notifier_email="ola@example.com"), "198.51.100.7")
    db.execute(update(OutgoingMail).where(OutgoingMail.kind == "notice_received").values(status="sent", recipient_cipher=""))
    notices.decide_notice(db, admin, notice, "none", None, "Lawful opinion, no action.")
    notices.decide_notice(db, admin, other, "none", None, "Lawful opinion, no action.")
    db.execute(update(OutgoingMail).where(OutgoingMail.id == outbox(db)[-1].id).values(status="sent", recipient_cipher=""))
    db.commit()
    assert [(mail.kind, mail.status) for mail in outbox(db)][-2:] == [("notice_decision", "pending"), ("notice_decision", "sent")]

    assert notices.erase_expired_contacts(db, keep_days=30, now=utcnow() + timedelta(days=31)) == 2
    # The unsent decision is gone; what was sent keeps no address.
    assert [(mail.kind, mail.status) for mail in outbox(db)] == [
        ("notice_received", "sent"),
        ("notice_received", "sent"),
        ("notice_decision", "sent"),
    ]
    assert all(mail.recipient_cipher == "" for mail in outbox(db))
    db.refresh(notice)
    assert notice.notifier_email_cipher is None
    for listener in db.info[notices.LISTENERS]:
        listener(db, notice)  # whatever step were announced now, an erased contact gets nothing
    assert len(outbox(db)) == 3


def test_the_receipt_counts_against_the_hourly_limit_but_the_decision_is_always_sent(
    sessions, tmp_path, database_url, notice_form
):
    install_mailer(sessions, tmp_path, database_url, mail_per_hour=1)
    with sessions() as db:
        site, _key = create_site(db, "courier", "The Courier")
        article = add_article(db, site)
        first, second = add_comment(db, article, "One comment."), add_comment(db, article, "Another comment.", author="Bo")
        boss = accounts.create_user(db, "boss", "a long enough password", "admin")
        db.commit()
        notices.file_notice(db, SECRET, first.id, notice_form())
        later = notices.file_notice(db, SECRET, second.id, notice_form())
        assert [mail.kind for mail in outbox(db)] == ["notice_received"]  # a second receipt within the hour is dropped
        notices.decide_notice(db, boss, later, "none", None, "Lawful opinion, no action.")
        assert [mail.kind for mail in outbox(db)] == ["notice_received", "notice_decision"]


def test_without_an_smtp_server_notifiers_are_not_written_to(sessions, tmp_path, database_url, notice_form):
    install_mailer(sessions, tmp_path, database_url, smtp_host="")
    with sessions() as db:
        site, _key = create_site(db, "courier", "The Courier")
        published = add_comment(db, add_article(db, site))
        db.commit()
        notices.file_notice(db, SECRET, published.id, notice_form())
        assert outbox(db) == []
